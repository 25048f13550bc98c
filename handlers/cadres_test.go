package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/visits"
)

// pastVisit stores a visit daysAgo days back, as if it had come in then.
func pastVisit(t *testing.T, db *model.DB, c model.Cadre, h model.Household, daysAgo int, confirmation string) {
	t.Helper()
	at := time.Now().UTC().Add(-time.Duration(daysAgo) * 24 * time.Hour).Truncate(time.Millisecond)
	v := model.Visit{ClientID: newUUID(), CadreID: c.ID, HouseholdID: h.ID, Revision: 1, IsCurrent: true, VisitedAt: at,
		ReceivedAt: at, LocationFlag: model.LocationOK, Findings: "{}", PhotoIDs: "[]", Confirmation: confirmation}
	if err := db.Create(&v).Error; err != nil {
		t.Fatal(err)
	}
}

// lastYear is the year before the risk service's current one, judged in
// the configured zone as the service judges it.
func lastYear(h *harness) int { return h.clock.Now().In(h.cfg.Location()).Year() - 1 }

type dueAnswer struct {
	Items []visits.DueItem `json:"items"`
}

func TestDueListMostUrgentFirst(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		fx := w.h.fx
		mk := func(name string) model.Household {
			h, _ := fx.Household(w.village)
			db.Model(&h).Update("head_name", name)
			fx.Pair(w.cadre, h, model.RoleResponsible)
			return h
		}
		a, b, c, d, e, f := mk("甲"), mk("乙"), mk("丙"), mk("丁"), mk("戊"), mk("己")
		pastVisit(t, db, w.cadre, a, 40, model.ConfirmConfirmed) // 10 days overdue
		pastVisit(t, db, w.cadre, b, 25, model.ConfirmPending)   // due in 5 days: soon
		pastVisit(t, db, w.cadre, c, 3, model.ConfirmPending)    // fine
		// d: never visited, paired six months ago: long overdue
		db.Model(&e).Update("support_level", model.SupportElevated)
		pastVisit(t, db, w.cadre, e, 20, model.ConfirmPending) // 提级帮扶: every 15 days, 5 overdue
		pastVisit(t, db, w.cadre, f, 40, model.ConfirmPending) // 10 days overdue ...
		pastVisit(t, db, w.cadre, f, 2, model.ConfirmDenied)   // ... the household says this one did not happen
		db.Create(&model.HouseholdFlag{HouseholdID: f.ID, Flag: model.FlagUnderLine, Year: 2024, RaisedAt: time.Now(), ActiveKey: ptr(fmt.Sprintf("%d:under_line", f.ID))})
		db.Create(&model.Report{Type: model.ReportRisk, HouseholdID: c.ID, RegionCode: w.village, Kind: "illness", Text: "住院", PhotoIDs: "[]",
			Status: model.ReportOpen, FirstDeadline: time.Now(), FinalDeadline: time.Now()})
		// Not mine: another cadre's household, and a pairing that ended.
		g, _ := fx.Household(w.village)
		fx.Pair(fx.Cadre(w.village), g, model.RoleResponsible)
		ended := mk("庚")
		db.Model(&model.Pairing{}).Where("household_id = ?", ended.ID).Update("ended_on", model.DateOf(time.Now().AddDate(0, 0, -1)))

		all := decode[dueAnswer](t, w.h.do("GET", "/api/v1/cadre/households?due=all", nil, w.cadreTok)).Items
		var order []string
		for _, it := range all {
			order = append(order, it.HeadName)
		}
		// w.paired was never visited either, paired at the same time as 丁.
		got := strings.Join(order, ",")
		if !strings.HasPrefix(got, "丁,") && !strings.HasPrefix(got, w.paired.HeadName+",") || !strings.HasSuffix(got, "己,甲,戊,乙,丙") || len(all) != 7 {
			t.Fatalf("order %s", got)
		}
		byName := map[string]visits.DueItem{}
		for _, it := range all {
			byName[it.HeadName] = it
		}
		checks := []struct {
			name    string
			status  string
			overdue int
			period  int
		}{
			{"甲", visits.StatusOverdue, 10, 30}, {"乙", visits.StatusSoon, 0, 30}, {"丙", visits.StatusOK, 0, 30},
			{"戊", visits.StatusOverdue, 5, 15}, {"己", visits.StatusOverdue, 10, 30},
		}
		for _, ck := range checks {
			t.Run(ck.name, func(t *testing.T) {
				it := byName[ck.name]
				if it.DueStatus != ck.status || it.DaysOverdue != ck.overdue || it.PeriodDays != ck.period {
					t.Fatalf("%+v", it)
				}
			})
		}
		if it := byName["丁"]; it.HouseholdID != d.ID || it.DueStatus != visits.StatusOverdue || it.LastVisitAt != nil {
			t.Fatalf("never visited: %+v", it)
		}
		if len(byName["己"].Flags) != 1 || byName["丙"].OpenReports != 1 || byName["甲"].VillageName != "柳树村" {
			t.Fatal("flags, open reports or village names missing")
		}
		overdue := decode[dueAnswer](t, w.h.do("GET", "/api/v1/cadre/households?due=overdue", nil, w.cadreTok)).Items
		soon := decode[dueAnswer](t, w.h.do("GET", "/api/v1/cadre/households?due=soon", nil, w.cadreTok)).Items
		if len(overdue) != 5 || len(soon) != 1 || soon[0].HeadName != "乙" {
			t.Fatalf("%d overdue, %d soon", len(overdue), len(soon))
		}
		wantError(t, w.h.do("GET", "/api/v1/cadre/households?due=later", nil, w.cadreTok), 400, "invalid_due")
		wantError(t, w.h.do("GET", "/api/v1/cadre/households", nil, w.householdTok), 403, "forbidden")
	})
}

