package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestShippedPolicy(t *testing.T) {
	p := DefaultPolicy()
	if got := p.ThresholdFor("419901100201", 2024).MonitoringLineFen(); got != 800000 {
		t.Fatalf("monitoring line = %d fen, want 800000", got)
	}
	if got := p.ThresholdFor("530102001001", 2024).PriorityIncomeFen(); got != 1100000 {
		t.Fatalf("Kunming priority income = %d, want 1100000", got)
	}
	if got := p.ThresholdFor("530102001001", 2021).PriorityIncomeFen(); got != 1000000 {
		t.Fatalf("Kunming before its 2022 rule = %d, want the default 1000000", got)
	}
	if got := p.ThresholdFor("419901100201", 2024).GrowthMinBasisPoints(); got != 550 {
		t.Fatalf("growth threshold = %d bp, want 550", got)
	}
	if p.VisitPeriodDays("419901100201", "default") != 30 || p.VisitPeriodDays("419901100201", "elevated") != 15 {
		t.Fatal("visit periods are not 30 / 15 days")
	}
}

func TestWorkingDays(t *testing.T) {
	p := DefaultPolicy()
	p.holidays["2026-10-01"] = true
	fri := time.Date(2026, 9, 25, 10, 0, 0, 0, time.UTC) // a Friday
	if got := p.AddWorkingDays(fri, 3); got.Format("2006-01-02") != "2026-09-30" {
		t.Fatalf("3 working days after Fri 25 Sep = %s, want Wed 30 Sep", got.Format("2006-01-02"))
	}
	if got := p.AddWorkingDays(fri, 4); got.Format("2006-01-02") != "2026-10-02" {
		t.Fatalf("4 working days skip the holiday: got %s", got.Format("2006-01-02"))
	}
}

func TestBadPolicyFiles(t *testing.T) {
	for name, body := range map[string]string{
		"no default region": "thresholds:\n  - {region: \"41\", year: 2024, monitoring_line_yuan: 8000, priority_income_yuan: 10000}\ndeadlines: {report_acknowledge_days: 1, report_resolve_days: 2, risk_check_days: 1, risk_decide_days: 2}\n",
		"unknown key":       "thresholdz: []\n",
		"bad class":         "thresholds:\n  - {region: \"\", year: 2024, monitoring_line_yuan: 8000, priority_income_yuan: 10000}\nvisit_periods:\n  - {region: \"\", class: weekly, days: 7}\ndeadlines: {report_acknowledge_days: 1, report_resolve_days: 2, risk_check_days: 1, risk_decide_days: 2}\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.yaml")
			os.WriteFile(path, []byte(body), 0o600)
			if _, err := LoadPolicy(path); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestShippedSubsidyItems(t *testing.T) {
	items, err := LoadSubsidyItems("")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 15 {
		t.Fatalf("%d items; DOMAIN.md lists at least 15", len(items))
	}
}

func TestVisitRules(t *testing.T) {
	base := "thresholds:\n  - {region: \"\", year: 2024, monitoring_line_yuan: 8000, priority_income_yuan: 10000}\n" +
		"deadlines: {report_acknowledge_days: 1, report_resolve_days: 2, risk_check_days: 1, risk_decide_days: 2}\n"
	tests := []struct {
		name    string
		body    string
		want    VisitRules
		wantErr bool
	}{
		{"shipped", "", VisitRules{FarMetres: 500, MaxClockSkewMinutes: 10, MaxAgeDays: 90}, false},
		{"left out: defaults", base, VisitRules{FarMetres: 500, MaxClockSkewMinutes: 10, MaxAgeDays: 90}, false},
		{"set", base + "visit_rules: {far_metres: 800, max_clock_skew_minutes: 5, max_age_days: 30}\n",
			VisitRules{FarMetres: 800, MaxClockSkewMinutes: 5, MaxAgeDays: 30}, false},
		{"negative distance", base + "visit_rules: {far_metres: -1}\n", VisitRules{}, true},
		{"absurd age", base + "visit_rules: {max_age_days: 5000}\n", VisitRules{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.body != "" {
				path = filepath.Join(t.TempDir(), "p.yaml")
				os.WriteFile(path, []byte(tc.body), 0o600)
			}
			p, err := LoadPolicy(path)
			if tc.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Visits != tc.want {
				t.Fatalf("visit rules %+v, want %+v", p.Visits, tc.want)
			}
		})
	}
}
