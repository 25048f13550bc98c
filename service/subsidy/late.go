package subsidy

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
)

// Late money: paid late (迟发), and the overdue list's failed or returned
// payments that nothing settled (漏发). The conditions themselves are
// model.PaymentMissedSQL and model.PaymentPaidLateSQL.

// Labels of unresolved payments: the status stays what the bank said, the
// label says what it means for the household.
var unresolvedLabels = map[string]string{
	model.PaymentFailed:   "发放失败未补发",
	model.PaymentReturned: "资金退回未补发",
}

// markLate fills in how late a payment in an official's list is: overdue
// and unresolved ones count the days from the due date to today, a paid one
// paid after the grace days from the due date to the day it was paid (the
// household's view counts overdue the same way).
func (s *Service) markLate(p *Payment, unresolved bool, today model.Date) {
	switch {
	case unresolved:
		p.DaysLate = p.DueDate.DaysUntil(today)
		p.StatusLabel = unresolvedLabels[p.Status]
	case p.Status == model.PaymentPaid && !p.PaidDate.IsZero() && p.DueDate.AddDays(s.o.GraceDays).Before(p.PaidDate):
		p.DaysLate = p.DueDate.DaysUntil(p.PaidDate)
	}
}

type pageKey struct {
	ID      int64
	DueDate model.Date
}

// pageKeys reads the ids of one page (one more than the limit, to know
// whether there is a next). The overdue list's statuses are three ranges
// of idx_payments_status_cover: asked as one IN, the database must sort
// every matching row of the county to return fifty, so each status is read
// in due order up to the page's size on its own and only those few are
// merged.
func (s *Service) pageKeys(ctx context.Context, scope model.Scope, f PaymentFilter, cutoff model.Date) ([]pageKey, error) {
	dir, cmp := "DESC", "<"
	if f.oldestFirst {
		dir, cmp = "ASC", ">"
	}
	var after func(q *gorm.DB) *gorm.DB
	if f.Cursor != "" {
		due, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		after = func(q *gorm.DB) *gorm.DB {
			return q.Where(fmt.Sprintf("(p.due_date %s ? OR (p.due_date = ? AND p.id %s ?))", cmp, cmp), due, due, id)
		}
	}
	ordered := func(q *gorm.DB) *gorm.DB {
		if after != nil {
			q = after(q)
		}
		return q.Select("p.id AS id, p.due_date AS due_date").Order("p.due_date " + dir + ", p.id " + dir).Limit(f.Limit + 1)
	}
	var keys []pageKey
	if !(f.missed && f.Status == model.PaymentOverdue) {
		err := ordered(s.filtered(ctx, scope, f, cutoff)).Scan(&keys).Error
		return keys, err
	}
	base := func() *gorm.DB { return s.unfiltered(ctx, scope, f) }
	overdue := ordered(base().Where("p.status = ? AND p.due_date < ?", model.PaymentScheduled, cutoff))
	failed := ordered(base().Where("p.status = ? AND p.due_date < ? AND "+model.PaymentUnsettledSQL("p"), model.PaymentFailed, cutoff))
	returned := ordered(base().Where("p.status = ? AND p.due_date < ? AND "+model.PaymentUnsettledSQL("p"), model.PaymentReturned, cutoff))
	// SELECT * FROM (...) around each part: SQLite allows no ORDER BY or
	// LIMIT in a bare UNION member.
	err := s.db.WithContext(ctx).Raw("SELECT id, due_date FROM (SELECT * FROM (?) a UNION ALL SELECT * FROM (?) b "+
		"UNION ALL SELECT * FROM (?) c) u ORDER BY due_date "+dir+", id "+dir+" LIMIT ?",
		overdue, failed, returned, f.Limit+1).Scan(&keys).Error
	return keys, err
}