func ptr[T any](v T) *T { return &v }

func TestHouseholdFile(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		w.send(t, visit(w.paired.ID))
		db.Create(&model.IncomeRecord{HouseholdID: w.paired.ID, Year: 2024, WageFen: 1800000, HouseholdSize: 3, PerCapitaFen: 600000,
			Revision: 1, IsCurrent: true, ActorKind: "cadre", ActorID: w.cadre.ID})
		stationed := w.h.fx.Cadre(w.village)
		stationedTok := w.h.signInUser(w.h.fx.CadreUser(stationed))
		official := w.h.signInAdmin(w.h.fx.Admin("419901"))
		path := func(h model.Household) string { return fmt.Sprintf("/api/v1/cadre/households/%d", h.ID) }
		tests := []struct {
			name   string
			path   string
			token  string
			status int
		}{
			{"my paired household", path(w.paired), w.cadreTok, 200},
			{"a household I do not help", path(w.unpaired), w.cadreTok, 404},
			{"another county", path(w.away), w.cadreTok, 404},
			{"no such household", "/api/v1/cadre/households/999999", w.cadreTok, 404},
			{"not a number", "/api/v1/cadre/households/abc", w.cadreTok, 404},
			{"stationed in the village", path(w.unpaired), stationedTok, 200},
			{"official of the county", fmt.Sprintf("/admin/api/households/%d", w.paired.ID), official, 200},
			{"official, another county", fmt.Sprintf("/admin/api/households/%d", w.away.ID), official, 404},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := w.h.do("GET", tc.path, nil, tc.token)
				if tc.status == 404 {
					wantError(t, r, 404, "not_found")
					return
				}
				if r.Code != tc.status {
					t.Fatalf("status %d: %s", r.Code, r.Body)
				}
			})
		}
		f := decode[visits.HouseholdFile](t, w.h.do("GET", path(w.paired), nil, w.cadreTok))
		if len(f.Members) != 1 || !strings.Contains(f.Members[0].IDCard, "*") || !strings.Contains(f.Members[0].Phone, "*") {
			t.Fatalf("members: %+v", f.Members)
		}
		if len(f.Visits) != 1 || len(f.Income) != 1 || len(f.Cadres) != 1 || f.VisitStatus == nil || f.VisitStatus.DueStatus != visits.StatusOK {
			t.Fatalf("file: visits %d, income %d, cadres %d, status %+v", len(f.Visits), len(f.Income), len(f.Cadres), f.VisitStatus)
		}
		if n := count(t, db, "audit_log", "action = ? AND target_id = ? AND actor_kind = ?", "household.read", w.paired.ID, "cadre"); n != 2 {
			t.Fatalf("%d household.read entries by the cadre, want 2", n)
		}
	})
}

