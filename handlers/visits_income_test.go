package handlers

import (
	"strconv"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/visits"
)

// TestVisitRecordingIncomeDownCallsForElevation: a visit whose findings say
// income went down is an in-year fall (policy/004 §18): the household's
// 提级帮扶 flag stands as soon as the batch is written, and goes when the
// household denies the visit or the cadre corrects the finding.
func TestVisitRecordingIncomeDownCallsForElevation(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		year := lastYear(w.h)
		for y, pc := range map[int]int64{year - 1: 850000, year: 900000} { // 5.9 % growth: no flag from the records
			if err := db.Create(&model.IncomeRecord{HouseholdID: w.paired.ID, Year: y, WageFen: pc, HouseholdSize: 1, Revision: 1,
				IsCurrent: true, ActorKind: "system", PerCapitaFen: pc}).Error; err != nil {
				t.Fatal(err)
			}
		}
		elevation := func() int64 {
			return count(t, db, "household_flags", "household_id = ? AND flag = ? AND cleared_at IS NULL", w.paired.ID, model.FlagElevationNeeded)
		}
		down := func() map[string]any {
			v := visit(w.paired.ID)
			v["visited_at"] = w.h.clock.Now().Add(-time.Minute).Format(time.RFC3339)
			v["findings"].(map[string]any)["income_change"] = "down"
			return v
		}

		stable := visit(w.paired.ID)
		stable["visited_at"] = w.h.clock.Now().Add(-time.Minute).Format(time.RFC3339)
		w.send(t, stable)
		if elevation() != 0 {
			t.Fatal("a visit with income stable raised 提级帮扶")
		}

		first := w.send(t, down()).Results[0]
		if first.Status != visits.StatusCreated || elevation() != 1 {
			t.Fatalf("after income down: %+v, elevation flags %d", first, elevation())
		}
		var h model.Household
		db.Take(&h, w.paired.ID)
		if h.SupportLevel != model.SupportElevated {
			t.Fatalf("support level %s", h.SupportLevel)
		}

		// The household says the visit never happened: its findings no longer count.
		r := w.h.do("POST", "/api/v1/visits/"+strconv.FormatInt(first.VisitID, 10)+"/confirmation",
			map[string]any{"confirmed": false, "note": "没来过"}, w.householdTok)
		if r.Code != 200 || elevation() != 0 {
			t.Fatalf("after the denial: %d %s, elevation flags %d", r.Code, r.Body, elevation())
		}

		// Another visit says down; the cadre corrects it to stable.
		second := down()
		w.send(t, second)
		if elevation() != 1 {
			t.Fatal("the second visit did not raise 提级帮扶")
		}
		fix := visit(w.paired.ID)
		fix["visited_at"] = second["visited_at"]
		fix["corrects"] = second["client_id"]
		if got := w.send(t, fix).Results[0]; got.Status != visits.StatusCreated || elevation() != 0 {
			t.Fatalf("after the correction: %+v, elevation flags %d", got, elevation())
		}
	})
}
