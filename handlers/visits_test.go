package handlers

import (
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/visits"
)

// world is a village with a cadre, a household paired with the cadre (and
// a member of it signed in), a household of the same village not paired
// with the cadre, and a household of another county.
type world struct {
	h                      *harness
	village                string
	cadre                  model.Cadre
	cadreTok               string
	paired, unpaired, away model.Household
	member                 model.Member
	householdTok           string
}

func newWorld(t *testing.T, db *model.DB) *world {
	t.Helper()
	h := newHarness(t, db)
	w := &world{h: h, village: h.fx.Region("419901100201", "柳树村").Code}
	h.fx.Region("419901100000", "青石镇")
	w.cadre = h.fx.Cadre("419901100000") // serves the town: not stationed in the village
	w.cadreTok = h.signInUser(h.fx.CadreUser(w.cadre))
	w.paired, w.member = h.fx.Household(w.village)
	h.fx.Pair(w.cadre, w.paired, model.RoleResponsible)
	w.householdTok = h.signInUser(h.fx.HouseholdUser(w.member))
	w.unpaired, _ = h.fx.Household(w.village)
	w.away, _ = h.fx.Household(h.fx.Region("419902100201", "远村").Code)
	return w
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// visit is a good visit item to the household, two hours ago, at its door.
func visit(householdID int64) map[string]any {
	return map[string]any{
		"client_id": newUUID(), "household_id": householdID,
		"visited_at": time.Now().Add(-2 * time.Hour).Format(time.RFC3339),
		"latitude":   34.6004, "longitude": 113.6, "accuracy_m": 12,
		"findings": map[string]any{"food_clothing_ok": true, "compulsory_education_ok": true, "basic_medical_ok": true,
			"housing_safe": true, "drinking_water_safe": true, "income_change": "stable", "risks": []string{"illness"},
			"needs": []string{"想找县城附近的活"}, "actions": []map[string]any{{"text": "联系帮扶车间", "due": "2030-01-01"}}},
		"notes": "户主腰疼，已建议去卫生院", "photo_ids": []int64{},
	}
}

type batchAnswer struct {
	Results []visits.Result `json:"results"`
}

func (w *world) send(t *testing.T, items ...map[string]any) batchAnswer {
	t.Helper()
	r := w.h.do("POST", "/api/v1/cadre/visits", map[string]any{"visits": items}, w.cadreTok)
	if r.Code != 200 {
		t.Fatalf("batch: %d %s", r.Code, r.Body)
	}
	return decode[batchAnswer](t, r)
}

func count(t *testing.T, db *model.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVisitBatchReplayedTenTimes(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		items := []map[string]any{visit(w.paired.ID), visit(w.paired.ID), visit(w.paired.ID)}
		first := w.send(t, items...)
		for i, r := range first.Results {
			if r.Status != visits.StatusCreated || r.VisitID == 0 || r.ClientID != items[i]["client_id"] || r.LocationFlag != model.LocationOK {
				t.Fatalf("first send, item %d: %+v", i, r)
			}
		}
		for n := 2; n <= 10; n++ {
			again := w.send(t, items...)
			for i, r := range again.Results {
				if r.Status != visits.StatusDuplicate || r.VisitID != first.Results[i].VisitID {
					t.Fatalf("send %d, item %d: %+v, want duplicate of visit %d", n, i, r, first.Results[i].VisitID)
				}
			}
		}
		if n := count(t, db, "visits", "cadre_id = ?", w.cadre.ID); n != 3 {
			t.Fatalf("%d visits after ten sends, want 3", n)
		}
		if n := count(t, db, "push_outbox", "kind = ?", "visit_confirm"); n != 3 {
			t.Fatalf("%d confirmation notices, want 3", n)
		}
		if n := count(t, db, "audit_log", "action = ?", "visit.create"); n != 3 {
			t.Fatalf("%d visit.create audit entries, want 3", n)
		}
		// A replay with different content is still the same visit: never overwritten.
		changed := items[0]
		changed["notes"] = "换了内容"
		if r := w.send(t, changed).Results[0]; r.Status != visits.StatusDuplicate || r.VisitID != first.Results[0].VisitID {
			t.Fatalf("changed replay: %+v", r)
		}
		var v model.Visit
		db.Take(&v, first.Results[0].VisitID)
		if v.Notes == nil || *v.Notes != "户主腰疼，已建议去卫生院" {
			t.Fatalf("a replay overwrote the visit: %v", v.Notes)
		}
		// A phone that writes its UUIDs in capitals gets them back as sent,
		// and the same UUID in either case is the same visit.
		upper := visit(w.paired.ID)
		upper["client_id"] = strings.ToUpper(upper["client_id"].(string))
		made := w.send(t, upper).Results[0]
		upper["client_id"] = strings.ToLower(upper["client_id"].(string))
		again := w.send(t, upper).Results[0]
		if made.ClientID != strings.ToUpper(made.ClientID) || again.Status != visits.StatusDuplicate || again.VisitID != made.VisitID ||
			again.ClientID != upper["client_id"] {
			t.Fatalf("upper case: %+v then %+v", made, again)
		}
	})
}

