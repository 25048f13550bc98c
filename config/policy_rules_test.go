package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestPriorityRulesAndInYearSignals(t *testing.T) {
	base := "deadlines: {report_acknowledge_days: 1, report_resolve_days: 2, risk_check_days: 1, risk_decide_days: 2}\n" +
		"thresholds:\n  - {region: \"\", year: 2024, monitoring_line_yuan: 8000, priority_income_yuan: 10000"
	tests := []struct {
		name        string
		body        string // "" is the shipped policy
		wantRule    string // of the "" entry
		wantSignals []string
		wantErr     bool
	}{
		{"shipped", "", PriorityIncomeAndGrowth, []string{SignalVisitIncomeDown, SignalJobLost}, false},
		{"left out: defaults", base + "}\n", PriorityIncomeAndGrowth, []string{SignalVisitIncomeDown, SignalJobLost}, false},
		{"income only, signals off", base + ", priority_rule: income_only}\nin_year_fall_signals: []\n", PriorityIncomeOnly, []string{}, false},
		{"one signal", base + "}\nin_year_fall_signals: [job_lost]\n", PriorityIncomeAndGrowth, []string{SignalJobLost}, false},
		{"unknown rule", base + ", priority_rule: income}\n", "", nil, true},
		{"unknown signal", base + "}\nin_year_fall_signals: [visit_down]\n", "", nil, true},
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
			if got := p.ThresholdFor("419901100201", 2024).PriorityRule; got != tc.wantRule {
				t.Fatalf("priority rule %q, want %q", got, tc.wantRule)
			}
			if !slices.Equal(p.InYearFallSignals, tc.wantSignals) {
				t.Fatalf("signals %v, want %v", p.InYearFallSignals, tc.wantSignals)
			}
		})
	}
	p := DefaultPolicy()
	if !p.ThresholdFor("530102001001", 2024).PriorityIncomeOnly() || p.ThresholdFor("410102001001", 2024).PriorityIncomeOnly() {
		t.Fatal("Kunming (5301) should pick priority households by income only, others by income and growth")
	}
}
