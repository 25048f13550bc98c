package visits_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/visits"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

func newService(t *testing.T, db *model.DB) *visits.Service {
	t.Helper()
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	flags, err := risk.New(db, risk.Options{Policy: config.DefaultPolicy(), Audit: log, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	s, err := visits.New(db, visits.Options{Policy: config.DefaultPolicy(), Audit: log, Location: loc, Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDistance(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want                   float64 // metres
	}{
		{"same place", 34.6, 113.6, 34.6, 113.6, 0},
		{"one thousandth of a degree north", 34.6, 113.6, 34.601, 113.6, 111.2},
		{"Zhengzhou to Kaifeng", 34.7466, 113.6253, 34.7972, 114.3076, 62600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := visits.DistanceM(tc.lat1, tc.lng1, tc.lat2, tc.lng2)
			if math.Abs(got-tc.want) > math.Max(1, tc.want*0.005) {
				t.Fatalf("%.1f m, want about %.1f", got, tc.want)
			}
		})
	}
}

// TestDueAllForTheScheduler: every cadre's list under a region in one
// call, grouped by cadre, nothing from elsewhere.
func TestDueAllForTheScheduler(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		here, there := fx.Region("419901100201", "村").Code, fx.Region("419902100201", "村").Code
		c1, c2, c3 := fx.Cadre(here), fx.Cadre(here), fx.Cadre(there)
		for i := 0; i < 3; i++ {
			h, _ := fx.Household(here)
			fx.Pair(c1, h, model.RoleResponsible)
			fx.Pair(c2, h, model.RoleWorkTeam)
			if i == 0 { // visited yesterday: not overdue
				at := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Millisecond)
				db.Create(&model.Visit{ClientID: "00000000-0000-0000-0000-00000000000" + string(rune('1'+i)), CadreID: c1.ID, HouseholdID: h.ID,
					Revision: 1, IsCurrent: true, VisitedAt: at, ReceivedAt: at, LocationFlag: model.LocationOK, Findings: "{}", PhotoIDs: "[]",
					Confirmation: model.ConfirmPending})
			}
		}
		far, _ := fx.Household(there)
		fx.Pair(c3, far, model.RoleResponsible)

		all, err := s.DueAll(context.Background(), "419901", visits.DueAll)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 6 || all[0].CadreID != c1.ID || all[5].CadreID != c2.ID {
			t.Fatalf("%d items; first cadre %d, last %d", len(all), all[0].CadreID, all[len(all)-1].CadreID)
		}
		overdue, err := s.DueAll(context.Background(), "", visits.DueOverdue)
		if err != nil {
			t.Fatal(err)
		}
		if len(overdue) != 5 { // two households each for c1 and c2, and c3's
			t.Fatalf("%d overdue everywhere, want 5", len(overdue))
		}
		if _, err := s.DueAll(context.Background(), "41%", visits.DueAll); err == nil {
			t.Fatal("a wildcard region was accepted")
		}
	})
}