func TestVisitBatchKeepsGoodItemsAndReportsBadOnes(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		other := w.h.fx.Cadre("419901100000")
		otherPhoto := model.Photo{SHA256: "x", ContentType: "image/png", SizeBytes: 1, StorageKey: "x", UploaderKind: "cadre", UploaderID: other.ID}
		db.Create(&otherPhoto)
		with := func(k string, v any) map[string]any {
			it := visit(w.paired.ID)
			if v == nil {
				delete(it, k)
			} else {
				it[k] = v
			}
			return it
		}
		tests := []struct {
			name   string
			item   map[string]any
			status string
			code   string
			flag   string
		}{
			{"good", visit(w.paired.ID), visits.StatusCreated, "", model.LocationOK},
			{"far from the house: flagged, kept", with("latitude", 34.62), visits.StatusCreated, "", model.LocationFar},
			{"a longitude without a latitude", with("latitude", nil), visits.StatusRejected, "invalid_location", ""},
			{"phone clock five minutes ahead", with("visited_at", time.Now().Add(5*time.Minute).Format(time.RFC3339)), visits.StatusCreated, "", model.LocationOK},
			{"an hour in the future", with("visited_at", time.Now().Add(time.Hour).Format(time.RFC3339)), visits.StatusRejected, "visited_at_in_future", ""},
			{"a hundred days old", with("visited_at", time.Now().AddDate(0, 0, -100).Format(time.RFC3339)), visits.StatusRejected, "visited_at_too_old", ""},
			{"time without zone", with("visited_at", "2026-01-02 10:00"), visits.StatusRejected, "invalid_visited_at", ""},
			{"client id not a UUID", with("client_id", "visit-1"), visits.StatusRejected, "invalid_client_id", ""},
			{"household id of the wrong type", with("household_id", "abc"), visits.StatusRejected, "invalid_item", ""},
			{"unknown risk", with("findings", map[string]any{"risks": []string{"aliens"}}), visits.StatusRejected, "invalid_findings", ""},
			{"check that is not a yes or no", with("findings", map[string]any{"housing_safe": "yes"}), visits.StatusRejected, "invalid_findings", ""},
			{"someone else's photo", with("photo_ids", []int64{otherPhoto.ID}), visits.StatusRejected, "invalid_photo_ids", ""},
			{"not my household, same village", with("household_id", w.unpaired.ID), visits.StatusRejected, "not_found", ""},
			{"a household of another county", with("household_id", w.away.ID), visits.StatusRejected, "not_found", ""},
			{"a household that does not exist", with("household_id", 999999), visits.StatusRejected, "not_found", ""},
		}
		// Location entirely missing is flagged, not refused.
		noFix := visit(w.paired.ID)
		delete(noFix, "latitude")
		delete(noFix, "longitude")
		tests = append(tests, struct {
			name   string
			item   map[string]any
			status string
			code   string
			flag   string
		}{"no fix at all: flagged, kept", noFix, visits.StatusCreated, "", model.LocationMissing})

		items := make([]map[string]any, len(tests))
		for i := range tests {
			items[i] = tests[i].item
		}
		ans := w.send(t, items...)
		if len(ans.Results) != len(tests) {
			t.Fatalf("%d results for %d items", len(ans.Results), len(tests))
		}
		created := 0
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := ans.Results[i]
				if r.Status != tc.status {
					t.Fatalf("status %s, want %s: %+v", r.Status, tc.status, r.Error)
				}
				if tc.code != "" && (r.Error == nil || r.Error.Code != tc.code || r.Error.Message == "") {
					t.Fatalf("error %+v, want code %s", r.Error, tc.code)
				}
				if tc.flag != "" && r.LocationFlag != tc.flag {
					t.Fatalf("location flag %s, want %s", r.LocationFlag, tc.flag)
				}
				if want, ok := tc.item["client_id"].(string); ok && r.ClientID != want {
					t.Fatalf("client id %q, want %q", r.ClientID, want)
				}
			})
			if tc.status == visits.StatusCreated {
				created++
			}
		}
		if n := count(t, db, "visits", "1 = 1"); n != int64(created) {
			t.Fatalf("%d visits stored, want %d", n, created)
		}
		// Both refused households left an audit trail; the far county's
		// officials see theirs.
		if n := count(t, db, "audit_log", "action = ? AND target_id IN ?", "visit.refused_out_of_scope", []int64{w.unpaired.ID, w.away.ID}); n != 2 {
			t.Fatalf("%d refusals audited, want 2", n)
		}
		if n := count(t, db, "audit_log", "action = ? AND region_code = ?", "visit.refused_out_of_scope", w.away.RegionCode); n != 1 {
			t.Fatal("the refusal is not filed under the household's region")
		}

		// A first secretary stationed in the village sees the unpaired
		// household, but may not record visits to it: told so, and audited.
		stationed := w.h.fx.Cadre(w.village)
		tok := w.h.signInUser(w.h.fx.CadreUser(stationed))
		r := w.h.do("POST", "/api/v1/cadre/visits", map[string]any{"visits": []any{visit(w.unpaired.ID)}}, tok)
		if res := decode[batchAnswer](t, r).Results[0]; res.Error == nil || res.Error.Code != "not_paired" {
			t.Fatalf("stationed, unpaired: %+v", res)
		}
		if n := count(t, db, "audit_log", "action = ? AND actor_id = ?", "visit.refused_out_of_scope", stationed.ID); n != 1 {
			t.Fatal("the stationed cadre's refusal was not audited")
		}
	})
}

