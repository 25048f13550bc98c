package scheduler_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var (
	quiet    = slog.New(slog.NewTextHandler(io.Discard, nil))
	shanghai = time.FixedZone("CST", 8*3600)
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func newScheduler(t *testing.T, db *model.DB, store kv.Store, holder string, now func() time.Time) *scheduler.Scheduler {
	t.Helper()
	s, err := scheduler.New(scheduler.Deps{DB: db, KV: store, Logger: quiet},
		scheduler.Options{Holder: holder, Tick: 20 * time.Millisecond, LeaderTTL: 300 * time.Millisecond, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// counter is a job that counts its runs and can be told to fail.
type counter struct {
	runs atomic.Int32
	fail atomic.Bool
	keys sync.Map
}

func (c *counter) job(name string, sch scheduler.Schedule) scheduler.Job {
	return scheduler.Job{Name: name, Schedule: sch, Run: func(ctx context.Context, r scheduler.Run) (scheduler.Result, error) {
		c.runs.Add(1)
		c.keys.Store(r.Key, true)
		if c.fail.Load() {
			return scheduler.Result{}, errors.New("the job broke")
		}
		return scheduler.Result{Queued: 3, Detail: "three"}, nil
	}}
}

func daily(at string) scheduler.Daily {
	c, _ := config.ParseClock(at)
	return scheduler.Daily{At: c, Location: shanghai}
}

func TestRunsOncePerKey(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 5, 4, 7, 0, 0, 0, shanghai)}
		a := newScheduler(t, db, kv.NewMemory(), "a", clk.Now)
		b := newScheduler(t, db, kv.NewMemory(), "b", clk.Now)
		var c counter
		for _, s := range []*scheduler.Scheduler{a, b} {
			if err := s.Register(c.job("digest", daily("07:30"))); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			name string
			at   time.Time
			runs int32
		}{
			{"before the hour", time.Date(2026, 5, 4, 7, 29, 0, 0, shanghai), 0},
			{"at the hour", time.Date(2026, 5, 4, 7, 30, 0, 0, shanghai), 1},
			{"again the same day", time.Date(2026, 5, 4, 12, 0, 0, 0, shanghai), 1},
			{"the next day before the hour", time.Date(2026, 5, 5, 6, 0, 0, 0, shanghai), 1},
			{"the next day", time.Date(2026, 5, 5, 9, 0, 0, 0, shanghai), 2},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				clk.Set(st.at)
				a.RunDue(ctx)
				b.RunDue(ctx)
				if got := c.runs.Load(); got != st.runs {
					t.Fatalf("%d runs, want %d", got, st.runs)
				}
			})
		}
		var rows []model.SchedulerRun
		db.Order("run_key").Find(&rows)
		if len(rows) != 2 || rows[0].RunKey != "2026-05-04" || rows[0].Status != model.RunDone || rows[0].Queued != 3 || rows[1].RunKey != "2026-05-05" {
			t.Fatalf("runs recorded: %+v", rows)
		}
		if err := a.Register(c.job("digest", daily("08:00"))); err == nil {
			t.Error("a second job of the same name was registered")
		}
	})
}

func TestEverySlotsAndKeys(t *testing.T) {
	e := scheduler.Every{Interval: 5 * time.Minute, Location: shanghai}
	k1, at1, _ := e.Due(time.Date(2026, 5, 4, 10, 7, 30, 0, shanghai))
	k2, _, _ := e.Due(time.Date(2026, 5, 4, 10, 9, 59, 0, shanghai))
	k3, _, _ := e.Due(time.Date(2026, 5, 4, 10, 10, 0, 0, shanghai))
	if k1 != "2026-05-04T10:05" || k1 != k2 || k3 != "2026-05-04T10:10" || !at1.Equal(time.Date(2026, 5, 4, 10, 5, 0, 0, shanghai)) {
		t.Fatalf("keys %s %s %s, due %s", k1, k2, k3, at1)
	}
}

func TestCrashedRunIsTakenOver(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, shanghai)}
		s := newScheduler(t, db, kv.NewMemory(), "survivor", clk.Now)
		var c counter
		s.Register(c.job("overdue", daily("08:00")))
		now := clk.Now().UTC()
		db.Create(&model.SchedulerRun{Job: "overdue", RunKey: "2026-05-04", Status: model.RunRunning, Holder: "crashed",
			Attempts: 1, LeaseUntil: now.Add(time.Minute), StartedAt: now.Add(-time.Minute), CreatedAt: now, UpdatedAt: now})
		s.RunDue(ctx)
		if c.runs.Load() != 0 {
			t.Fatal("took over a run whose holder's lease has not ended")
		}
		clk.Set(clk.Now().Add(2 * time.Minute))
		s.RunDue(ctx)
		var r model.SchedulerRun
		db.Where("job = ?", "overdue").Take(&r)
		if c.runs.Load() != 1 || r.Status != model.RunDone || r.Holder != "survivor" || r.Attempts != 2 {
			t.Fatalf("after the lease ended: %d runs, row %+v", c.runs.Load(), r)
		}
	})
}

