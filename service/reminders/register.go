package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

// Times say when the built-in jobs run.
type Times struct {
	DigestAt    config.Clock  // the cadres' morning digest
	OverdueAt   config.Clock  // overdue payments to cadres and officials
	PaymentScan time.Duration // payments newly paid or failed
}

// TimesFrom reads the times from the configuration (validated there).
func TimesFrom(c *config.Config) Times {
	digest, _ := config.ParseClock(c.PushDigestAt)
	overdue, _ := config.ParseClock(c.PushOverdueAt)
	return Times{DigestAt: digest, OverdueAt: overdue, PaymentScan: c.PushPaymentScan}
}

// pruneAt is when old scheduler runs are deleted, in the quiet of the night.
var pruneAt = config.Clock(3*60 + 30)

// Register adds the built-in jobs to s. Their day is the run's day: a
// digest made up at noon after an outage is still that morning's digest.
func (r *Reminders) Register(s *scheduler.Scheduler, t Times) error {
	loc := r.o.Location
	day := func(run scheduler.Run) model.Date { return model.DateOf(run.Due.In(loc)) }
	jobs := []scheduler.Job{
		{Name: KindVisitDigest, Schedule: scheduler.Daily{At: t.DigestAt, Location: loc},
			Run: func(ctx context.Context, run scheduler.Run) (scheduler.Result, error) {
				n, err := r.Digest(ctx, day(run))
				return scheduler.Result{Queued: n, Detail: fmt.Sprintf("%d digests", n)}, err
			}},
		{Name: KindPaymentOverdue, Schedule: scheduler.Daily{At: t.OverdueAt, Location: loc},
			Run: func(ctx context.Context, run scheduler.Run) (scheduler.Result, error) {
				n, err := r.OverduePayments(ctx, day(run))
				return scheduler.Result{Queued: n, Detail: fmt.Sprintf("%d notices", n)}, err
			}},
		{Name: "payment_changes", Schedule: scheduler.Every{Interval: t.PaymentScan, Location: loc},
			Run: func(ctx context.Context, run scheduler.Run) (scheduler.Result, error) {
				n, err := r.PaymentChanges(ctx, run.Now)
				return scheduler.Result{Queued: n, Detail: fmt.Sprintf("%d notices", n)}, err
			}},
		{Name: "scheduler_prune", Schedule: scheduler.Daily{At: pruneAt, Location: loc},
			Run: func(ctx context.Context, run scheduler.Run) (scheduler.Result, error) {
				n, err := s.Prune(ctx, run.Now.AddDate(0, 0, -90))
				return scheduler.Result{Detail: fmt.Sprintf("%d old runs deleted", n)}, err
			}},
	}
	for _, j := range jobs {
		if err := s.Register(j); err != nil {
			return err
		}
	}
	return nil
}
