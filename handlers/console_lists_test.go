package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
)

func TestConsoleHouseholdList(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		county, townA := h.signInAdmin(cc.county), h.signInAdmin(cc.townA)
		tests := []struct {
			name  string
			token string
			query string
			want  []int64
		}{
			{"county sees every household", county, "", []int64{cc.hA1.ID, cc.hA2.ID, cc.hB1.ID}},
			{"town A sees its own", townA, "", []int64{cc.hA1.ID, cc.hA2.ID}},
			{"narrowed to a village", county, "region=" + ctVillageB, []int64{cc.hB1.ID}},
			{"narrowed to a town by its 12-digit code", county, "region=" + ctTownA, []int64{cc.hA1.ID, cc.hA2.ID}},
			{"a class", county, "class=monitor_unstable", []int64{cc.hA2.ID}},
			{"any monitored class", county, "class=monitored", []int64{cc.hA2.ID}},
			{"elevated support", county, "support_level=elevated", []int64{cc.hA2.ID}},
			{"any standing flag", county, "flag=any", []int64{cc.hA1.ID, cc.hB1.ID}},
			{"one flag", county, "flag=job_lost", []int64{cc.hB1.ID}},
			{"a cleared flag lists nobody", county, "flag=income_fell", nil},
			{"not visited in their period", county, "visit=overdue", []int64{cc.hA2.ID, cc.hB1.ID}},
			{"visited in their period", county, "visit=ok", []int64{cc.hA1.ID}},
			{"unpaired", county, "paired=no", nil},
			{"head's name", county, "q=" + cc.hB1.HeadName, []int64{cc.hB1.ID}},
			{"household number prefix", county, "q=" + cc.hA2.HouseholdNo[:14], []int64{cc.hA1.ID, cc.hA2.ID}},
			{"a wildcard is a character, not a wildcard", county, "q=%25", nil},
			{"town A's view of town B's village", townA, "region=41990110", []int64{cc.hA1.ID, cc.hA2.ID}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				w := h.do("GET", "/admin/api/households?"+tc.query, nil, tc.token)
				if w.Code != http.StatusOK {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				page := decode[console.HouseholdPage](t, w)
				var got []int64
				for _, r := range page.Items {
					got = append(got, r.ID)
					if r.Phone == "" || !strings.Contains(r.Phone, "****") || r.VillageName == "" || r.TownName == "" {
						t.Errorf("row %+v", r)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("rows carry flags, cadres and the last visit", func(t *testing.T) {
			page := decode[console.HouseholdPage](t, h.do("GET", "/admin/api/households?q="+cc.hA1.HouseholdNo, nil, county))
			r := page.Items[0]
			if len(r.Flags) != 1 || r.Flags[0].Flag != model.FlagUnderLine || len(r.Cadres) != 1 || r.Cadres[0] != cc.cadreA.Name || r.LastVisitAt == nil {
				t.Fatalf("%+v", r)
			}
		})
		t.Run("paging", func(t *testing.T) {
			if n := countAll(t, h, "/admin/api/households?region=419901", county); n != 3 {
				t.Fatalf("paged through %d households", n)
			}
		})
		bad := []struct{ name, query, code string }{
			{"bad class", "class=rich", "invalid_class"},
			{"bad support level", "support_level=max", "invalid_support_level"},
			{"bad flag", "flag=DROP%20TABLE", "invalid_flag"},
			{"bad visit", "visit=soon", "invalid_visit"},
			{"bad paired", "paired=maybe", "invalid_paired"},
			{"bad region", "region=4199x", "invalid_region"},
			{"bad cursor", "cursor=abc", "invalid_cursor"},
			{"bad limit", "limit=1000", "invalid_limit"},
			{"long keyword", "q=" + strings.Repeat("长", 33), "invalid_q"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, h.do("GET", "/admin/api/households?"+tc.query, nil, county), 400, tc.code)
			})
		}
		t.Run("another town's region is refused", func(t *testing.T) {
			wantError(t, h.do("GET", "/admin/api/households?region="+ctVillageB, nil, townA), 403, "region_out_of_scope")
		})
		t.Run("a household member cannot list", func(t *testing.T) {
			wantError(t, h.do("GET", "/admin/api/households", nil, h.signInUser(cc.userA1)), 403, "forbidden")
		})
	})
}

func TestConsoleHouseholdFile(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		townA := h.signInAdmin(cc.townA)
		reads := func(id int64) int64 {
			var n int64
			must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND target_kind = ? AND target_id = ?", "household.read", "household", id).Count(&n).Error)
			return n
		}

		t.Run("opening a household in scope is audited", func(t *testing.T) {
			w := h.do("GET", fmt.Sprintf("/admin/api/households/%d", cc.hA1.ID), nil, townA)
			if w.Code != 200 {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			d := decode[console.HouseholdDetail](t, w)
			if len(d.Members) != 1 || !strings.Contains(d.Members[0].IDCard, "**********") || d.Members[0].Phone == "" {
				t.Fatalf("members %+v", d.Members)
			}
			if len(d.Pairings) != 1 || len(d.Visits) != 1 || len(d.Reports) != 1 || len(d.Payments) != 3 || len(d.Flags) != 1 {
				t.Fatalf("file: %d pairings, %d visits, %d reports, %d payments, %d flags", len(d.Pairings), len(d.Visits), len(d.Reports), len(d.Payments), len(d.Flags))
			}
			var overdue int
			for _, p := range d.Payments {
				if p.Status == model.PaymentOverdue && p.StatusName == "逾期未发" && p.ItemName != "" {
					overdue++
				}
			}
			if overdue != 1 {
				t.Fatalf("payments %+v", d.Payments)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Error("a household file may be cached")
			}
			var e model.AuditEntry
			must(t, h.db.Where("action = ? AND target_id = ?", "household.read", cc.hA1.ID).First(&e).Error)
			if e.ActorKind != "official" || e.ActorID != cc.townA.ID || e.RegionCode != ctVillageA || e.Endpoint != "GET /admin/api/households/:id" || e.IP == "" {
				t.Fatalf("audit entry %+v", e)
			}
		})
		for _, tc := range []struct {
			name string
			path string
		}{
			{"another town's household", fmt.Sprintf("/admin/api/households/%d", cc.hB1.ID)},
			{"no such household", "/admin/api/households/999999"},
			{"not an id", "/admin/api/households/abc"},
		} {
			t.Run(tc.name+" is not found", func(t *testing.T) {
				wantError(t, h.do("GET", tc.path, nil, townA), 404, "not_found")
			})
		}
		if n := reads(cc.hB1.ID); n != 0 {
			t.Fatalf("a refused read left %d audit entries", n)
		}
	})
}

