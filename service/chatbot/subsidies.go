package chatbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// ServiceSubsidies answers Subsidies from the subsidy service, so the bot
// says exactly what the mini-program shows: the same statuses, grace
// days and "today", read through the same cache.
type ServiceSubsidies struct {
	Service *subsidy.Service
}

// Summary reads the household's view of year and words it for the bot.
func (s ServiceSubsidies) Summary(ctx context.Context, householdID int64, year int) (SubsidySummary, error) {
	body, err := s.Service.YearJSON(ctx, model.HouseholdScope(householdID), householdID, year)
	if errors.Is(err, apperr.Invalid) {
		// A year the household has no records for (the bot's day turned
		// over before the service's): nothing to tell, not a failure.
		return SubsidySummary{Year: year}, nil
	}
	if err != nil {
		return SubsidySummary{}, err
	}
	var v subsidy.YearView
	if err := json.Unmarshal(body, &v); err != nil {
		return SubsidySummary{}, fmt.Errorf("chatbot: subsidy view: %w", err)
	}
	return summaryOf(v), nil
}

// summaryOf picks from a year's payments (newest first) what the bot
// tells: the totals, the last arrival, what is overdue or failed (oldest
// first) and the next one due.
func summaryOf(v subsidy.YearView) SubsidySummary {
	sum := SubsidySummary{Year: v.Year, PaidCount: v.Counts.Paid, PaidFen: v.PaidFen}
	for i := len(v.Items) - 1; i >= 0; i-- {
		p := v.Items[i]
		line := PaymentLine{ItemName: p.ItemName, Period: p.Period, AmountFen: p.AmountFen, Date: p.DueDate, Reason: p.FailureReason}
		switch p.Status {
		case model.PaymentPaid:
			line.Date = p.PaidDate
			if sum.LastPaid == nil || !p.PaidDate.Before(sum.LastPaid.Date) {
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
	return sum
}
