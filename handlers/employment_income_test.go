package handlers

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestJobLostCallsForElevation: a lost job or a return home is an in-year
// fall (policy/004 §18): 提级帮扶 is called for with the report, not at the
// nightly run, and the call goes when a member is in work again.
func TestJobLostCallsForElevation(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		h, m := w.fx.Household(tVillage)
		tok := w.signInUser(w.fx.HouseholdUser(m))
		year := lastYear(w.harness)
		for y, pc := range map[int]int64{year - 1: 850000, year: 900000} { // 5.9 % growth: no flag from the records
			if err := db.Create(&model.IncomeRecord{HouseholdID: h.ID, Year: y, WageFen: pc, HouseholdSize: 1, Revision: 1,
				IsCurrent: true, ActorKind: "system", PerCapitaFen: pc}).Error; err != nil {
				t.Fatal(err)
			}
		}
		elevation := func() int64 {
			return count(t, db, "household_flags", "household_id = ? AND flag = ? AND cleared_at IS NULL", h.ID, model.FlagElevationNeeded)
		}
		if r := w.do("POST", "/api/v1/me/employment", map[string]any{"event": "returned", "occurred_on": dayOffset(-1)}, tok); r.Code != 201 || elevation() != 1 {
			t.Fatalf("returned: %d %s, elevation flags %d", r.Code, r.Body, elevation())
		}
		if r := w.do("POST", "/api/v1/me/employment", map[string]any{"event": "started", "occurred_on": dayOffset(0), "employer": "县城饭店"}, tok); r.Code != 201 || elevation() != 0 {
			t.Fatalf("started: %d %s, elevation flags %d", r.Code, r.Body, elevation())
		}
	})
}