func TestConsoleExports(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		townA := h.signInAdmin(cc.townA)
		for _, tc := range []struct {
			name, path, action string
			rows               int
			first              string
		}{
			{"households", "/admin/api/households.xlsx?class=monitored", "household.export", 1, cc.hA2.HouseholdNo},
			{"every household of the town", "/admin/api/households.xlsx", "household.export", 2, cc.hA1.HouseholdNo},
			{"cadres", "/admin/api/cadres.xlsx", "cadre.export", 1, cc.cadreA.Name},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := h.do("GET", tc.path, nil, townA)
				if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") ||
					!strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
					t.Fatalf("%d %v", w.Code, w.Header())
				}
				f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				rows, err := f.GetRows(f.GetSheetName(0))
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != tc.rows+1 || rows[1][0] != tc.first {
					t.Fatalf("rows %v", rows)
				}
				for _, row := range rows {
					for _, cell := range row {
						if rawMobile.MatchString(cell) || rawIDCard.MatchString(cell) {
							t.Fatalf("an unmasked number in the export: %q", cell)
						}
					}
				}
				var n int64
				must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND actor_id = ?", tc.action, cc.townA.ID).Count(&n).Error)
				if n == 0 {
					t.Fatal("the export was not audited")
				}
			})
		}
		t.Run("a bad filter answers JSON, not a spreadsheet", func(t *testing.T) {
			w := h.do("GET", "/admin/api/households.xlsx?class=rich", nil, townA)
			wantError(t, w, 400, "invalid_class")
			if w.Header().Get("Content-Disposition") != "" {
				t.Fatal("an error came as a download")
			}
		})
	})
}

