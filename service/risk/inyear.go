package risk

import (
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// inYearFall gives the joins that find the target's households with an
// in-year fall signal, and the SQL expression (1 or 0) telling whether
// household row h has one, with the joins' arguments in order. File 004 §18
// asks for 提级帮扶 when monitoring finds income falling within the year
// ("年度周期内…阶段性收入下降"), which the annual records show only a year
// later. The signals the policy switches on (in_year_fall_signals):
//
//   - visit_income_down: a current revision of a visit made this calendar
//     year (in the service's zone), not denied by the household, whose
//     findings say income_change = down. The year bounds make the signal
//     lapse on 1 January, so the flag and the elevation rule clear by the
//     same rules the next year.
//   - job_lost: the household's job_lost flag stands (service/employment
//     raises it on a lost job or a return home and clears it when a member
//     is in work again), whatever year it was raised in: while it stands,
//     the loss of wages is current.
//
// Each signal is one grouped derived table, read once per run from an index
// that starts with the signal (idx_visits_income_down, idx_household_flags_flag),
// so the cost follows how many households have a signal, not the county's
// size or its years of visits. A correlated EXISTS per household instead
// cost a probe per household, twice for those meeting a rule.
func (s *Service) inYearFall(t target) (joins, expr string, args []any) {
	var found []string
	if s.policy.InYearSignal(config.SignalVisitIncomeDown) {
		y := s.now().In(s.loc).Year()
		from := time.Date(y, 1, 1, 0, 0, 0, 0, s.loc).UTC()
		to := time.Date(y+1, 1, 1, 0, 0, 0, 0, s.loc).UTC()
		joins += ` LEFT JOIN (SELECT household_id FROM visits WHERE income_down = ? AND is_current = ?
				AND visited_at >= ? AND visited_at < ? AND confirmation <> ? AND ` + t.on("household_id", "") + `
				GROUP BY household_id) iyv ON iyv.household_id = h.id`
		args = append(args, true, true, from, to, model.ConfirmDenied)
		found = append(found, "iyv.household_id IS NOT NULL")
	}
	if s.policy.InYearSignal(config.SignalJobLost) {
		joins += ` LEFT JOIN (SELECT household_id FROM household_flags WHERE flag = ? AND cleared_at IS NULL AND ` +
			t.on("household_id", "") + ` GROUP BY household_id) iyj ON iyj.household_id = h.id`
		args = append(args, model.FlagJobLost)
		found = append(found, "iyj.household_id IS NOT NULL")
	}
	if len(found) == 0 {
		return "", "0", nil
	}
	expr = "CASE WHEN " + found[0]
	for _, f := range found[1:] {
		expr += " OR " + f
	}
	return joins, expr + " THEN 1 ELSE 0 END", args
}
