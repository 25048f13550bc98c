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
//   - priority (file 002): per-capita < the priority bound and (low growth or fell);
//   - 提级帮扶 needed: (under the line or fell) and (no income plan or no active
//     leader pairing).
//
// Growth needs last year's current record; without one only "under the line"
// (and what follows from it) can be judged.
const (
	condUnder = "f.per_capita_fen < f.line_fen"
	condFell  = "(f.previous_fen IS NOT NULL AND f.per_capita_fen < f.previous_fen)"
	condLow   = "(f.previous_fen IS NOT NULL AND f.previous_fen > 0 AND f.per_capita_fen >= f.previous_fen" +
		" AND (f.per_capita_fen - f.previous_fen) * 10000 < f.growth_bp * f.previous_fen)"
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
	{model.FlagPriority, "f.per_capita_fen < f.priority_fen AND (" + condFell + " OR " + condLow + ")"},
	{model.FlagElevationNeeded, "(" + condUnder + " OR " + condFell + ") AND (f.has_plan = 0 OR f.has_leader = 0)"},
}

// IncomeFlags are the flags computed from incomes, in display order.
func IncomeFlags() []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.flag
	}
	return out
}

// thresholdCases builds the three CASE expressions giving each household's
// monitoring line, priority bound and growth threshold for its region
// (column region) and year (column year), for the years lo..hi. Policy
// entries are matched by the longest region prefix first, exactly as
// config.Policy.ThresholdFor does, so SQL and Go never disagree. The numbers
// are written in: integers, and prefixes the policy check keeps to digits.
func thresholdCases(p *config.Policy, region, year string, lo, hi int) (line, priority, growth string) {
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
	return build(config.Threshold.MonitoringLineFen), build(config.Threshold.PriorityIncomeFen), build(config.Threshold.GrowthMinBasisPoints)
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
