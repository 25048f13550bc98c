package handlers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// accessWorld is two towns, each with a village, a household bound to a
// WeChat user, a paired cadre and a town official; plus a guest. Every
// path of API.md is called by every role against a target in the caller's
// scope and one outside it.
type accessWorld struct {
	h *harness
	// tokens by role name: anonymous is "".
	tokens map[string]string
	// targets: "A" is in scope of the *A roles, "B" of the *B roles.
	household, member, visit, payment, cadre map[string]int64
	job                                      int64
}

const (
	matrixVillageA = "419901100201"
	matrixVillageB = "419901200201"
)

func newAccessWorld(t *testing.T, db *model.DB) *accessWorld {
	h := newHarness(t, db)
	f := h.fx
	f.Region("419901000000", "测试县")
	f.Region("419901100000", "甲镇")
	f.Region("419901200000", "乙镇")
	f.Region(matrixVillageA, "甲村")
	f.Region(matrixVillageB, "乙村")
	w := &accessWorld{h: h, tokens: map[string]string{},
		household: map[string]int64{}, member: map[string]int64{}, visit: map[string]int64{}, payment: map[string]int64{},
		cadre: map[string]int64{}}
	items, _ := configItems()
	if err := db.SyncSubsidyItems(t.Context(), items); err != nil {
		t.Fatal(err)
	}
	for side, village := range map[string]string{"A": matrixVillageA, "B": matrixVillageB} {
		hh, m := f.Household(village)
		c := f.Cadre(village)
		f.Pair(c, hh, model.RoleResponsible)
		w.household[side], w.member[side], w.cadre[side] = hh.ID, m.ID, c.ID
		w.tokens["household"+side] = h.signInUser(f.HouseholdUser(m))
		w.tokens["cadre"+side] = h.signInUser(f.CadreUser(c))
		w.tokens["official"+side] = h.signInAdmin(f.Admin(village[:9]))
		now := time.Now().UTC().Add(-time.Hour)
		v := model.Visit{ClientID: fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", len(w.visit)+1), CadreID: c.ID, HouseholdID: hh.ID,
			Revision: 1, IsCurrent: true, VisitedAt: now, ReceivedAt: now, LocationFlag: model.LocationMissing,
			Findings: "{}", PhotoIDs: "[]", Confirmation: model.ConfirmPending}
		must(t, db.Create(&v).Error)
		w.visit[side] = v.ID
		// Overdue on the subsidy and report services' fixed day, so a
		// household may report it whatever the real date.
		today := model.DateOf(harnessNow)
		p := model.Payment{HouseholdID: hh.ID, RegionCode: village, ItemCode: "dibao", Period: "2026-01", AmountFen: 50000,
			DueDate: today.AddDays(-40), Status: model.PaymentScheduled}
		must(t, db.Create(&p).Error)
		w.payment[side] = p.ID
	}
	w.tokens["guest"] = h.signInUser(f.GuestUser())
	today := model.DateOf(time.Now().In(h.cfg.Location()))
	j := model.Job{Kind: "park", Title: "包装工", Employer: "测试厂", RegionCode: "419901000000", WageMinFen: 300000, WageMaxFen: 400000,
		WageUnit: "month", Headcount: 5, SkillTags: "[]", PhysicalDemand: "light", Benefits: "{}", Status: "open",
		ValidFrom: today.AddDays(-1), ValidUntil: today.AddDays(30), PublishedAt: time.Now().UTC()}
	must(t, db.Create(&j).Error)
	w.job = j.ID
	return w
}

func configItems() ([]model.SubsidyItem, error) {
	items, err := config.LoadSubsidyItems("")
	return model.SubsidyItemRows(items), err
}

// matrixCase is one path called by every role. status maps a role to the
// expected status; roles not named expect other.
type matrixCase struct {
	method, path string
	body         func(w *accessWorld, side string) any
	// expected status per role, against the target in the caller's own
	// scope ("A" for the *A roles) and against the other side's target.
	own, other map[string]int
}