func TestConsoleCadresAndPairings(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		county, townA := h.signInAdmin(cc.county), h.signInAdmin(cc.townA)

		t.Run("the cadre list counts the work", func(t *testing.T) {
			page := decode[console.CadrePage](t, h.do("GET", "/admin/api/cadres", nil, townA))
			if len(page.Items) != 1 {
				t.Fatalf("town A sees %d cadres", len(page.Items))
			}
			c := page.Items[0]
			if c.ID != cc.cadreA.ID || c.Paired != 2 || c.VisitsOverdue != 1 || c.Visits30d != 2 || !strings.Contains(c.Phone, "****") || c.KindName == "" {
				t.Fatalf("%+v", c)
			}
			if n := len(decode[console.CadrePage](t, h.do("GET", "/admin/api/cadres?q="+cc.cadreB.Name, nil, county)).Items); n != 1 {
				t.Fatalf("search found %d", n)
			}
			wantError(t, h.do("GET", "/admin/api/cadres?kind=boss", nil, county), 400, "invalid_kind")
		})
		t.Run("another town's cadre is not found", func(t *testing.T) {
			wantError(t, h.do("GET", fmt.Sprintf("/admin/api/cadres/%d", cc.cadreB.ID), nil, townA), 404, "not_found")
		})

		hA3, _ := h.fx.Household(ctVillageA)
		pair := func(tok string, body map[string]any) *console.PairingView {
			w := h.do("POST", "/admin/api/pairings", body, tok)
			if w.Code != http.StatusCreated {
				return nil
			}
			v := decode[console.PairingView](t, w)
			return &v
		}
		var created console.PairingView
		t.Run("pair a cadre with a household", func(t *testing.T) {
			v := pair(townA, map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "responsible"})
			if v == nil || !v.Active || v.CadreName != cc.cadreA.Name || v.HouseholdNo != hA3.HouseholdNo || v.RoleName != "帮扶责任人" {
				t.Fatalf("%+v", v)
			}
			created = *v
		})
		conflicts := []struct {
			name   string
			body   map[string]any
			status int
			code   string
		}{
			{"the same pairing again", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "responsible"}, 409, "already_paired"},
			{"a second responsible cadre", map[string]any{"cadre_id": cc.cadreB.ID, "household_id": cc.hA2.ID, "role": "responsible"}, 409, "role_taken"},
			{"a bad role", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "boss"}, 400, "invalid_role"},
			{"no household", map[string]any{"cadre_id": cc.cadreA.ID, "role": "responsible"}, 400, "invalid_pairing"},
			{"a future start", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "work_team", "started_on": "2999-01-01"}, 400, "invalid_started_on"},
			{"an ordinary cadre as 提级帮扶 leader", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "leader"}, 400, "leader_kind_required"},
		}
		for _, tc := range conflicts {
			t.Run(tc.name+" is refused", func(t *testing.T) {
				wantError(t, h.do("POST", "/admin/api/pairings", tc.body, county), tc.status, tc.code)
			})
		}
		t.Run("outside the scope looks like not found", func(t *testing.T) {
			wantError(t, h.do("POST", "/admin/api/pairings", map[string]any{"cadre_id": cc.cadreB.ID, "household_id": hA3.ID, "role": "work_team"}, townA), 404, "not_found")
			wantError(t, h.do("POST", "/admin/api/pairings", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": cc.hB1.ID, "role": "work_team"}, townA), 404, "not_found")
			wantError(t, h.do("POST", fmt.Sprintf("/admin/api/pairings/%d/end", cc.pairB1.ID), nil, townA), 404, "not_found")
		})
		t.Run("replace the responsible cadre", func(t *testing.T) {
			v := pair(county, map[string]any{"cadre_id": cc.cadreB.ID, "household_id": cc.hA1.ID, "role": "responsible", "replace": true})
			if v == nil {
				t.Fatal("replacing was refused")
			}
			var old model.Pairing
			must(t, h.db.First(&old, cc.pairA1.ID).Error)
			if old.EndedOn.IsZero() {
				t.Fatal("the old pairing still stands")
			}
		})
		t.Run("end a pairing, twice", func(t *testing.T) {
			for i := 0; i < 2; i++ {
				w := h.do("POST", fmt.Sprintf("/admin/api/pairings/%d/end", created.ID), nil, townA)
				if v := decode[console.PairingView](t, w); w.Code != 200 || v.Active || v.EndedOn.IsZero() {
					t.Fatalf("end #%d: %d %s", i+1, w.Code, w.Body)
				}
			}
			var n int64
			must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND target_id = ?", "pairing.end", hA3.ID).Count(&n).Error)
			if n != 1 {
				t.Fatalf("%d audit entries for ending once and retrying", n)
			}
		})
		t.Run("pairing again reopens the ended row", func(t *testing.T) {
			v := pair(townA, map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "responsible"})
			if v == nil || v.ID != created.ID || !v.Active {
				t.Fatalf("%+v, want pairing %d reopened", v, created.ID)
			}
			var actions []string
			must(t, h.db.Model(&model.AuditEntry{}).Where("target_kind = ? AND target_id = ?", "household", hA3.ID).Order("id").Pluck("action", &actions).Error)
			if strings.Join(actions, ",") != "pairing.create,pairing.end,pairing.reopen" {
				t.Fatalf("audit trail %v", actions)
			}
		})
		t.Run("the cadre's page lists current pairings first", func(t *testing.T) {
			d := decode[console.CadreDetail](t, h.do("GET", fmt.Sprintf("/admin/api/cadres/%d", cc.cadreA.ID), nil, townA))
			if len(d.Pairings) != 3 || !d.Pairings[0].Active || d.Pairings[len(d.Pairings)-1].Active {
				t.Fatalf("%+v", d.Pairings)
			}
		})
		t.Run("a cookie without the CSRF token cannot pair", func(t *testing.T) {
			out, err := h.auth.SignInAdmin(t.Context(), cc.county.ID, "127.0.0.1", "test")
			must(t, err)
			w := h.do("POST", "/admin/api/pairings", map[string]any{"cadre_id": cc.cadreA.ID, "household_id": hA3.ID, "role": "work_team"}, "",
				"Cookie", sessionCookie+"="+out.Token)
			wantError(t, w, 403, "csrf_failed")
		})
	})
}