type incomeAnswer struct {
	Record  risk.IncomeView `json:"record"`
	Created bool            `json:"created"`
	Flags   []risk.FlagView `json:"flags"`
}

func flagNames(fs []risk.FlagView) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Flag)
	}
	return strings.Join(out, ",")
}

func TestIncomeRecordsAndFlags(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		year := lastYear(w.h)
		path := fmt.Sprintf("/api/v1/cadre/households/%d/income", w.paired.ID)
		body := func(wage int64) map[string]any {
			return map[string]any{"year": year, "wage_fen": wage, "business_fen": -50000, "transfer_fen": 300000, "property_fen": 0,
				"household_size": 3, "note": "入户核算"}
		}
		// 1,400,000 − 50,000 + 300,000 = 1,650,000 fen for 3 people: 5,500 yuan each, under the line.
		r := w.h.do("POST", path, body(1400000), w.cadreTok)
		if r.Code != 201 {
			t.Fatalf("first record: %d %s", r.Code, r.Body)
		}
		first := decode[incomeAnswer](t, r)
		if !first.Created || first.Record.PerCapitaFen != 550000 || first.Record.Revision != 1 ||
			flagNames(first.Flags) != "under_line,elevation_needed" {
			t.Fatalf("first: %+v", first)
		}
		var hh model.Household
		db.Take(&hh, w.paired.ID)
		if hh.SupportLevel != model.SupportElevated {
			t.Fatal("a household under the line was not moved to 提级帮扶")
		}
		var entry model.AuditEntry
		db.Where("action = ? AND target_id = ?", "income.record", w.paired.ID).Take(&entry)
		if entry.Detail == nil || !strings.Contains(*entry.Detail, `"flags_raised":["under_line","elevation_needed"]`) ||
			!strings.Contains(*entry.Detail, `"elevated":true`) || entry.ActorKind != "cadre" {
			t.Fatalf("the audit entry does not say what the record changed: %+v", entry)
		}
		if n := count(t, db, "push_outbox", "kind = ? AND dedupe_key LIKE ?", "household_flags", fmt.Sprintf("flags:%d:%%", w.cadre.ID)); n != 1 {
			t.Fatalf("%d notices of the new flags to the cadre, want 1", n)
		}
		// The phone sends it again: nothing changes.
		r = w.h.do("POST", path, body(1400000), w.cadreTok)
		if r.Code != 200 || decode[incomeAnswer](t, r).Created {
			t.Fatalf("replay: %d %s", r.Code, r.Body)
		}
		// A plan and a leader take away 需提级帮扶; the line stays.
		plan := map[string]any{"measures": "安排公益性岗位；发展庭院养殖", "responsible": "王书记", "target_fen": 900000,
			"review_date": w.h.clock.Now().In(w.h.cfg.Location()).AddDate(0, 3, 0).Format("2006-01-02")}
		ppath := fmt.Sprintf("/api/v1/cadre/households/%d/plan", w.paired.ID)
		r = w.h.do("POST", ppath, plan, w.cadreTok)
		if r.Code != 201 || !strings.Contains(r.Body.String(), "elevation_needed") {
			t.Fatalf("plan without a leader: %d %s", r.Code, r.Body)
		}
		w.h.fx.Pair(w.h.fx.Cadre("419901000000"), w.paired, model.RoleLeader)
		r = w.h.do("POST", ppath, plan, w.cadreTok)
		if r.Code != 200 { // the same plan again: not a new one
			t.Fatalf("plan replay: %d %s", r.Code, r.Body)
		}
		plan["target_fen"] = 950000
		r = w.h.do("POST", ppath, plan, w.cadreTok)
		if r.Code != 201 || strings.Contains(r.Body.String(), "elevation_needed") {
			t.Fatalf("plan with a leader: %d %s", r.Code, r.Body)
		}
		// The county's officials see the standing plan in the household file.
		file := decode[console.HouseholdDetail](t, w.h.do("GET", fmt.Sprintf("/admin/api/households/%d", w.paired.ID), nil,
			w.h.signInAdmin(w.h.fx.Admin("419901"))))
		if file.Plan == nil || file.Plan.TargetFen != 950000 || file.Plan.Responsible != "王书记" {
			t.Fatalf("the official's household file shows the plan %+v", file.Plan)
		}
		// A correction above the line: a second revision, the first kept, flags cleared.
		r = w.h.do("POST", path, body(2500000), w.cadreTok)
		second := decode[incomeAnswer](t, r)
		if r.Code != 201 || second.Record.Revision != 2 || len(second.Flags) != 0 {
			t.Fatalf("correction: %d %s", r.Code, r.Body)
		}
		if n := count(t, db, "income_records", "household_id = ? AND year = ?", w.paired.ID, year); n != 2 {
			t.Fatalf("%d records for the year, want both revisions", n)
		}
		if n := count(t, db, "audit_log", "action = ? AND target_id = ?", "income.record", w.paired.ID); n != 2 {
			t.Fatalf("%d income.record entries, want 2", n)
		}
	})
}

