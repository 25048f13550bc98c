package risk_test

import (
	"context"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
)

// village makes a village with a rural population and households of the
// given class whose sizes add up to people.
func village(t *testing.T, fx *modeltest.Fixtures, code string, rural int, class string, people int) {
	t.Helper()
	fx.Region(code, "村")
	fx.DB.Model(&model.Region{}).Where("code = ?", code).Update("rural_population", rural)
	for people > 0 {
		size := min(people, 50)
		h, _ := fx.Household(code)
		fx.DB.Model(&h).Updates(map[string]any{"class": class, "size": size})
		people -= size
	}
}

func TestPriorityVillagesOnBoundaries(t *testing.T) {
	tests := []struct {
		name   string
		rural  int
		class  string
		people int
		want   bool
	}{
		{"monitored people exactly 3 %", 1000, model.ClassMonitorMarginal, 30, false},
		{"monitored people over 3 %", 1000, model.ClassMonitorMarginal, 31, true},
		{"covered 5 % and 500 people", 10000, model.ClassPovertyAlleviated, 500, true},
		{"covered 5 % but 499 people", 9980, model.ClassPovertyAlleviated, 499, false},
		{"covered 500 people but under 5 %", 10001, model.ClassPovertyAlleviated, 500, false},
		{"no rural population on file", 0, model.ClassMonitorMarginal, 100, false},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		codes := []string{}
		for i, tc := range tests {
			code := "41990110020" + string(rune('1'+i))
			codes = append(codes, code)
			village(t, fx, code, tc.rural, tc.class, tc.people)
		}
		sum, err := s.RecomputeRegion(context.Background(), audit.System, "419901")
		if err != nil {
			t.Fatal(err)
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var n int64
				db.Model(&model.VillageFlag{}).Where("region_code = ? AND cleared_at IS NULL AND flag = ?", codes[i], model.FlagPriorityVillage).Count(&n)
				if (n == 1) != tc.want {
					t.Fatalf("flagged %v, want %v", n == 1, tc.want)
				}
			})
		}
		if sum.VillagesRaised != 2 {
			t.Fatalf("summary: %+v", sum)
		}
		// The village's people drop under the rule: the flag clears, once.
		db.Model(&model.Region{}).Where("code = ?", codes[1]).Update("rural_population", 2000)
		sum, err = s.RecomputeRegion(context.Background(), audit.System, "419901")
		if err != nil || sum.VillagesCleared != 1 || sum.VillagesRaised != 0 {
			t.Fatalf("second run: %+v %v", sum, err)
		}
	})
}

func TestRegionRunStaysInItsRegion(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		inside, _ := fx.Household(fx.Region("419901100201", "村").Code)
		outside, _ := fx.Household(fx.Region("419902100201", "村").Code)
		for _, h := range []model.Household{inside, outside} {
			income(t, db, h, 2024, 500000)
		}
		sum, err := s.RecomputeRegion(context.Background(), audit.System, "419901")
		if err != nil {
			t.Fatal(err)
		}
		if sum.AtRisk != 1 || sum.Raised[model.FlagUnderLine] != 1 {
			t.Fatalf("summary: %+v", sum)
		}
		if got := activeFlags(t, db, outside.ID); len(got) != 0 {
			t.Fatalf("a household of another county was flagged: %v", got)
		}
		var facts int64
		db.Model(&model.FlagFact{}).Count(&facts)
		if facts != 0 {
			t.Fatalf("%d scratch rows left behind", facts)
		}
		var entries []model.AuditEntry
		db.Where("action = ?", "flags.recompute").Find(&entries)
		if len(entries) != 1 || entries[0].RegionCode != "419901" {
			t.Fatalf("audit: %+v", entries)
		}
		if _, err := s.RecomputeRegion(context.Background(), audit.System, "41x"); err == nil {
			t.Fatal("a bad region prefix was accepted")
		}
	})
}
