package reminders_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/reminders"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

// calls records the instants a hook was called at; it stands in for the
// report and risk services, which are built elsewhere.
type calls struct {
	mu  sync.Mutex
	ats []time.Time
}

func (c *calls) record(now time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ats = append(c.ats, now)
	return 2, nil
}

func (c *calls) EscalateOverdue(_ context.Context, now time.Time) (int, error) { return c.record(now) }
func (c *calls) RecomputeFlags(_ context.Context, now time.Time) (int, error)  { return c.record(now) }

func TestRegistrationPoints(t *testing.T) {
	db := modeltest.SQLite(t)
	now := time.Date(2026, 5, 4, 10, 7, 0, 0, shanghai)
	s, err := scheduler.New(scheduler.Deps{DB: db, KV: kv.NewMemory(), Logger: quiet},
		scheduler.Options{Holder: "a", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	var reports, flags calls
	at, _ := config.ParseClock("06:30")
	if err := reminders.RegisterReportDeadlines(s, &reports, 15*time.Minute, shanghai); err != nil {
		t.Fatal(err)
	}
	if err := reminders.RegisterRiskFlags(s, &flags, at, shanghai); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		s.RunDue(context.Background())
	}
	if len(reports.ats) != 1 || !reports.ats[0].Equal(now) || len(flags.ats) != 1 {
		t.Fatalf("after two looks in one slot: escalations at %v, recomputes at %v; want one each", reports.ats, flags.ats)
	}
	now = now.Add(15 * time.Minute)
	s.RunDue(context.Background())
	if len(reports.ats) != 2 || len(flags.ats) != 1 {
		t.Fatalf("the next slot: %d escalations and %d recomputes, want 2 and 1 (daily)", len(reports.ats), len(flags.ats))
	}
	runs, _ := s.Latest(context.Background())
	for _, r := range runs {
		if r.Status != "done" {
			t.Errorf("%s: %s %q", r.Job, r.Status, r.Detail)
		}
	}
}
