package risk

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// The flag rules, as conditions on one flag_facts row (alias f). They are
// SQL so that a county is judged in a few statements, and they are the only
// statement of the rules: RecomputeHousehold and RecomputeRegion share them.
//
//   - under the line: per-capita < line (exactly at the line is not under);
//   - income fell: per-capita < last year's per-capita;
//   - low growth: 0 ≤ growth < threshold, in integers: (pc − prev) × 10000 <
//     threshold_bp × prev (a fall is flagged as a fall, not also as low growth);
//   - priority: per-capita < the priority bound and, by the threshold's
//     priority_rule, (low growth or fell) (income_and_growth, file 002) or
//     nothing more (income_only, Kunming's 一对一 under 1.1万, file 001);
//   - 提级帮扶 needed: (under the line or fell or an in-year fall signal) and
//     (no income plan or no active leader pairing). The in-year signals
//     (file 004 §18, inyear.go) see a fall before next year's record does.
//
// Growth needs last year's current record; without one only "under the line",
// an income-only priority and the in-year signals can be judged.
const (
	condUnder = "f.per_capita_fen < f.line_fen"
	condFell  = "(f.previous_fen IS NOT NULL AND f.per_capita_fen < f.previous_fen)"
	condLow   = "(f.previous_fen IS NOT NULL AND f.previous_fen > 0 AND f.per_capita_fen >= f.previous_fen" +
		" AND (f.per_capita_fen - f.previous_fen) * 10000 < f.growth_bp * f.previous_fen)"
	condPriority = "(f.per_capita_fen < f.priority_fen AND (f.income_only = 1 OR " + condFell + " OR " + condLow + "))"
	// condElevate is who gets 提级帮扶 (DOMAIN.md: under the line, or income
	// fell within the year).
	condElevate = "(" + condUnder + " OR " + condFell + " OR f.in_year_fall = 1)"
	// condAny is a household meeting some rule: only those get facts rows.
	condAny = condElevate + " OR " + condLow + " OR " + condPriority
)

// rules lists the household flags this package owns, in the order they are
// raised. Other flags (job_lost, ...) belong to other services and are never
// touched here.
var rules = []struct {
	flag string
	cond string
}{
	{model.FlagUnderLine, condUnder},
	{model.FlagIncomeFell, condFell},
	{model.FlagLowGrowth, condLow},
	{model.FlagPriority, condPriority},
	{model.FlagElevationNeeded, condElevate + " AND (f.has_plan = 0 OR f.has_leader = 0)"},
}

// IncomeFlags are the flags computed from incomes, in display order.
func IncomeFlags() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.flag
	}
	return out
}

// thresholdCases builds the four CASE expressions giving each household's
// monitoring line, priority bound, growth threshold and priority rule (1 =
// income only) for its region
// (column region) and year (column year), for the years lo..hi. Policy
// entries are matched by the longest region prefix first, exactly as
// config.Policy.ThresholdFor does, so SQL and Go never disagree. The numbers
// are written in: integers, and prefixes the policy check keeps to digits.
func thresholdCases(p *config.Policy, region, year string, lo, hi int) (line, priority, growth, incomeOnly string) {
	seen := map[string]bool{}
	var prefixes []string
	for _, t := range p.Thresholds {
		if !seen[t.Region] && validPrefix(t.Region) {
			seen[t.Region] = true
			prefixes = append(prefixes, t.Region)
		}
	}
	sort.SliceStable(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	build := func(value func(config.Threshold) int64) string {
		var b strings.Builder
		b.WriteString("CASE")
		for _, pre := range prefixes {
			for y := lo; y <= hi; y++ {
				fmt.Fprintf(&b, " WHEN %s LIKE '%s%%' AND %s = %d THEN %d", region, pre, year, y, value(p.ThresholdFor(pre, y)))
			}
		}
		b.WriteString(" ELSE 0 END")
		return b.String()
	}
	only := func(t config.Threshold) int64 {
		if t.PriorityIncomeOnly() {
			return 1
		}
		return 0
	}
	return build(config.Threshold.MonitoringLineFen), build(config.Threshold.PriorityIncomeFen),
		build(config.Threshold.GrowthMinBasisPoints), build(only)
}

// concat joins SQL string expressions in the dialect's way (SQLite has ||,
// MySQL's || is OR unless a mode says otherwise).
func concat(d model.Dialect, parts ...string) string {
	if d == model.MySQL {
		return "CONCAT(" + strings.Join(parts, ", ") + ")"
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// text converts a numeric SQL expression to text, NULL as null (for the JSON
// details written by the statements).
func text(d model.Dialect, expr string) string {
	if d == model.MySQL {
		return "COALESCE(CAST(" + expr + " AS CHAR), 'null')"
	}
	return "COALESCE(CAST(" + expr + " AS TEXT), 'null')"
}