func TestIncomeInputAndScope(t *testing.T) {
	w := newWorld(t, modeltest.SQLite(t))
	// The risk service's clock is fixed, so "a year not over yet" is next
	// year in Shanghai at any hour (a UTC year is a year behind from 16:00
	// on 31 December).
	w.h.clock.Set(harnessNow)
	year := lastYear(w.h)
	good := func() map[string]any {
		return map[string]any{"year": year, "wage_fen": 100, "business_fen": 0, "transfer_fen": 0, "property_fen": 0, "household_size": 2}
	}
	with := func(k string, v any) map[string]any {
		b := good()
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	stationedTok := w.h.signInUser(w.h.fx.CadreUser(w.h.fx.Cadre(w.village)))
	path := func(h model.Household) string { return fmt.Sprintf("/api/v1/cadre/households/%d/income", h.ID) }
	tests := []struct {
		name   string
		path   string
		body   any
		token  string
		status int
		code   string
	}{
		{"a part left out", path(w.paired), with("property_fen", nil), w.cadreTok, 400, "missing_income_part"},
		{"negative wages", path(w.paired), with("wage_fen", -1), w.cadreTok, 400, "negative_income"},
		{"fen with a fraction", path(w.paired), with("wage_fen", 1.5), w.cadreTok, 400, "invalid_field"},
		{"a year not over yet", path(w.paired), with("year", year+2), w.cadreTok, 400, "invalid_year"},
		{"nobody in the household", path(w.paired), with("household_size", 0), w.cadreTok, 400, "invalid_household_size"},
		{"absurd amount", path(w.paired), with("transfer_fen", int64(1e12)), w.cadreTok, 400, "income_too_large"},
		{"a long note", path(w.paired), with("note", strings.Repeat("字", 256)), w.cadreTok, 400, "note_too_long"},
		{"not JSON", path(w.paired), "{year:", w.cadreTok, 400, "invalid_json"},
		{"stationed but not paired", path(w.unpaired), good(), stationedTok, 403, "not_paired"},
		{"out of scope", path(w.away), good(), w.cadreTok, 404, "not_found"},
		{"a household member", path(w.paired), good(), w.householdTok, 403, "forbidden"},
		{"plan in the past", fmt.Sprintf("/api/v1/cadre/households/%d/plan", w.paired.ID),
			map[string]any{"measures": "x", "responsible": "y", "target_fen": 1, "review_date": "2020-01-01"}, w.cadreTok, 400, "invalid_review_date"},
		{"plan without measures", fmt.Sprintf("/api/v1/cadre/households/%d/plan", w.paired.ID),
			map[string]any{"responsible": "y", "target_fen": 1, "review_date": harnessNow.AddDate(0, 1, 0).Format("2006-01-02")}, w.cadreTok, 400, "invalid_measures"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, w.h.do("POST", tc.path, tc.body, tc.token), tc.status, tc.code)
		})
	}
	if n := count(t, w.h.db, "income_records", "1 = 1"); n != 0 {
		t.Fatalf("%d income records from bad input", n)
	}
	if n := count(t, w.h.db, "audit_log", "action = ?", "income.refused_out_of_scope"); n != 2 {
		t.Fatalf("%d refusals audited, want 2", n)
	}
}

