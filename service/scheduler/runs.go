package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// runOnce claims the job's run for r.Key and, if it got it, runs it.
func (s *Scheduler) runOnce(ctx context.Context, j Job, r Run) Outcome {
	o := Outcome{Job: j.Name, Key: r.Key}
	id, err := s.claimRun(ctx, j.Name, r.Key)
	if err != nil {
		o.Err = err
		s.log.Warn("scheduler: could not claim a run", "job", j.Name, "key", r.Key, "err", err)
		return o
	}
	if id == 0 {
		return o
	}
	o.Ran = true
	s.log.Info("scheduler: running", "job", j.Name, "key", r.Key)
	started := time.Now()
	stop := s.keepRun(ctx, id)
	res, err := s.safeRun(ctx, j, r)
	stop()
	o.Result, o.Err = res, err
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := s.finishRun(bg, id, res, err); ferr != nil {
		s.log.Error("scheduler: could not record a run's end", "job", j.Name, "key", r.Key, "err", ferr)
	}
	if err != nil {
		s.runs.WithLabelValues(j.Name, model.RunFailed).Inc()
		s.log.Error("scheduler: run failed", "job", j.Name, "key", r.Key, "took", time.Since(started).Round(time.Millisecond), "err", err)
		return o
	}
	s.runs.WithLabelValues(j.Name, model.RunDone).Inc()
	s.log.Info("scheduler: run done", "job", j.Name, "key", r.Key, "queued", res.Queued, "detail", res.Detail,
		"took", time.Since(started).Round(time.Millisecond))
	return o
}

// safeRun turns a panicking job into a failed run rather than a dead
// scheduler.
func (s *Scheduler) safeRun(ctx context.Context, j Job, r Run) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return j.Run(ctx, r)
}

// claimRun makes the run of (job, key) this instance's, returning its row
// id, or 0 when the run is done, under way elsewhere, or failed too often.
// A new key inserts a row (the unique key lets one insert win); a run
// whose holder's lease ended, or that failed and has waited out its
// backoff, is taken with a conditional update.
func (s *Scheduler) claimRun(ctx context.Context, job, key string) (int64, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	db := s.db.WithContext(ctx)
	row := model.SchedulerRun{Job: job, RunKey: key, Status: model.RunRunning, Holder: s.o.Holder, Attempts: 1,
		LeaseUntil: now.Add(s.o.RunLease), StartedAt: now, CreatedAt: now, UpdatedAt: now}
	var have model.SchedulerRun
	err := db.Where("job = ? AND run_key = ?", job, key).Take(&have).Error
	switch {
	case model.IsNotFound(err):
		err = db.Create(&row).Error
		if err == nil {
			return row.ID, nil
		}
		if !model.IsDuplicate(err) {
			return 0, err
		}
		return 0, nil // another instance made it first
	case err != nil:
		return 0, err
	}
	if have.Status == model.RunDone || (have.Status == model.RunFailed && have.Attempts >= s.o.MaxAttempts) {
		return 0, nil
	}
	res := db.Exec(`UPDATE scheduler_runs SET status = ?, holder = ?, attempts = attempts + 1, lease_until = ?, started_at = ?, updated_at = ?
		WHERE id = ? AND status <> ? AND lease_until < ? AND attempts < ?`,
		model.RunRunning, s.o.Holder, now.Add(s.o.RunLease), now, now, have.ID, model.RunDone, now, s.o.MaxAttempts)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return have.ID, nil
}

// keepRun renews the run's lease while it runs; the returned func stops.
func (s *Scheduler) keepRun(ctx context.Context, id int64) func() {
	done, stopped := make(chan struct{}), make(chan struct{})
	bg := context.WithoutCancel(ctx)
	go func() {
		defer close(stopped)
		t := time.NewTicker(s.o.RunLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				now := s.now().UTC().Truncate(time.Millisecond)
				if err := s.db.WithContext(bg).Exec("UPDATE scheduler_runs SET lease_until = ? WHERE id = ? AND holder = ? AND status = ?",
					now.Add(s.o.RunLease), id, s.o.Holder, model.RunRunning).Error; err != nil {
					s.log.Warn("scheduler: renewing a run's lease failed", "run", id, "err", err)
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// finishRun records the end: done, or failed with a backoff before the
// next try (lease_until is then "not before").
func (s *Scheduler) finishRun(ctx context.Context, id int64, res Result, runErr error) error {
	now := s.now().UTC().Truncate(time.Millisecond)
	status, detail, next := model.RunDone, res.Detail, now
	if runErr != nil {
		var attempts int
		if err := s.db.WithContext(ctx).Model(&model.SchedulerRun{}).Where("id = ?", id).Pluck("attempts", &attempts).Error; err != nil {
			return err
		}
		status, detail = model.RunFailed, runErr.Error()
		if !errors.Is(runErr, context.Canceled) { // a stop is no reason to wait
			next = now.Add(time.Minute << min(attempts-1, 6))
		}
	}
	if len(detail) > 255 {
		detail = detail[:252] + "..."
	}
	return s.db.WithContext(ctx).Exec(`UPDATE scheduler_runs SET status = ?, queued = ?, detail = ?, lease_until = ?, finished_at = ?, updated_at = ?
		WHERE id = ? AND holder = ?`, status, res.Queued, detail, next, now, now, id, s.o.Holder).Error
}

// RunSummary is the latest run of a job, for `push status`.
type RunSummary struct {
	Job        string
	Schedule   string
	Key        string
	Status     string
	Attempts   int
	Queued     int
	Detail     string
	StartedAt  time.Time
	FinishedAt *time.Time
}

// Latest returns each registered job's most recent run (Key empty: never ran).
func (s *Scheduler) Latest(ctx context.Context) ([]RunSummary, error) {
	var out []RunSummary
	for _, j := range s.Jobs() {
		var r []model.SchedulerRun
		if err := s.db.WithContext(ctx).Where("job = ?", j.Name).Order("started_at DESC, id DESC").Limit(1).Find(&r).Error; err != nil {
			return nil, err
		}
		sum := RunSummary{Job: j.Name, Schedule: j.Schedule.String()}
		if len(r) == 1 {
			sum.Key, sum.Status, sum.Attempts, sum.Queued, sum.Detail = r[0].RunKey, r[0].Status, r[0].Attempts, r[0].Queued, r[0].Detail
			sum.StartedAt, sum.FinishedAt = r[0].StartedAt, r[0].FinishedAt
		}
		out = append(out, sum)
	}
	return out, nil
}

// Prune deletes runs started before cutoff: interval jobs add hundreds a
// day, and a run older than its key's period matters to no one.
func (s *Scheduler) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM scheduler_runs WHERE started_at < ? AND status <> ?", cutoff.UTC(), model.RunRunning)
	return res.RowsAffected, res.Error
}
