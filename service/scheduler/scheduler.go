// Package scheduler runs named jobs on schedules, on one instance at a
// time: instances elect a leader (a lock in Redis, or a lease row in the
// database without Redis), and the leader runs each job once per run key
// (a day, or a slot), recorded in scheduler_runs. A run that crashed is
// taken over when its lease ends; a run that failed is tried again with
// backoff; a run that is done is never repeated. Jobs themselves must be
// safe to run twice (the push outbox's dedupe keys make them so): the run
// keys keep them from running twice in the ordinary course, the dedupe
// keys keep a rerun after a crash from sending anything twice.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/kv"
)

// Job is a named piece of scheduled work.
type Job struct {
	Name     string // stable: run keys are recorded under it
	Schedule Schedule
	Run      func(ctx context.Context, r Run) (Result, error)
}

// Run is one run of a job.
type Run struct {
	Key string    // the run key: 2026-05-04, or 2026-05-04T10:05
	Due time.Time // when it was due
	Now time.Time // when it started
}

// Result is what a run did, recorded with it.
type Result struct {
	Queued int    // messages queued
	Detail string // a line for people
}

// Deps are what a Scheduler needs; New refuses missing ones.
type Deps struct {
	DB      *model.DB
	KV      kv.Store // when shared (Redis), the leader lock lives there
	Logger  *slog.Logger
	Metrics prometheus.Registerer // optional
}

// Options tune a Scheduler.
type Options struct {
	Holder      string        // this instance's name; default host-pid-random
	Tick        time.Duration // how often the leader looks for due runs; default 15s
	LeaderTTL   time.Duration // how long leadership lasts without renewal; default 45s
	RunLease    time.Duration // how long a run stays ours without renewal; default 2m
	MaxAttempts int           // tries of a failing run before it waits for the next key; default 5
	Now         func() time.Time
}

// Scheduler runs jobs.
type Scheduler struct {
	db     *model.DB
	log    *slog.Logger
	o      Options
	now    func() time.Time
	leader leader

	mu   sync.Mutex
	jobs []Job

	runs    *prometheus.CounterVec
	leading prometheus.Gauge
	leads   atomic.Bool
}

// New returns a scheduler; Register jobs, then Run it.
func New(d Deps, o Options) (*Scheduler, error) {
	if d.DB == nil || d.KV == nil || d.Logger == nil {
		return nil, errors.New("scheduler: New needs DB, KV and Logger")
	}
	if o.Holder == "" {
		o.Holder = holderName()
	}
	if o.Tick <= 0 {
		o.Tick = 15 * time.Second
	}
	if o.LeaderTTL <= 0 {
		o.LeaderTTL = 3 * o.Tick
	}
	if o.RunLease <= 0 {
		o.RunLease = 2 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Scheduler{db: d.DB, log: d.Logger.With("component", "scheduler"), o: o, now: o.Now,
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "xiangbang_scheduler_runs_total", Help: "Scheduled job runs by job and outcome (done, failed).",
		}, []string{"job", "outcome"}),
		leading: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "xiangbang_scheduler_leader", Help: "1 while this instance is the scheduler's leader.",
		}),
	}
	if d.KV.Shared() {
		s.leader = &kvLeader{store: d.KV, key: "scheduler:leader", holder: []byte(o.Holder)}
	} else {
		s.leader = &dbLeader{db: d.DB, name: "scheduler", holder: o.Holder, now: o.Now}
	}
	if d.Metrics != nil {
		d.Metrics.MustRegister(s.runs, s.leading)
	}
	return s, nil
}

func holderName() string {
	host, _ := os.Hostname()
	if len(host) > 32 {
		host = host[:32]
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register adds a job. Names are unique.
func (s *Scheduler) Register(j Job) error {
	if j.Name == "" || len(j.Name) > 64 || j.Schedule == nil || j.Run == nil {
		return fmt.Errorf("scheduler: job %q needs a name (up to 64 characters), a schedule and a run", j.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.jobs {
		if have.Name == j.Name {
			return fmt.Errorf("scheduler: job %q registered twice", j.Name)
		}
	}
	s.jobs = append(s.jobs, j)
	return nil
}

// Jobs lists the registered jobs by name.
func (s *Scheduler) Jobs() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Job(nil), s.jobs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Run takes part in the election until ctx ends, running due jobs while
// this instance leads. On stop it gives up the leadership at once.
func (s *Scheduler) Run(ctx context.Context) error {
	names := []string{}
	for _, j := range s.Jobs() {
		names = append(names, j.Name+" ("+j.Schedule.String()+")")
	}
	s.log.Info("scheduler started", "holder", s.o.Holder, "election", s.leader.kind(), "jobs", names)
	bg := context.WithoutCancel(ctx)
	leading := false
	defer func() {
		if leading {
			rctx, cancel := context.WithTimeout(bg, 5*time.Second)
			s.leader.release(rctx)
			cancel()
			s.leading.Set(0)
			s.leads.Store(false)
			s.log.Info("scheduler: gave up the leadership", "holder", s.o.Holder)
		}
	}()
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	for {
		hctx, cancel := context.WithTimeout(bg, s.o.Tick)
		ok, err := s.leader.hold(hctx, s.o.LeaderTTL)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("scheduler: leader election failed", "err", err)
		case ok != leading:
			leading = ok
			s.leads.Store(ok)
			if ok {
				s.leading.Set(1)
				s.log.Info("scheduler: this instance leads", "holder", s.o.Holder)
			} else {
				s.leading.Set(0)
				s.log.Warn("scheduler: lost the leadership", "holder", s.o.Holder)
			}
		}
		if leading && ctx.Err() == nil {
			s.RunDue(ctx)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Leading reports whether this instance leads now.
func (s *Scheduler) Leading() bool { return s.leads.Load() }

// Holder is this instance's name in the election and in runs.
func (s *Scheduler) Holder() string { return s.o.Holder }

// Outcome is what RunDue did with one job.
type Outcome struct {
	Job    string
	Key    string
	Ran    bool // false: not due, done already, or another holder's
	Result Result
	Err    error
}

// RunDue runs every job whose current run is due and not done, one after
// another, and reports what happened. Leadership is Run's business: call
// RunDue directly only where one caller is certain (tests, the CLI).
func (s *Scheduler) RunDue(ctx context.Context) []Outcome {
	var out []Outcome
	for _, j := range s.Jobs() {
		if ctx.Err() != nil {
			break
		}
		now := s.now()
		key, due, ok := j.Schedule.Due(now)
		if !ok {
			continue
		}
		o := s.runOnce(ctx, j, Run{Key: key, Due: due, Now: now})
		out = append(out, o)
	}
	return out
}