func TestVisitBatchLimits(t *testing.T) {
	w := newWorld(t, modeltest.SQLite(t))
	many := make([]map[string]any, visits.MaxBatch+1)
	for i := range many {
		many[i] = visit(w.paired.ID)
	}
	tests := []struct {
		name   string
		body   any
		token  string
		status int
		code   string
	}{
		{"empty batch", map[string]any{"visits": []any{}}, w.cadreTok, 400, "empty_batch"},
		{"no visits field", map[string]any{}, w.cadreTok, 400, "empty_batch"},
		{"too many", map[string]any{"visits": many}, w.cadreTok, 413, "batch_too_large"},
		{"visits not a list", `{"visits": 3}`, w.cadreTok, 400, "invalid_field"},
		{"a household cannot post visits", map[string]any{"visits": []any{visit(w.paired.ID)}}, w.householdTok, 403, "forbidden"},
		{"signed out", map[string]any{"visits": []any{visit(w.paired.ID)}}, "", 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.h.do("POST", "/api/v1/cadre/visits", tc.body, tc.token)
			if tc.code == "" {
				if r.Code != tc.status {
					t.Fatalf("status %d, want %d", r.Code, tc.status)
				}
				return
			}
			wantError(t, r, tc.status, tc.code)
		})
	}
}