func TestFailedRunIsRetriedWithBackoff(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, shanghai)}
		s := newScheduler(t, db, kv.NewMemory(), "a", clk.Now)
		var c counter
		c.fail.Store(true)
		s.Register(c.job("payments", daily("08:00")))
		out := s.RunDue(ctx)
		if len(out) != 1 || out[0].Err == nil || !out[0].Ran {
			t.Fatalf("outcome %+v", out)
		}
		var r model.SchedulerRun
		db.Take(&r)
		if r.Status != model.RunFailed || !strings.Contains(r.Detail, "the job broke") {
			t.Fatalf("row %+v", r)
		}
		s.RunDue(ctx)
		if c.runs.Load() != 1 {
			t.Fatal("a failed run was retried at once")
		}
		c.fail.Store(false)
		clk.Set(clk.Now().Add(61 * time.Second))
		s.RunDue(ctx)
		db.Take(&r)
		if c.runs.Load() != 2 || r.Status != model.RunDone || r.Attempts != 2 {
			t.Fatalf("after the backoff: %d runs, row %+v", c.runs.Load(), r)
		}
	})
}

func TestPanickingJobIsAFailedRun(t *testing.T) {
	db := modeltest.SQLite(t)
	s := newScheduler(t, db, kv.NewMemory(), "a", time.Now)
	s.Register(scheduler.Job{Name: "boom", Schedule: scheduler.Every{Interval: time.Hour, Location: shanghai},
		Run: func(context.Context, scheduler.Run) (scheduler.Result, error) { panic("nil map") }})
	out := s.RunDue(context.Background())
	if len(out) != 1 || out[0].Err == nil || !strings.Contains(out[0].Err.Error(), "panicked") {
		t.Fatalf("outcome %+v", out)
	}
}

// TestOneLeaderAtATime runs two schedulers' loops on one database (their
// election through the leases table) and on one Redis (through a lock).
func TestOneLeaderAtATime(t *testing.T) {
	t.Run("database lease", func(t *testing.T) {
		modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
			oneLeader(t, db, kv.NewMemory(), kv.NewMemory())
		})
	})
	t.Run("redis lock", func(t *testing.T) {
		c := kvtest.Client(t)
		p := kvtest.Prefix(t, c)
		oneLeader(t, modeltest.SQLite(t), kv.NewRedis(c, p), kv.NewRedis(c, p))
	})
}

// oneLeader runs two schedulers' loops: one leads, the other waits, and
// takes over at once when the first stops.
func oneLeader(t *testing.T, db *model.DB, storeA, storeB kv.Store) {
	a := newScheduler(t, db, storeA, "a", time.Now)
	b := newScheduler(t, db, storeB, "b", time.Now)
	var c counter
	for _, s := range []*scheduler.Scheduler{a, b} {
		s.Register(c.job("hourly", scheduler.Every{Interval: time.Hour, Location: shanghai}))
	}
	ctxA, stopA := context.WithCancel(context.Background())
	doneA := make(chan error, 1)
	go func() { doneA <- a.Run(ctxA) }()
	waitFor(t, "a to lead", a.Leading)
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	doneB := make(chan error, 1)
	go func() { doneB <- b.Run(ctxB) }()
	time.Sleep(200 * time.Millisecond)
	if b.Leading() {
		t.Fatal("two leaders at once")
	}
	stopA()
	select {
	case <-doneA:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	waitFor(t, "b to take over", b.Leading)
	if n := c.runs.Load(); n != 1 {
		t.Fatalf("the hourly job ran %d times under two leaders, want once", n)
	}
	stopB()
	<-doneB
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelStopsARunningJob(t *testing.T) {
	db := modeltest.SQLite(t)
	s := newScheduler(t, db, kv.NewMemory(), "a", time.Now)
	started := make(chan struct{})
	s.Register(scheduler.Job{Name: "slow", Schedule: scheduler.Every{Interval: time.Hour, Location: shanghai},
		Run: func(ctx context.Context, _ scheduler.Run) (scheduler.Result, error) {
			close(started)
			<-ctx.Done()
			return scheduler.Result{}, ctx.Err()
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	var r model.SchedulerRun
	db.Take(&r)
	if r.Status != model.RunFailed || r.LeaseUntil.After(time.Now()) {
		t.Fatalf("an interrupted run is %s until %s, want failed and due again at once", r.Status, r.LeaseUntil)
	}
}
