package risk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/risk"
)

// serviceAt is a risk service whose clock reads *now and whose policy is p.
func serviceAt(t *testing.T, db *model.DB, p *config.Policy, now *time.Time) *risk.Service {
	t.Helper()
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := risk.New(db, risk.Options{Policy: p, Audit: log, Location: time.FixedZone("CST", 8*3600),
		Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var visitSeq int // client ids of the visits written here

// visit writes a visit to h with the given income change and confirmation.
func visit(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household, at time.Time, change, confirmation string, current bool) model.Visit {
	t.Helper()
	visitSeq++
	v := model.Visit{ClientID: fmt.Sprintf("00000000-0000-4000-8000-%012d", visitSeq), CadreID: c.ID, HouseholdID: h.ID,
		Revision: 1, IsCurrent: current, VisitedAt: at, ReceivedAt: at, LocationFlag: model.LocationOK,
		Findings: `{"income_change":"` + change + `","risks":[],"needs":[],"actions":[]}`, IncomeDown: change == "down", PhotoIDs: "[]", Confirmation: confirmation}
	if err := fx.DB.Create(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

// TestInYearFallSignals: a fall seen during the year (file 004 §18) calls
// for 提级帮扶 before the next annual record shows it, and lapses with the
// calendar year. The household's records show 5.9 % growth and nothing else.
func TestInYearFallSignals(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	newYear := time.Date(2025, 1, 1, 0, 0, 0, 0, cst)
	tests := []struct {
		name  string
		setup func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household)
		want  bool
	}{
		{"nothing seen", func(*testing.T, *modeltest.Fixtures, model.Cadre, model.Household) {}, false},
		{"a visit this year recorded income down", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, fixedNow.Add(-24*time.Hour), "down", model.ConfirmPending, true)
		}, true},
		{"the first minute of the year, in the configured zone", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, newYear.UTC(), "down", model.ConfirmConfirmed, true)
		}, true},
		{"the last minute of last year, in the configured zone", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, newYear.Add(-time.Minute).UTC(), "down", model.ConfirmConfirmed, true)
		}, false},
		{"the household denied the visit", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, fixedNow.Add(-24*time.Hour), "down", model.ConfirmDenied, true)
		}, false},
		{"a revision since corrected", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, fixedNow.Add(-24*time.Hour), "down", model.ConfirmPending, false)
		}, false},
		{"income stable", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			visit(t, fx, c, h, fixedNow.Add(-24*time.Hour), "stable", model.ConfirmPending, true)
		}, false},
		{"a standing job_lost flag from last year", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			key := fmt.Sprintf("household:%d:job_lost", h.ID)
			fx.DB.Create(&model.HouseholdFlag{HouseholdID: h.ID, Flag: model.FlagJobLost, Year: 2024, RaisedAt: fixedNow, ActiveKey: &key})
		}, true},
		{"a cleared job_lost flag", func(t *testing.T, fx *modeltest.Fixtures, c model.Cadre, h model.Household) {
			cleared := fixedNow.Add(-time.Hour)
			fx.DB.Create(&model.HouseholdFlag{HouseholdID: h.ID, Flag: model.FlagJobLost, Year: 2025, RaisedAt: fixedNow.Add(-48 * time.Hour), ClearedAt: &cleared})
		}, false},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		now := fixedNow
		s := serviceAt(t, db, config.DefaultPolicy(), &now)
		fx := modeltest.NewFixtures(t, db)
		c := fx.Cadre("419901100201")
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				h, _ := fx.Household(fx.Region("419901100201", "村").Code)
				income(t, db, h, 2023, 850000)
				income(t, db, h, 2024, 900000)
				tc.setup(t, fx, c, h)
				recompute(t, s, db, h)
				got := activeFlags(t, db, h.ID)
				_, elevation := got[model.FlagElevationNeeded]
				var after model.Household
				db.Take(&after, h.ID)
				if elevation != tc.want || (after.SupportLevel == model.SupportElevated) != tc.want {
					t.Fatalf("flags %v, support level %s; want 提级帮扶 %v", got, after.SupportLevel, tc.want)
				}
				if _, fell := got[model.FlagIncomeFell]; fell {
					t.Fatal("an in-year signal raised income_fell: that flag compares annual records")
				}
			})
		}
	})
}

// TestInYearSignalLapsesAndIsSetBased: the county run sees the signal as the
// household's own run does; next calendar year the visit no longer counts and
// the flag clears (the support level stays: leaving it is an official's
// decision); a policy with the signals off ignores it.
func TestInYearSignalLapsesAndIsSetBased(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		now := fixedNow
		s := serviceAt(t, db, config.DefaultPolicy(), &now)
		fx := modeltest.NewFixtures(t, db)
		c := fx.Cadre("419901100201")
		h, _ := fx.Household(fx.Region("419901100201", "村").Code)
		quiet, _ := fx.Household(fx.Region("419901100201", "村").Code)
		for _, x := range []model.Household{h, quiet} {
			income(t, db, x, 2023, 850000)
			income(t, db, x, 2024, 900000)
		}
		visit(t, fx, c, h, fixedNow.Add(-24*time.Hour), "down", model.ConfirmPending, true)
		sum, err := s.RecomputeRegion(context.Background(), audit.System, "4199")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Raised[model.FlagElevationNeeded] != 1 || sum.Elevated != 1 {
			t.Fatalf("county run: %+v", sum)
		}
		if got := activeFlags(t, db, quiet.ID); len(got) != 0 {
			t.Fatalf("the household without a signal got %v", got)
		}

		off := config.DefaultPolicy()
		off.InYearFallSignals = []string{}
		recompute(t, serviceAt(t, db, off, &now), db, h)
		if got := activeFlags(t, db, h.ID); len(got) != 0 {
			t.Fatalf("signals off, flags %v", got)
		}
		recompute(t, s, db, h)

		now = time.Date(2026, 2, 1, 2, 0, 0, 0, time.UTC)
		sum, err = s.RecomputeRegion(context.Background(), audit.System, "4199")
		if err != nil {
			t.Fatal(err)
		}
		if got := activeFlags(t, db, h.ID); len(got) != 0 || sum.Cleared[model.FlagElevationNeeded] != 1 {
			t.Fatalf("next year: flags %v, summary %+v", got, sum)
		}
		var after model.Household
		db.Take(&after, h.ID)
		if after.SupportLevel != model.SupportElevated {
			t.Fatal("提级帮扶 was lowered by the machine")
		}
	})
}
