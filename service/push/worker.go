package push

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// Deps are what a Worker needs; NewWorker refuses missing ones.
type Deps struct {
	DB        *model.DB
	WeChat    *wechat.Client
	KV        kv.Store // rate limit and daily caps; Redis shares them between instances
	Templates *config.PushTemplates
	Logger    *slog.Logger
	Metrics   *Metrics // optional
}

// Options tune a Worker; OptionsFrom reads them from the configuration.
type Options struct {
	ID          string        // lease owner; default host-pid-random
	MaxAttempts int           // sends before a message is dead
	BackoffBase time.Duration // first retry wait, doubled each time
	BackoffMax  time.Duration
	Lease       time.Duration // how long claimed messages stay ours without renewal
	Concurrency int           // sends in flight
	Batch       int           // messages claimed at a time
	Poll        time.Duration // idle wait between looks for due messages
	AppRate     int           // sends per second per WeChat app, all instances together
	JobDailyCap int           // job-match messages per user per day
	CappedKinds []string      // kinds the daily cap counts; default job_match
	QuietHours  config.QuietHours
	Location    *time.Location // the zone of quiet hours and days
	Now         func() time.Time
}

// KindJobMatch is the kind of job-posting pushes, which the daily cap counts.
const KindJobMatch = "job_match"

// OptionsFrom builds Options from the configuration.
func OptionsFrom(c *config.Config) Options {
	return Options{MaxAttempts: c.PushMaxAttempts, BackoffBase: c.PushBackoffBase, BackoffMax: c.PushBackoffMax,
		Lease: c.PushLease, Concurrency: c.PushConcurrency, Batch: c.PushBatch, Poll: c.PushPoll, AppRate: c.PushAppRate,
		JobDailyCap: c.PushJobDailyCap, QuietHours: c.QuietHours(), Location: c.Location()}
}

// Worker sends the outbox's due messages through WeChat. Any number of
// workers, in one process or many, share one outbox.
type Worker struct {
	db      *model.DB
	wx      *wechat.Client
	kv      kv.Store
	tpl     *config.PushTemplates
	log     *slog.Logger
	m       *Metrics
	o       Options
	now     func() time.Time
	limiter *limiter
	capped  map[string]bool
}

// NewWorker returns a worker; Run it.
func NewWorker(d Deps, o Options) (*Worker, error) {
	if d.DB == nil || d.WeChat == nil || d.KV == nil || d.Templates == nil || d.Logger == nil {
		return nil, errors.New("push: NewWorker needs DB, WeChat, KV, Templates and Logger")
	}
	if o.MaxAttempts < 1 || o.BackoffBase <= 0 || o.BackoffMax < o.BackoffBase || o.Lease <= 0 ||
		o.Concurrency < 1 || o.Batch < 1 || o.Poll <= 0 || o.AppRate < 1 || o.JobDailyCap < 0 {
		return nil, fmt.Errorf("push: bad worker options %+v", o)
	}
	if o.ID == "" {
		o.ID = workerID()
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CappedKinds == nil {
		o.CappedKinds = []string{KindJobMatch}
	}
	w := &Worker{db: d.DB, wx: d.WeChat, kv: d.KV, tpl: d.Templates, log: d.Logger.With("component", "push"), m: d.Metrics,
		o: o, now: o.Now, capped: map[string]bool{}}
	for _, k := range o.CappedKinds {
		w.capped[k] = true
	}
	w.limiter = newLimiter(d.KV, float64(o.AppRate), w.log)
	return w, nil
}

// ID is the worker's lease owner name.
func (w *Worker) ID() string { return w.o.ID }

func workerID() string {
	host, _ := os.Hostname()
	if len(host) > 32 {
		host = host[:32]
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Run sends due messages until ctx ends. It keeps claiming while sends are
// in flight, so the pipe stays full; on stop it claims nothing more, lets
// the sends under way finish (a send cut off midway might have reached the
// user, and would then go twice), gives back what it had not started, and
// records every outcome.
func (w *Worker) Run(ctx context.Context) error {
	w.log.Info("push worker started", "worker", w.o.ID, "concurrency", w.o.Concurrency, "batch", w.o.Batch,
		"app_rate", w.o.AppRate, "lease", w.o.Lease)
	bg := context.WithoutCancel(ctx)
	rec := newRecorder(w, bg)
	hb := w.heartbeat(ctx, bg)
	sem := make(chan struct{}, w.o.Concurrency)
	var wg sync.WaitGroup
	for ctx.Err() == nil {
		if !rec.waitRoom(ctx, w.o.Concurrency) {
			break
		}
		batch, err := w.claimBatch(ctx, rec.busy())
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("push: claiming messages failed; trying again", "err", err)
			}
			sleep(ctx, w.o.Poll)
			continue
		}
		if len(batch.rows) == 0 {
			sleep(ctx, w.o.Poll)
			continue
		}
		rec.track(batch.rows)
		for i, row := range batch.rows {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, r := range batch.rows[i:] {
					rec.add(released(r))
				}
				goto stop
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				rec.add(w.handle(ctx, bg, batch, row))
			}()
		}
	}
stop:
	wg.Wait()
	rec.close()
	hb()
	w.log.Info("push worker stopped", "worker", w.o.ID)
	return ctx.Err()
}

// Drain handles due messages batch by batch until none is due, and
// returns how many it handled: for tests, benchmarks and `push drain`.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		batch, err := w.claimBatch(ctx, nil)
		if err != nil || len(batch.rows) == 0 {
			return total, err
		}
		outs := make([]outcome, len(batch.rows))
		sem := make(chan struct{}, w.o.Concurrency)
		var wg sync.WaitGroup
		for i, row := range batch.rows {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				outs[i] = w.handle(ctx, ctx, batch, row)
			}()
		}
		wg.Wait()
		if err := w.finish(ctx, outs); err != nil {
			return total, err
		}
		total += len(outs)
	}
}

// finish records outcomes and counts them.
func (w *Worker) finish(ctx context.Context, outs []outcome) error {
	lost, err := w.record(ctx, w.o.ID, outs)
	if err != nil {
		return err
	}
	if lost > 0 {
		w.log.Warn("push: leases lost before outcomes were recorded (another worker took the messages)", "count", lost)
	}
	for _, o := range outs {
		w.m.outcome(o.channel, o.label)
	}
	return nil
}

// heartbeat renews this worker's leases every third of a lease until ctx
// ends; the returned func stops it.
func (w *Worker) heartbeat(ctx, bg context.Context) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(w.o.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := w.extend(bg, w.o.ID); err != nil {
					w.log.Warn("push: renewing leases failed", "err", err)
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// released gives a claimed message back without counting an attempt.
func released(r model.OutboxMessage) outcome {
	return outcome{id: r.ID, label: OutcomeReleased, state: model.OutboxQueued, channel: r.Channel, openid: r.Openid,
		tmplKey: r.TemplateKey, lastErr: r.LastError, holdReason: r.HoldReason, uncount: true}
}
