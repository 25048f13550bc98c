package risk

import (
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// inYearFall is the SQL expression (1 or 0) telling whether an in-year fall
// signal stands for household hCol, with its arguments in order. File 004
// §18 asks for 提级帮扶 when monitoring finds income falling within the year
// ("年度周期内…阶段性收入下降"), which the annual records show only a year
// later. The signals the policy switches on (in_year_fall_signals):
//
//   - visit_income_down: a current revision of a visit made this calendar
//     year (in the service's zone), not denied by the household, whose
//     findings say income_change = down. The year bounds make the signal
//     lapse on 1 January, so the flag and the elevation rule clear by the
//     same rules the next year. The probe reads idx_visits_last
//     (household_id, is_current, visited_at, confirmation, income_down)
//     alone: income_down is the findings' verdict, written with the visit
//     (migration 0016), so no visit row is opened.
//   - job_lost: the household's job_lost flag stands (service/employment
//     raises it on a lost job or a return home and clears it when a member
//     is in work again), whatever year it was raised in: while it stands,
//     the loss of wages is current.
func (s *Service) inYearFall(hCol string) (string, []any) {
	var conds []string
	var args []any
	if s.policy.InYearSignal(config.SignalVisitIncomeDown) {
		y := s.now().In(s.loc).Year()
		from := time.Date(y, 1, 1, 0, 0, 0, 0, s.loc).UTC()
		to := time.Date(y+1, 1, 1, 0, 0, 0, 0, s.loc).UTC()
		conds = append(conds, `EXISTS (SELECT 1 FROM visits v WHERE v.household_id = `+hCol+
			` AND v.is_current = ? AND v.visited_at >= ? AND v.visited_at < ? AND v.confirmation <> ? AND v.income_down = ?)`)
		args = append(args, true, from, to, model.ConfirmDenied, true)
	}
	if s.policy.InYearSignal(config.SignalJobLost) {
		conds = append(conds, `EXISTS (SELECT 1 FROM household_flags jl WHERE jl.household_id = `+hCol+
			` AND jl.flag = ? AND jl.cleared_at IS NULL)`)
		args = append(args, model.FlagJobLost)
	}
	if len(conds) == 0 {
		return "0", nil
	}
	expr := "CASE WHEN " + conds[0]
	for _, c := range conds[1:] {
		expr += " OR " + c
	}
	return expr + " THEN 1 ELSE 0 END", args
}
