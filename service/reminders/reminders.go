// Package reminders holds the scheduler's jobs that feed the push outbox:
// the cadres' morning digest, overdue payments to the village's cadres and
// the town's officials, payments newly paid or failed to the household, and
// the registration points of jobs whose logic other services own (report
// deadlines, risk flags, job matches). Every job is set-based SQL over the
// whole deployment and safe to run twice: its messages carry dedupe keys,
// so a rerun after a crash queues nothing new.
package reminders

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// Deps are what the jobs need; New refuses missing ones.
type Deps struct {
	DB        *model.DB
	Policy    *config.Policy
	Templates *config.PushTemplates
	Logger    *slog.Logger
}

// Options tune the jobs.
type Options struct {
	Location  *time.Location // where days begin; default Asia/Shanghai's offset
	GraceDays int            // XB_PAYMENT_GRACE_DAYS: days after the due date before a payment is overdue
	DigestTop int            // households named in a digest; default 3
	// PaymentLookback is how far back the first scan of payment changes
	// looks (later scans start where the last ended); default 24h.
	PaymentLookback time.Duration
	// PaymentOverlap is how far before the last scan's end the next one
	// starts, so a change committed late with an earlier updated_at is not
	// missed; the dedupe keys make the overlap harmless. Default 10m.
	PaymentOverlap time.Duration
	// PaidRecentDays: a payment marked paid is told only if it was paid in
	// the last this many days (an import of last year's history is not
	// news); default 30. Failures are told if due in the last 180 days.
	PaidRecentDays int
}

// Reminders are the jobs.
type Reminders struct {
	db  *model.DB
	pol *config.Policy
	tpl *config.PushTemplates
	log *slog.Logger
	o   Options
}

// New returns the jobs.
func New(d Deps, o Options) (*Reminders, error) {
	if d.DB == nil || d.Policy == nil || d.Templates == nil || d.Logger == nil {
		return nil, errors.New("reminders: New needs DB, Policy, Templates and Logger")
	}
	if o.Location == nil {
		o.Location = time.FixedZone("CST", 8*3600)
	}
	if o.GraceDays < 0 {
		return nil, errors.New("reminders: negative grace days")
	}
	if o.DigestTop <= 0 {
		o.DigestTop = 3
	}
	if o.PaymentLookback <= 0 {
		o.PaymentLookback = 24 * time.Hour
	}
	if o.PaymentOverlap <= 0 {
		o.PaymentOverlap = 10 * time.Minute
	}
	if o.PaidRecentDays <= 0 {
		o.PaidRecentDays = 30
	}
	return &Reminders{db: d.DB, pol: d.Policy, tpl: d.Templates, log: d.Logger.With("component", "reminders"), o: o}, nil
}

// midnight is the start of a local date, as an instant.
func (r *Reminders) midnight(d model.Date) time.Time { return d.Time(r.o.Location).UTC() }

// yuan writes fen as money: 52000 → 520.00元.
func yuan(fen int64) string { return fmt.Sprintf("%d.%02d元", fen/100, fen%100) }

// dayText writes a date as WeChat's time fields take it.
func dayText(d model.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }

// chunks calls fn with ids in slices of at most n.
func chunks(ids []int64, n int, fn func([]int64) error) error {
	for start := 0; start < len(ids); start += n {
		if err := fn(ids[start:min(start+n, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}
