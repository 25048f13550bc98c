package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/console"
)

func TestNarrow(t *testing.T) {
	county, town := model.RegionScope("419901"), model.RegionScope("419901100")
	tests := []struct {
		name   string
		scope  model.Scope
		region string
		want   string
		err    error
	}{
		{"no region keeps the scope", county, "", "419901", nil},
		{"a prefix inside", county, "419901101", "419901101", nil},
		{"a 12-digit town code is its prefix", county, "419901101000", "419901101", nil},
		{"a 12-digit village code is itself", county, "419901101201", "419901101201", nil},
		{"a wider region is the scope", town, "4199", "419901100", nil},
		{"a sibling is refused", town, "419901101", "", console.ErrOutside},
		{"letters are refused", county, "41a", "", console.ErrBadRegion},
		{"too long is refused", county, "4199011012011", "", console.ErrBadRegion},
		{"everything sees a province", model.RegionScope(""), "41", "41", nil},
		{"a household is no official", model.HouseholdScope(1), "", "", console.ErrNotOfficial},
		{"a cadre is no official", model.CadreScope(1, "419901100201"), "", "", console.ErrNotOfficial},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := console.Narrow(tc.scope, tc.region)
			if err != tc.err {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if err == nil && (got.Kind != model.ScopeRegion || got.RegionPrefix != tc.want) {
				t.Fatalf("%+v, want prefix %q", got, tc.want)
			}
		})
	}
}

