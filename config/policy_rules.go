package config

import (
	"errors"
	"fmt"
)

// Priority rules: how a threshold entry decides 重点帮扶户. The documents
// differ: 衡阳县 (policy/002) asks for low income and low or negative growth,
// 昆明 (policy/001) for low income alone ("1.1万元以下的脱贫户 一对一帮扶").
const (
	PriorityIncomeAndGrowth = "income_and_growth" // under the bound and (fell or growth under the minimum)
	PriorityIncomeOnly      = "income_only"       // under the bound, whatever the growth (and with one year on file)
)

// In-year fall signals (policy/004 §18, 年度周期内…阶段性收入下降): facts
// seen during the year, before the next annual income record, that count as
// "income fell" for 提级帮扶.
const (
	SignalVisitIncomeDown = "visit_income_down" // a visit this calendar year recorded findings.income_change = down
	SignalJobLost         = "job_lost"          // the household's job_lost flag stands
)

// defaultInYearSignals are on when a policy file does not say.
var defaultInYearSignals = []string{SignalVisitIncomeDown, SignalJobLost}

// PriorityIncomeOnly reports whether the entry's priority rule ignores growth.
func (t Threshold) PriorityIncomeOnly() bool { return t.PriorityRule == PriorityIncomeOnly }

// InYearSignal reports whether the policy counts the signal as an in-year fall.
func (p *Policy) InYearSignal(name string) bool {
	for _, s := range p.InYearFallSignals {
		if s == name {
			return true
		}
	}
	return false
}

// checkRules fills the defaults of the priority rule and the in-year
// signals and refuses names it does not know: a typo must not silently turn
// a rule off.
func (p *Policy) checkRules() error {
	var errs []error
	for i := range p.Thresholds {
		t := &p.Thresholds[i]
		switch t.PriorityRule {
		case "":
			t.PriorityRule = PriorityIncomeAndGrowth
		case PriorityIncomeAndGrowth, PriorityIncomeOnly:
		default:
			errs = append(errs, fmt.Errorf("thresholds[%d].priority_rule %q: want %s or %s", i, t.PriorityRule,
				PriorityIncomeAndGrowth, PriorityIncomeOnly))
		}
	}
	// Left out (nil) means the defaults; an explicit [] turns every signal off.
	if p.InYearFallSignals == nil {
		p.InYearFallSignals = append([]string(nil), defaultInYearSignals...)
	}
	for _, s := range p.InYearFallSignals {
		if s != SignalVisitIncomeDown && s != SignalJobLost {
			errs = append(errs, fmt.Errorf("in_year_fall_signals: %q: want %s or %s", s, SignalVisitIncomeDown, SignalJobLost))
		}
	}
	return errors.Join(errs...)
}
