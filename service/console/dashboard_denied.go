package console

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// deniedThisMonth counts the current visits of this month (by the day of
// the visit, in the county's zone) that the household denied, in scope.
// It counts exactly what its link lists: the visits list filtered by
// confirmation, region and visit dates (service/visits.Filter), so the
// number and the list behind it always agree.
//
// Denials are rare, so the count starts from them: the index on
// (confirmation, is_current, visited_at, household_id) (migration 0013)
// yields this month's denials alone, and each is joined to its household
// by primary key for the region; it never walks the scope's households.
func (s *Service) deniedThisMonth(ctx context.Context, scope model.Scope, now time.Time) (Number, error) {
	local := now.In(s.o.Location)
	from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, s.o.Location)
	until := from.AddDate(0, 1, 0)
	where, args := s.regionRange("h.region_code", scope)
	n, err := s.count(ctx, "SELECT COUNT(*) FROM visits v JOIN households h ON h.id = v.household_id "+
		"WHERE v.confirmation = ? AND v.is_current = ? AND v.visited_at >= ? AND v.visited_at < ? AND "+where,
		append([]any{model.ConfirmDenied, true, from.UTC(), until.UTC()}, args...)...)
	return Number{Count: n, Link: link("visits", "region", prefixOf(scope), "confirmation", model.ConfirmDenied,
		"since", from.Format("2006-01-02"), "until", until.Format("2006-01-02"))}, err
}