// TestVisitPeriodsFollowThePolicy gives two towns different visit periods
// and checks coverage and the overdue list use each household's own: the
// longest matching region prefix, and the elevated period for 提级帮扶.
func TestVisitPeriodsFollowThePolicy(t *testing.T) {
	policyFile := filepath.Join(t.TempDir(), "policy.yaml")
	raw := `thresholds:
  - {region: "", year: 2020, monitoring_line_yuan: 8000, priority_income_yuan: 10000, growth_min_percent: 5.5}
visit_periods:
  - {region: "", class: default, days: 30}
  - {region: "", class: elevated, days: 15}
  - {region: "419901101", class: default, days: 14}
  - {region: "4199011012", class: default, days: 10}
  - {region: "419901101", class: elevated, days: 7}
visit_due_soon_days: 3
deadlines: {report_acknowledge_days: 3, report_resolve_days: 15, risk_check_days: 5, risk_decide_days: 15}
`
	if err := os.WriteFile(policyFile, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	policy, err := config.LoadPolicy(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		f := modeltest.NewFixtures(t, db)
		for code, name := range map[string]string{"419901100201": "甲村", "419901101201": "乙村", "419901101301": "丙村"} {
			f.Region(code, name)
		}
		now := time.Now().UTC()
		type hh struct {
			village  string
			elevated bool
			daysAgo  int
			covered  bool
		}
		cases := []hh{
			{"419901100201", false, 20, true},  // 30 days
			{"419901100201", true, 20, false},  // 15 days
			{"419901101301", false, 12, true},  // 14 days (town rule)
			{"419901101301", false, 16, false}, // 14 days
			{"419901101201", false, 12, false}, // 10 days: the longer prefix wins
			{"419901101201", true, 5, true},    // 7 days (town elevated rule)
			{"419901101201", true, 8, false},   // 7 days
		}
		var overdue []int64
		for i, c := range cases {
			h, _ := f.Household(c.village)
			if c.elevated {
				if err := db.Model(&h).Update("support_level", model.SupportElevated).Error; err != nil {
					t.Fatal(err)
				}
			}
			cadre := f.Cadre(c.village)
			f.Pair(cadre, h, model.RoleResponsible)
			at := now.AddDate(0, 0, -c.daysAgo)
			v := model.Visit{ClientID: fmt.Sprint("c", i), CadreID: cadre.ID, HouseholdID: h.ID, Revision: 1, IsCurrent: true, VisitedAt: at, ReceivedAt: at,
				Findings: "{}", PhotoIDs: "[]", Confirmation: model.ConfirmPending, LocationFlag: model.LocationOK}
			if err := db.Create(&v).Error; err != nil {
				t.Fatal(err)
			}
			if !c.covered {
				overdue = append(overdue, h.ID)
			}
		}
		log, _ := audit.New(db, nil)
		svc, err := console.New(console.Deps{DB: db, Audit: log, Policy: policy}, console.Options{GraceDays: 5})
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Dashboard(context.Background(), model.RegionScope("419901"), "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Visits.Paired.Count != 7 || d.Visits.Covered.Count != 3 {
			t.Fatalf("coverage %d of %d, want 3 of 7", d.Visits.Covered.Count, d.Visits.Paired.Count)
		}
		page, err := svc.Households(context.Background(), model.RegionScope("419901"), console.HouseholdFilter{Visit: "overdue"})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range page.Items {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(overdue) {
			t.Fatalf("overdue %v, want %v", got, overdue)
		}
	})
}

// TestPaymentFiguresAreReusedBriefly checks the dashboard's payment figures
// are read again after PaymentStatsTTL, and at once when reuse is off,
// while the rest of the dashboard is always fresh.
func TestPaymentFiguresAreReusedBriefly(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		items, err := config.LoadSubsidyItems("")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SyncSubsidyItems(context.Background(), model.SubsidyItemRows(items)); err != nil {
			t.Fatal(err)
		}
		f := modeltest.NewFixtures(t, db)
		f.Region("419901100201", "甲村")
		h, _ := f.Household("419901100201")
		now := time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		seq := 0
		overdue := func() {
			seq++
			p := model.Payment{HouseholdID: h.ID, RegionCode: h.RegionCode, ItemCode: "dibao", Period: fmt.Sprint("2026-0", seq),
				AmountFen: 10000, DueDate: model.Date{Year: 2026, Month: 5, Day: seq}, Status: model.PaymentScheduled}
			if err := db.Create(&p).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Create(&model.Report{Type: model.ReportPayment, HouseholdID: h.ID, PaymentID: &p.ID, RegionCode: h.RegionCode, Kind: "late",
				Text: "没到", PhotoIDs: "[]", Status: model.ReportOpen, FirstDeadline: now.Add(time.Hour), FinalDeadline: now.Add(time.Hour)}).Error; err != nil {
				t.Fatal(err)
			}
		}
		log, _ := audit.New(db, nil)
		tests := []struct {
			name string
			ttl  time.Duration
			// overdue counts after: the first read, a new payment, a minute later
			want [3]int64
		}{
			{"reused for a minute", 0, [3]int64{1, 1, 2}},
			{"reuse turned off", -1, [3]int64{1, 2, 2}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if err := db.Exec("DELETE FROM reports").Error; err != nil {
					t.Fatal(err)
				}
				if err := db.Exec("DELETE FROM payments").Error; err != nil {
					t.Fatal(err)
				}
				seq = 0
				now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
				svc, err := console.New(console.Deps{DB: db, Audit: log, Policy: config.DefaultPolicy()},
					console.Options{GraceDays: 5, Now: clock, PaymentStatsTTL: tc.ttl})
				if err != nil {
					t.Fatal(err)
				}
				read := func() (int64, int64) {
					d, err := svc.Dashboard(context.Background(), model.RegionScope("419901"), "")
					if err != nil {
						t.Fatal(err)
					}
					return d.Payments.Overdue.Count, d.Reports.ByStatus[0].Count
				}
				overdue()
				got := [3]int64{}
				var open int64
				got[0], _ = read()
				overdue()
				got[1], open = read()
				if open != 2 {
					t.Fatalf("the reports part is not fresh: %d open", open)
				}
				now = now.Add(61 * time.Second)
				got[2], _ = read()
				if got != tc.want {
					t.Fatalf("overdue counts %v, want %v", got, tc.want)
				}
			})
		}
	})
}
