package risk_test

import (
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestLowGrowthAloneIsNoNewsAboveTheBound: a well-off household growing
// slowly keeps its low_growth flag but its cadre is not messaged about it;
// under the priority bound low growth is news (it makes a 重点帮扶户).
func TestLowGrowthAloneIsNoNewsAboveTheBound(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		c := fx.Cadre("419901100201")
		fx.CadreUser(c)
		notices := func() []model.OutboxMessage {
			var out []model.OutboxMessage
			db.Where("kind = ?", "household_flags").Order("id").Find(&out)
			return out
		}

		wellOff, _ := fx.Household(fx.Region("419901100201", "村").Code)
		fx.Pair(c, wellOff, model.RoleResponsible)
		income(t, db, wellOff, 2023, 1500000)
		income(t, db, wellOff, 2024, 1520000) // 1.3 %, above the 10000 yuan bound
		sum := recompute(t, s, db, wellOff)
		if got := activeFlags(t, db, wellOff.ID); !sameFlags(got, model.FlagLowGrowth) || sum.Notified != 0 || len(notices()) != 0 {
			t.Fatalf("well-off: flags %v, summary %+v, notices %d", got, sum, len(notices()))
		}

		// Exactly at the bound is not under it: still no news.
		atBound, _ := fx.Household(fx.Region("419901100201", "村").Code)
		fx.Pair(c, atBound, model.RoleResponsible)
		income(t, db, atBound, 2023, 990000)
		income(t, db, atBound, 2024, 1000000)
		if sum := recompute(t, s, db, atBound); sum.Raised[model.FlagLowGrowth] != 1 || sum.Notified != 0 {
			t.Fatalf("at the bound: %+v", sum)
		}

		poor, _ := fx.Household(fx.Region("419901100201", "村").Code)
		fx.Pair(c, poor, model.RoleResponsible)
		income(t, db, poor, 2023, 990000)
		income(t, db, poor, 2024, 999999)
		sum = recompute(t, s, db, poor)
		ns := notices()
		if sum.Notified != 1 || len(ns) != 1 || !strings.Contains(ns[0].Payload, "1户") {
			t.Fatalf("under the bound: summary %+v, notices %+v", sum, ns)
		}
	})
}
