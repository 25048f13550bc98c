package chatbot

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// SQLSubsidies answers Subsidies straight from the payments table. It is
// the bot's own, read-only stand-in until the subsidy service is wired in.
type SQLSubsidies struct {
	DB        *model.DB
	GraceDays int // XB_PAYMENT_GRACE_DAYS: days after the due date before unpaid is overdue
}

// Summary reads the household's payments due in year.
func (s SQLSubsidies) Summary(ctx context.Context, householdID int64, year int, today model.Date) (SubsidySummary, error) {
	sum := SubsidySummary{Year: year}
	var rows []struct {
		ItemName      string
		ItemCode      string
		Period        string
		AmountFen     int64
		DueDate       model.Date
		PaidDate      model.Date
		Status        string
		FailureReason string
	}
	q := s.DB.WithContext(ctx).Table("payments").
		Select("COALESCE(subsidy_items.name, payments.item_code) AS item_name, payments.item_code, payments.period, "+
			"payments.amount_fen, payments.due_date, payments.paid_date, payments.status, payments.failure_reason").
		Joins("LEFT JOIN subsidy_items ON subsidy_items.code = payments.item_code").
		Where("payments.due_date >= ? AND payments.due_date <= ?",
			model.Date{Year: year, Month: time.January, Day: 1}, model.Date{Year: year, Month: time.December, Day: 31})
	q = model.HouseholdScope(householdID).Households(q, "payments.household_id", "payments.region_code")
	if err := q.Order("payments.due_date, payments.id").Scan(&rows).Error; err != nil {
		return sum, err
	}
	for _, r := range rows {
		p := model.Payment{Status: r.Status, DueDate: r.DueDate}
		line := PaymentLine{ItemName: r.ItemName, Period: r.Period, AmountFen: r.AmountFen, Date: r.DueDate, Reason: r.FailureReason}
		switch p.StatusOn(today, s.GraceDays) {
		case model.PaymentPaid:
			sum.PaidCount++
			sum.PaidFen += r.AmountFen
			line.Date = r.PaidDate
			if sum.LastPaid == nil || !r.PaidDate.Before(sum.LastPaid.Date) {
				sum.LastPaid = &line
			}
		case model.PaymentOverdue:
			sum.Overdue = append(sum.Overdue, line)
		case model.PaymentFailed, model.PaymentReturned:
			sum.Failed = append(sum.Failed, line)
		case model.PaymentScheduled:
			if sum.Next == nil {
				sum.Next = &line
			}
		}
	}
	return sum, nil
}