func TestVisitCorrectionKeepsEveryRevision(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		orig := visit(w.paired.ID)
		id := w.send(t, orig).Results[0].VisitID

		// The household confirms the visit before the cadre corrects a typo.
		if r := w.h.do("POST", "/api/v1/visits/"+strconv.FormatInt(id, 10)+"/confirmation", map[string]any{"confirmed": true}, w.householdTok); r.Code != 200 {
			t.Fatalf("confirm: %d %s", r.Code, r.Body)
		}
		fix := visit(0)
		delete(fix, "household_id")
		fix["visited_at"] = orig["visited_at"]
		fix["notes"] = "户主腰疼，已联系卫生院上门"
		fix["corrects"] = id
		r2 := w.send(t, fix).Results[0]
		if r2.Status != visits.StatusCreated || r2.Revision != 2 {
			t.Fatalf("correction: %+v", r2)
		}
		// A second correction names the visit by its client id and moves the day.
		fix3 := visit(w.paired.ID)
		fix3["corrects"] = orig["client_id"]
		fix3["visited_at"] = time.Now().Add(-50 * time.Hour).Format(time.RFC3339)
		r3 := w.send(t, fix3).Results[0]
		if r3.Status != visits.StatusCreated || r3.Revision != 3 {
			t.Fatalf("second correction: %+v", r3)
		}

		var revs []model.Visit
		db.Where("id = ? OR root_id = ?", id, id).Order("revision").Find(&revs)
		if len(revs) != 3 || revs[0].IsCurrent || revs[1].IsCurrent || !revs[2].IsCurrent {
			t.Fatalf("revisions: %+v", revs)
		}
		if *revs[0].Notes != orig["notes"] || *revs[1].Notes != fix["notes"] {
			t.Fatal("an earlier revision was changed")
		}
		if revs[1].Confirmation != model.ConfirmConfirmed {
			t.Fatalf("a same-day correction lost the household's answer: %s", revs[1].Confirmation)
		}
		if revs[2].Confirmation != model.ConfirmPending || count(t, db, "push_outbox", "kind = ?", "visit_confirm") != 2 {
			t.Fatal("a correction to another day must ask the household again")
		}

		// The history is readable: every revision, oldest first; the
		// listing shows only the current one unless asked.
		hist := decode[struct{ Items []visits.VisitView }](t, w.h.do("GET", fmt.Sprintf("/api/v1/cadre/visits/%d/revisions", revs[2].ID), nil, w.cadreTok))
		if len(hist.Items) != 3 || hist.Items[0].Revision != 1 || hist.Items[2].RootID != id {
			t.Fatalf("revisions endpoint: %+v", hist.Items)
		}
		cur := decode[struct{ Items []visits.VisitView }](t, w.h.do("GET", fmt.Sprintf("/api/v1/cadre/visits?household_id=%d", w.paired.ID), nil, w.cadreTok))
		all := decode[struct{ Items []visits.VisitView }](t, w.h.do("GET", fmt.Sprintf("/api/v1/cadre/visits?household_id=%d&revisions=all", w.paired.ID), nil, w.cadreTok))
		if len(cur.Items) != 1 || cur.Items[0].Revision != 3 || len(all.Items) != 3 {
			t.Fatalf("listing: %d current, %d in all", len(cur.Items), len(all.Items))
		}

		// Corrections that cannot be.
		other := w.h.fx.Cadre("419901100000")
		w.h.fx.Pair(other, w.paired, model.RoleWorkTeam)
		otherTok := w.h.signInUser(w.h.fx.CadreUser(other))
		steal := visit(w.paired.ID)
		steal["corrects"] = id
		rr := w.h.do("POST", "/api/v1/cadre/visits", map[string]any{"visits": []any{steal}}, otherTok)
		if res := decode[batchAnswer](t, rr).Results[0]; res.Error == nil || res.Error.Code != "invalid_correction" {
			t.Fatalf("another cadre corrected my visit: %+v", res)
		}
		moved := visit(w.unpaired.ID)
		moved["corrects"] = id
		if res := w.send(t, moved).Results[0]; res.Error == nil || res.Error.Code != "household_mismatch" {
			t.Fatalf("correction to another household: %+v", res)
		}
	})
}

