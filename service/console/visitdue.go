package console

import (
	"sort"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Visit classes of config.Policy.VisitPeriods.
const (
	visitDefault  = "default"
	visitElevated = "elevated"
)

// visitCutoff is a SQL expression that gives, for a household row, the
// earliest visit time that still counts as "within its period" at now: the
// policy's period for the household's region and class (提级帮扶 households
// use the elevated period), longest region prefix first, exactly as
// config.Policy.VisitPeriodDays chooses. Built from the policy so coverage
// and the overdue filter are one set-based query, whatever the county's rules.
func (s *Service) visitCutoff(regionCol, supportCol string, now time.Time) (string, []any) {
	elevated, eArgs := s.periodCase(regionCol, visitElevated, now)
	normal, nArgs := s.periodCase(regionCol, visitDefault, now)
	args := append([]any{model.SupportElevated}, eArgs...)
	return "(CASE WHEN " + supportCol + " = ? THEN " + elevated + " ELSE " + normal + " END)", append(args, nArgs...)
}

func (s *Service) periodCase(regionCol, class string, now time.Time) (string, []any) {
	type rule struct {
		prefix string
		days   int
	}
	var rules []rule
	for _, v := range s.policy.VisitPeriods {
		if v.Class == class && v.Region != "" {
			rules = append(rules, rule{v.Region, v.Days})
		}
	}
	// Longest prefix wins; among equal prefixes the first listed, as in
	// VisitPeriodDays.
	sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].prefix) > len(rules[j].prefix) })
	fallback := now.AddDate(0, 0, -s.policy.VisitPeriodDays("", class))
	if len(rules) == 0 {
		return "?", []any{fallback}
	}
	var b strings.Builder
	var args []any
	b.WriteString("(CASE")
	for _, r := range rules {
		b.WriteString(" WHEN " + regionCol + " LIKE ? THEN ?")
		args = append(args, r.prefix+"%", now.AddDate(0, 0, -r.days))
	}
	b.WriteString(" ELSE ? END)")
	return b.String(), append(args, fallback)
}

// visitedWithin is a condition true when household column idCol has a
// current, undisputed visit within its period. A visit the household
// denied ("这天没有人来过") does not count: the numbers must be honest.
func (s *Service) visitedWithin(idCol, regionCol, supportCol string, now time.Time) (string, []any) {
	cutoff, args := s.visitCutoff(regionCol, supportCol, now)
	cond := "EXISTS (SELECT 1 FROM visits v WHERE v.household_id = " + idCol +
		" AND v.is_current = ? AND v.confirmation <> ? AND v.visited_at >= " + cutoff + ")"
	return cond, append([]any{true, model.ConfirmDenied}, args...)
}

// activelyPaired is a condition true when household column idCol has a
// cadre paired with it now.
func activelyPaired(idCol string) string {
	return "EXISTS (SELECT 1 FROM pairings pr WHERE pr.household_id = " + idCol + " AND pr.ended_on IS NULL)"
}

// periodsFor tells the console which periods apply to a region prefix,
// for the dashboard's legend.
func (s *Service) periodsFor(prefix string) map[string]int {
	code := prefix + strings.Repeat("0", max(0, 12-len(prefix)))
	return map[string]int{
		visitDefault:  s.policy.VisitPeriodDays(code, visitDefault),
		visitElevated: s.policy.VisitPeriodDays(code, visitElevated),
	}
}
