package risk_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/risk"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// fixedNow is "now" in these tests: early 2025, so last year's incomes are 2024's.
var fixedNow = time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)

func newService(t *testing.T, db *model.DB) *risk.Service {
	t.Helper()
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := risk.New(db, risk.Options{Policy: config.DefaultPolicy(), Audit: log,
		Location: time.FixedZone("CST", 8*3600), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// income writes a current income record whose per-capita is exactly pc.
func income(t *testing.T, db *model.DB, h model.Household, year int, pc int64) {
	t.Helper()
	db.Model(&model.IncomeRecord{}).Where("household_id = ? AND year = ?", h.ID, year).Update("is_current", false)
	var rev int
	db.Model(&model.IncomeRecord{}).Where("household_id = ? AND year = ?", h.ID, year).Select("COALESCE(MAX(revision), 0)").Scan(&rev)
	r := model.IncomeRecord{HouseholdID: h.ID, Year: year, WageFen: pc * 2, HouseholdSize: 2, Revision: rev + 1, IsCurrent: true,
		ActorKind: "system", PerCapitaFen: pc}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
}

func recompute(t *testing.T, s *risk.Service, db *model.DB, h model.Household) risk.Summary {
	t.Helper()
	var sum risk.Summary
	err := db.Tx(context.Background(), func(tx *model.DB) error {
		var err error
		sum, err = s.RecomputeHousehold(context.Background(), tx, h.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// activeFlags are the household's standing flags as flag → year.
func activeFlags(t *testing.T, db *model.DB, householdID int64) map[string]int {
	t.Helper()
	var fs []model.HouseholdFlag
	if err := db.Where("household_id = ? AND cleared_at IS NULL", householdID).Find(&fs).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range fs {
		if f.ActiveKey == nil {
			t.Errorf("standing flag %s has no active key", f.Flag)
		}
		out[f.Flag] = f.Year
	}
	return out
}

func sameFlags(got map[string]int, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			return false
		}
	}
	return true
}

func TestFlagRulesOnBoundaries(t *testing.T) {
	const line, bound = 800000, 1000000 // 2024 defaults: 8000 and 10000 yuan
	tests := []struct {
		name       string
		village    string
		prev, cur  int64 // 2023 and 2024 per-capita; prev 0 = no 2023 record
		plan, lead bool
		want       []string
	}{
		{"exactly at the line, no history", "419901100201", 0, line, false, false, nil},
		{"one fen under the line", "419901100201", 0, line - 1, false, false,
			[]string{model.FlagUnderLine, model.FlagElevationNeeded}},
		{"under the line with plan and leader", "419901100201", 0, line - 1, true, true, []string{model.FlagUnderLine}},
		{"under the line with a plan but no leader", "419901100201", 0, line - 1, true, false,
			[]string{model.FlagUnderLine, model.FlagElevationNeeded}},
		{"under the line with a leader but no plan", "419901100201", 0, line - 1, false, true,
			[]string{model.FlagUnderLine, model.FlagElevationNeeded}},
		{"fell by one fen", "419901100201", 900000, 899999, false, false,
			[]string{model.FlagIncomeFell, model.FlagPriority, model.FlagElevationNeeded}},
		{"fell, above the priority bound", "419901100201", 1200000, 1199999, true, true, []string{model.FlagIncomeFell}},
		{"unchanged is growth under the threshold", "419901100201", 900000, 900000, false, false,
			[]string{model.FlagLowGrowth, model.FlagPriority}},
		{"growth exactly 5.5 %", "419901100201", 900000, 949500, false, false, nil},
		{"growth one fen under 5.5 %", "419901100201", 900000, 949499, false, false,
			[]string{model.FlagLowGrowth, model.FlagPriority}},
		{"low growth exactly at the priority bound", "419901100201", 990000, bound, false, false, []string{model.FlagLowGrowth}},
		{"low growth one fen under the priority bound", "419901100201", 990000, bound - 1, false, false,
			[]string{model.FlagLowGrowth, model.FlagPriority}},
		{"Kunming's bound is 11000 yuan", "530102001001", 1050000, 1099999, false, false,
			[]string{model.FlagLowGrowth, model.FlagPriority}},
		{"Kunming at its bound", "530102001001", 1050000, 1100000, false, false, []string{model.FlagLowGrowth}},
		{"no last year: growth not judged", "419901100201", 0, 900000, false, false, nil},
		// Kunming picks by income alone (priority_rule: income_only, file 001).
		{"Kunming exactly 11000 yuan growing 8 %", "530102001001", 1018519, 1100000, false, false, nil},
		{"Kunming 10999.99 yuan growing 8 %", "530102001001", 1018518, 1099999, false, false, []string{model.FlagPriority}},
		{"Kunming 10999.99 yuan, one year on file", "530102001001", 0, 1099999, false, false, []string{model.FlagPriority}},
		{"Zhengzhou 10999.99 yuan growing 8 %", "410102001001", 1018518, 1099999, false, false, nil},
		{"Zhengzhou 9999.99 yuan growing 8 %: growth still counts", "410102001001", 925925, 999999, false, false, nil},
		{"Zhengzhou 9999.99 yuan, one year on file", "410102001001", 0, 999999, false, false, nil},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		leader := fx.Cadre("419901100000")
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				h, _ := fx.Household(fx.Region(tc.village, "村").Code)
				if tc.prev != 0 {
					income(t, db, h, 2023, tc.prev)
				}
				income(t, db, h, 2024, tc.cur)
				if tc.plan {
					db.Create(&model.IncomePlan{HouseholdID: h.ID, Measures: "公益性岗位", Responsible: "王书记", TargetFen: 900000,
						ReviewDate: model.Date{Year: 2025, Month: 6, Day: 30}, ActorKind: "cadre", ActorID: 1})
				}
				if tc.lead {
					fx.Pair(leader, h, model.RoleLeader)
				}
				recompute(t, s, db, h)
				got := activeFlags(t, db, h.ID)
				if !sameFlags(got, tc.want...) {
					t.Fatalf("flags %v, want %v", got, tc.want)
				}
				for f, y := range got {
					if y != 2024 {
						t.Errorf("flag %s has year %d, want 2024", f, y)
					}
				}
				var after model.Household
				db.Take(&after, h.ID)
				_, under := got[model.FlagUnderLine]
				_, fell := got[model.FlagIncomeFell]
				elevated := under || fell
				if elevated != (after.SupportLevel == model.SupportElevated) {
					t.Fatalf("support level %s with flags %v", after.SupportLevel, got)
				}
			})
		}
	})
}

func TestFlagsClearAndMoveToTheNewYear(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		h, _ := fx.Household(fx.Region("419901100201", "村").Code)
		c := fx.Cadre("419901100201")
		fx.Pair(c, h, model.RoleResponsible)
		fx.CadreUser(c)

		income(t, db, h, 2023, 700000)
		sum := recompute(t, s, db, h)
		if sum.Raised[model.FlagUnderLine] != 1 || sum.Elevated != 1 {
			t.Fatalf("first run: %+v", sum)
		}
		again := recompute(t, s, db, h)
		for f, n := range again.Raised {
			if n != 0 || again.Cleared[f] != 0 {
				t.Fatalf("a second run with nothing changed raised or cleared %s: %+v", f, again)
			}
		}

		// A new year, still under the line: the 2023 flag clears, a 2024 one stands.
		income(t, db, h, 2024, 750000)
		recompute(t, s, db, h)
		got := activeFlags(t, db, h.ID)
		if got[model.FlagUnderLine] != 2024 {
			t.Fatalf("flags after the 2024 record: %v", got)
		}
		var history []model.HouseholdFlag
		db.Where("household_id = ? AND flag = ?", h.ID, model.FlagUnderLine).Order("id").Find(&history)
		if len(history) != 2 || history[0].ClearedAt == nil || history[0].ActiveKey != nil || history[0].Year != 2023 {
			t.Fatalf("history of under_line: %+v", history)
		}

		// A correction above the line clears everything; the record of it stays.
		income(t, db, h, 2024, 850000)
		sum = recompute(t, s, db, h)
		if got := activeFlags(t, db, h.ID); len(got) != 0 {
			t.Fatalf("flags after recovering: %v", got)
		}
		if sum.Cleared[model.FlagUnderLine] != 1 {
			t.Fatalf("clear summary: %+v", sum)
		}
		var hh model.Household
		db.Take(&hh, h.ID)
		if hh.SupportLevel != model.SupportElevated {
			t.Fatal("提级帮扶 was lowered by the machine; leaving it is an official's decision")
		}

		// The cadre heard once per run that raised something: the 2023 flags,
		// then the 2024 ones; runs that raised nothing sent nothing.
		var notes []model.OutboxMessage
		db.Where("kind = ?", "household_flags").Order("id").Find(&notes)
		if len(notes) != 2 || !strings.Contains(notes[0].Payload, "低于监测范围、需提级帮扶") || !strings.Contains(notes[0].Payload, "1户") {
			t.Fatalf("notices: %+v", notes)
		}
	})
}

// TestRaisingSkipsAFlagTakenMeanwhile: when another run has raised the flag
// (its active key taken) between this run's check and its insert, the run
// goes on instead of failing on the unique index. The race is staged with a
// row whose key is taken although it looks cleared to the check.
func TestRaisingSkipsAFlagTakenMeanwhile(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		s := newService(t, db)
		fx := modeltest.NewFixtures(t, db)
		h, _ := fx.Household(fx.Region("419901100201", "村").Code)
		income(t, db, h, 2024, 700000)
		key := strconv.FormatInt(h.ID, 10) + ":" + model.FlagUnderLine
		cleared := fixedNow.Add(-time.Hour)
		db.Create(&model.HouseholdFlag{HouseholdID: h.ID, Flag: model.FlagUnderLine, Year: 2024, RaisedAt: cleared, ClearedAt: &cleared, ActiveKey: &key})
		sum, err := s.RecomputeRegion(context.Background(), audit.System, "")
		if err != nil {
			t.Fatalf("the run failed on a taken key: %v", err)
		}
		if sum.Raised[model.FlagElevationNeeded] != 1 {
			t.Fatalf("the other flags were not raised: %+v", sum)
		}
	})
}