func byRole(anonymous, guest, household, cadre, official int) map[string]int {
	return map[string]int{"": anonymous, "guest": guest, "household": household, "cadre": cadre, "official": official}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// TestAccessMatrix: every API.md path × every role × a target in scope and
// one out of scope → the expected status. Outside scope looks like absence.
func TestAccessMatrix(t *testing.T) {
	cases := []matrixCase{
		{method: "GET", path: "/api/v1/me", own: byRole(401, 200, 200, 200, 200)},
		{method: "POST", path: "/api/v1/auth/bind", body: func(*accessWorld, string) any { return map[string]string{"name": "无", "id_card": "1"} },
			own: byRole(401, 400, 409, 409, 403)},
		{method: "POST", path: "/api/v1/auth/bind-cadre", body: func(*accessWorld, string) any { return map[string]string{"invite_code": "AAAA-AAAA"} },
			own: byRole(401, 400, 409, 409, 403)},
		{method: "GET", path: "/api/v1/jobs", own: byRole(401, 200, 200, 200, 200)},
		{method: "GET", path: "/api/v1/jobs/{job}", own: byRole(401, 200, 200, 200, 200)},
		{method: "PUT", path: "/api/v1/me/job-profile", body: func(*accessWorld, string) any {
			return map[string]any{"places": []string{"county"}, "kinds": []string{"park"}, "capacity": "full"}
		}, own: byRole(401, 403, 200, 403, 403)},
		{method: "GET", path: "/api/v1/jobs/recommended", own: byRole(401, 403, 200, 403, 403)},
		{method: "POST", path: "/api/v1/jobs/{job}/interest", own: byRole(401, 403, 201, 403, 403)},
		{method: "POST", path: "/api/v1/me/employment", body: func(w *accessWorld, side string) any {
			return map[string]any{"event": "returned", "member_id": w.member[side], "occurred_on": model.DateOf(time.Now().In(w.h.cfg.Location())).String()}
		}, // the cadre's report is the household's replayed: 200, nothing new
			own: byRole(401, 403, 201, 200, 403), other: byRole(401, 403, 404, 404, 403)},
		{method: "POST", path: "/api/v1/subscriptions", body: func(*accessWorld, string) any { return map[string]any{"accepted": []string{"payment"}} },
			own: byRole(401, 200, 200, 200, 403)},
		{method: "POST", path: "/api/v1/visits/{visit}/confirmation", body: func(*accessWorld, string) any { return map[string]any{"confirmed": true} },
			own: byRole(401, 403, 200, 403, 403), other: byRole(401, 403, 404, 403, 403)},
		{method: "GET", path: "/api/v1/cadre/households", own: byRole(401, 403, 403, 200, 403)},
		{method: "GET", path: "/api/v1/cadre/households/{household}", own: byRole(401, 403, 403, 200, 403), other: byRole(401, 403, 403, 404, 403)},
		{method: "GET", path: "/api/v1/cadre/visits?household_id={household}", own: byRole(401, 403, 403, 200, 403),
			other: byRole(401, 403, 403, 200, 403)}, // a filter, not a target: out of scope lists nothing
		{method: "POST", path: "/api/v1/cadre/households/{household}/income", body: func(w *accessWorld, _ string) any {
			return map[string]any{"year": lastYear(w.h), "wage_fen": 1000000, "business_fen": 0, "transfer_fen": 0, "property_fen": 0, "household_size": 2}
		}, own: byRole(401, 403, 403, 201, 403), other: byRole(401, 403, 403, 404, 403)},
		{method: "GET", path: "/api/v1/subsidies", own: byRole(401, 403, 200, 403, 403)},
		{method: "POST", path: "/api/v1/subsidies/{payment}/reports", body: func(*accessWorld, string) any {
			return map[string]any{"kind": "not_received", "text": "还没收到"}
		}, own: byRole(401, 403, 201, 403, 403), other: byRole(401, 403, 404, 403, 403)},
		{method: "GET", path: "/api/v1/reports", own: byRole(401, 403, 200, 200, 200)},
		{method: "POST", path: "/api/v1/risk-reports", body: func(w *accessWorld, side string) any {
			return map[string]any{"kind": "illness", "text": "住院了", "household_id": w.household[side]}
		}, // the cadre's case repeats the household's open one of the same kind: 409 with it
			own: byRole(401, 403, 201, 409, 403), other: byRole(401, 403, 404, 404, 403)},
		{method: "GET", path: "/api/v1/risk-reports", own: byRole(401, 403, 200, 200, 200)},
		{method: "GET", path: "/admin/api/households/{household}", own: byRole(401, 403, 403, 403, 200), other: byRole(401, 403, 403, 403, 404)},
		{method: "GET", path: "/admin/api/households", own: byRole(401, 403, 403, 403, 200)},
		{method: "GET", path: "/admin/api/audit", own: byRole(401, 403, 403, 403, 200)},
		{method: "GET", path: "/admin/api/dashboard", own: byRole(401, 403, 403, 403, 200)},
		// Last: the official's call takes cadre A out of post, which would
		// change what cadre A's token may do in any case after it.
		{method: "POST", path: "/admin/api/cadres/{cadre}/leave", own: byRole(401, 403, 403, 403, 200), other: byRole(401, 403, 403, 403, 404)},
		{method: "POST", path: "/admin/api/cadres/{cadre}/return", own: byRole(401, 403, 403, 403, 200), other: byRole(401, 403, 403, 403, 404)},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newAccessWorld(t, db)
		for _, tc := range cases {
			for _, role := range []string{"", "guest", "household", "cadre", "official"} {
				for _, target := range []string{"own", "other"} {
					want := tc.own
					if target == "other" {
						if tc.other == nil {
							continue
						}
						want = tc.other
					}
					side, otherSide := "A", "B"
					tokenRole := role
					if role != "" && role != "guest" {
						tokenRole = role + side
					}
					targetSide := side
					if target == "other" {
						targetSide = otherSide
					}
					path := expand(tc.path, w, targetSide)
					var body any
					if tc.body != nil {
						body = tc.body(w, targetSide)
					}
					name := fmt.Sprintf("%s %s as %q on %s", tc.method, tc.path, role, target)
					rec := w.h.do(tc.method, path, body, w.tokens[tokenRole])
					if rec.Code != want[role] {
						t.Errorf("%s: status %d, want %d: %s", name, rec.Code, want[role], rec.Body.String())
					}
					if rec.Code >= 400 {
						var e errorBody
						if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
							t.Errorf("%s: failure not in API.md's shape: %s", name, rec.Body.String())
						}
					}
				}
			}
		}
	})
}

// expand fills {household}, {visit}, {payment}, {member}, {cadre} and {job} for a side.
func expand(path string, w *accessWorld, side string) string {
	return strings.NewReplacer(
		"{household}", id(w.household[side]), "{visit}", id(w.visit[side]), "{payment}", id(w.payment[side]),
		"{member}", id(w.member[side]), "{cadre}", id(w.cadre[side]), "{job}", id(w.job),
	).Replace(path)
}