func TestConsoleOutbox(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		county, townA := h.signInAdmin(cc.county), h.signInAdmin(cc.townA)
		list := func(tok, q string) []console.OutboxItem {
			w := h.do("GET", "/admin/api/outbox?"+q, nil, tok)
			if w.Code != 200 {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			return decode[console.OutboxPage](t, w).Items
		}
		t.Run("scoped to the recipients' region", func(t *testing.T) {
			if n := len(list(county, "")); n != 3 {
				t.Fatalf("county sees %d", n)
			}
			items := list(townA, "")
			if len(items) != 2 || items[0].ID != cc.sentA1.ID || items[0].Recipient.HouseholdID != cc.hA1.ID || items[0].Recipient.RegionName != "甲村" {
				t.Fatalf("town A sees %+v", items)
			}
			if items := list(county, "state=dead"); len(items) != 2 || !items[0].Retryable {
				t.Fatalf("dead: %+v", items)
			}
			wantError(t, h.do("GET", "/admin/api/outbox?state=lost", nil, county), 400, "invalid_state")
		})
		t.Run("retry a dead message", func(t *testing.T) {
			w := h.do("POST", fmt.Sprintf("/admin/api/outbox/%d/retry", cc.deadA1.ID), nil, townA)
			it := decode[console.OutboxItem](t, w)
			if w.Code != 200 || it.State != model.OutboxQueued || it.Attempts != 0 || it.Retryable {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			var m model.OutboxMessage
			must(t, h.db.First(&m, cc.deadA1.ID).Error)
			if m.State != model.OutboxQueued || m.Attempts != 0 {
				t.Fatalf("stored %+v", m)
			}
			var n int64
			must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND target_id = ? AND region_code = ?", "push.retry", m.ID, ctVillageA).Count(&n).Error)
			if n != 1 {
				t.Fatal("the retry was not audited")
			}
		})
		t.Run("a second click is a conflict", func(t *testing.T) {
			wantError(t, h.do("POST", fmt.Sprintf("/admin/api/outbox/%d/retry", cc.deadA1.ID), nil, townA), 409, "not_retryable")
			wantError(t, h.do("POST", fmt.Sprintf("/admin/api/outbox/%d/retry", cc.sentA1.ID), nil, townA), 409, "not_retryable")
		})
		t.Run("another town's message is not found", func(t *testing.T) {
			wantError(t, h.do("POST", fmt.Sprintf("/admin/api/outbox/%d/retry", cc.deadB1.ID), nil, townA), 404, "not_found")
		})
	})
}

func TestConsoleRegions(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		tree := decode[console.RegionTree](t, h.do("GET", "/admin/api/regions", nil, h.signInAdmin(cc.county)))
		var codes []string
		for _, r := range tree.Items {
			codes = append(codes, r.Code)
		}
		if tree.Root.Name != "测试县" || strings.Join(codes, ",") != strings.Join([]string{ctTownA, ctVillageA, ctTownB, ctVillageB}, ",") {
			t.Fatalf("%+v", tree)
		}
		tree = decode[console.RegionTree](t, h.do("GET", "/admin/api/regions", nil, h.signInAdmin(cc.townB)))
		if tree.Root.Name != "乙镇" || len(tree.Items) != 1 || tree.Items[0].Code != ctVillageB {
			t.Fatalf("%+v", tree)
		}
	})
}