func TestOfficialsFlagLists(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		year := lastYear(w.h)
		r := w.h.do("POST", fmt.Sprintf("/api/v1/cadre/households/%d/income", w.paired.ID), map[string]any{"year": year,
			"wage_fen": 600000, "business_fen": 0, "transfer_fen": 0, "property_fen": 0, "household_size": 1}, w.cadreTok)
		if r.Code != 201 {
			t.Fatalf("income: %d %s", r.Code, r.Body)
		}
		// The village's one monitored household, three people, is over 3 % of a rural population of 90.
		db.Model(&model.Region{}).Where("code = ?", w.village).Update("rural_population", 90)
		db.Model(&model.Household{}).Where("id = ?", w.unpaired.ID).Update("class", model.ClassMonitorMarginal)

		county := w.h.signInAdmin(w.h.fx.Admin("419901"))
		other := w.h.signInAdmin(w.h.fx.Admin("419902"))
		r = w.h.do("POST", "/admin/api/flags/recompute", nil, county)
		if r.Code != 200 {
			t.Fatalf("recompute: %d %s", r.Code, r.Body)
		}
		if sum := decode[risk.Summary](t, r); sum.VillagesRaised != 1 || sum.AtRisk != 1 {
			t.Fatalf("summary: %+v", sum)
		}
		type page struct {
			Items      []risk.FlaggedHousehold `json:"items"`
			NextCursor string                  `json:"next_cursor"`
		}
		got := decode[page](t, w.h.do("GET", "/admin/api/flags/households", nil, county))
		if len(got.Items) != 1 || got.Items[0].HouseholdID != w.paired.ID || got.Items[0].PerCapitaFen == nil ||
			*got.Items[0].PerCapitaFen != 600000 || got.Items[0].HasPlan || got.Items[0].VillageName != "柳树村" {
			t.Fatalf("county's flagged households: %+v", got.Items)
		}
		if got := decode[page](t, w.h.do("GET", "/admin/api/flags/households?flag=income_fell", nil, county)); len(got.Items) != 0 {
			t.Fatalf("filter by flag: %+v", got.Items)
		}
		if got := decode[page](t, w.h.do("GET", "/admin/api/flags/households", nil, other)); len(got.Items) != 0 {
			t.Fatalf("another county's official sees %d households", len(got.Items))
		}
		villages := decode[struct {
			Items []risk.FlaggedVillage `json:"items"`
		}](t, w.h.do("GET", "/admin/api/flags/villages", nil, county))
		if len(villages.Items) != 1 || villages.Items[0].RegionCode != w.village || villages.Items[0].FlagName != "重点村" {
			t.Fatalf("villages: %+v", villages.Items)
		}
		if n := count(t, db, "audit_log", "action = ?", "flags.list"); n != 3 {
			t.Fatalf("%d flags.list audit entries, want 3", n)
		}
		wantError(t, w.h.do("GET", "/admin/api/flags/households?flag=bogus", nil, county), 400, "invalid_flag")
		wantError(t, w.h.do("POST", "/admin/api/flags/recompute", map[string]any{"region": "419902"}, county), 403, "outside_region")
		wantError(t, w.h.do("GET", "/admin/api/flags/households", nil, w.cadreTok), 403, "forbidden")
	})
}