func TestVisitConfirmationByTheHousehold(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		a := w.send(t, visit(w.paired.ID), visit(w.paired.ID)).Results
		first, second := strconv.FormatInt(a[0].VisitID, 10), strconv.FormatInt(a[1].VisitID, 10)
		_, otherMember := w.h.fx.Household(w.village)
		otherTok := w.h.signInUser(w.h.fx.HouseholdUser(otherMember))
		path := func(id string) string { return "/api/v1/visits/" + id + "/confirmation" }

		mine := decode[struct{ Items []visits.HouseholdVisit }](t, w.h.do("GET", "/api/v1/visits", nil, w.householdTok))
		if len(mine.Items) != 2 || mine.Items[0].CadreName != w.cadre.Name || mine.Items[0].Confirmation != model.ConfirmPending {
			t.Fatalf("the household's visits: %+v", mine.Items)
		}
		steps := []struct {
			name   string
			path   string
			body   any
			token  string
			status int
			code   string
		}{
			{"confirm", path(first), map[string]any{"confirmed": true}, w.householdTok, 200, ""},
			{"confirm again: harmless", path(first), map[string]any{"confirmed": true}, w.householdTok, 200, ""},
			{"flip to denied: refused", path(first), map[string]any{"confirmed": false}, w.householdTok, 409, "already_answered"},
			{"deny the second", path(second), map[string]any{"confirmed": false, "note": "那天家里没人"}, w.householdTok, 200, ""},
			{"another household", path(second), map[string]any{"confirmed": true}, otherTok, 404, "not_found"},
			{"a cadre cannot answer", path(second), map[string]any{"confirmed": true}, w.cadreTok, 403, "forbidden"},
			{"no answer", path(first), map[string]any{"note": "?"}, w.householdTok, 400, "missing_confirmed"},
			{"no such visit", path("999999"), map[string]any{"confirmed": true}, w.householdTok, 404, "not_found"},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				r := w.h.do("POST", st.path, st.body, st.token)
				if st.code != "" {
					wantError(t, r, st.status, st.code)
					return
				}
				if r.Code != st.status {
					t.Fatalf("status %d: %s", r.Code, r.Body)
				}
			})
		}
		var v model.Visit
		db.Take(&v, a[1].VisitID)
		if v.Confirmation != model.ConfirmDenied || v.ConfirmationNote != "那天家里没人" || v.ConfirmedAt == nil || v.ConfirmedByUserID == nil {
			t.Fatalf("denial not kept with the visit: %+v", v)
		}
		// Officials see the denial.
		official := w.h.signInAdmin(w.h.fx.Admin("419901"))
		denied := decode[struct{ Items []visits.VisitView }](t, w.h.do("GET", "/admin/api/visits?confirmation=denied", nil, official))
		if len(denied.Items) != 1 || denied.Items[0].ID != a[1].VisitID || denied.Items[0].ConfirmationNote != "那天家里没人" {
			t.Fatalf("officials' denied visits: %+v", denied.Items)
		}
		elsewhere := w.h.signInAdmin(w.h.fx.Admin("419902"))
		if got := decode[struct{ Items []visits.VisitView }](t, w.h.do("GET", "/admin/api/visits", nil, elsewhere)); len(got.Items) != 0 {
			t.Fatalf("an official of another county sees %d visits", len(got.Items))
		}
	})
}

func TestVisitListPages(t *testing.T) {
	w := newWorld(t, modeltest.SQLite(t))
	for i := 0; i < 5; i++ {
		it := visit(w.paired.ID)
		it["visited_at"] = time.Now().Add(-time.Duration(i+1) * time.Hour).Format(time.RFC3339)
		w.send(t, it)
	}
	seen := map[int64]bool{}
	cursor := ""
	for page := 0; page < 5; page++ {
		var r *httptest.ResponseRecorder = w.h.do("GET", "/api/v1/cadre/visits?limit=2&cursor="+cursor, nil, w.cadreTok)
		got := decode[struct {
			Items      []visits.VisitView
			NextCursor string `json:"next_cursor"`
		}](t, r)
		for _, v := range got.Items {
			if seen[v.ID] {
				t.Fatalf("visit %d on two pages", v.ID)
			}
			seen[v.ID] = true
		}
		if cursor = got.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d visits, want 5", len(seen))
	}
	wantError(t, w.h.do("GET", "/api/v1/cadre/visits?cursor=xyz", nil, w.cadreTok), 400, "invalid_cursor")
	wantError(t, w.h.do("GET", "/api/v1/cadre/visits?confirmation=maybe", nil, w.cadreTok), 400, "invalid_confirmation")
}

// TestVisitBatchSentTwiceAtOnce: a phone on a flaky network retries while
// the first request is still running; the two race, one visit each results.
func TestVisitBatchSentTwiceAtOnce(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		items := []map[string]any{visit(w.paired.ID), visit(w.paired.ID), visit(w.paired.ID), visit(w.paired.ID)}
		const senders = 4
		answers := make(chan *httptest.ResponseRecorder, senders)
		for i := 0; i < senders; i++ {
			go func() {
				answers <- w.h.do("POST", "/api/v1/cadre/visits", map[string]any{"visits": items}, w.cadreTok)
			}()
		}
		ids := map[string]int64{}
		for i := 0; i < senders; i++ {
			r := <-answers
			if r.Code != 200 {
				t.Fatalf("a sender got %d: %s", r.Code, r.Body)
			}
			for _, res := range decode[batchAnswer](t, r).Results {
				if res.Status == visits.StatusRejected {
					t.Fatalf("rejected: %+v", res.Error)
				}
				if prev, ok := ids[res.ClientID]; ok && prev != res.VisitID {
					t.Fatalf("client %s got visits %d and %d", res.ClientID, prev, res.VisitID)
				}
				ids[res.ClientID] = res.VisitID
			}
		}
		if n := count(t, db, "visits", "cadre_id = ?", w.cadre.ID); n != int64(len(items)) {
			t.Fatalf("%d visits from %d senders of %d items", n, senders, len(items))
		}
	})
}
