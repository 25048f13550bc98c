package reminders

import (
	"github.com/xiangbang/xiangbang/service/matching"

	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

// The jobs below run logic other services own; each is registered with one
// call once that service exists, through a small interface of what the job
// needs from it.

// ReportEscalator escalates cases (问题反映, 自主申报) past their deadlines and
// queues the notices that go with it; a second call at the same instant
// does nothing. service/report's EscalateOverdue.
type ReportEscalator interface {
	EscalateOverdue(ctx context.Context, now time.Time) (int, error)
}

// RegisterReportDeadlines runs the escalation every interval.
func RegisterReportDeadlines(s *scheduler.Scheduler, e ReportEscalator, every time.Duration, loc *time.Location) error {
	return s.Register(scheduler.Job{Name: "report_deadlines", Schedule: scheduler.Every{Interval: every, Location: loc},
		Run: func(ctx context.Context, r scheduler.Run) (scheduler.Result, error) {
			n, err := e.EscalateOverdue(ctx, r.Now)
			return scheduler.Result{Detail: fmt.Sprintf("%d cases escalated", n)}, err
		}})
}

// FlagRecomputer recomputes every household's and village's risk flags
// over the whole deployment and queues a notice per flag newly raised to
// the households' cadres. service/risk's whole-scope recompute.
type FlagRecomputer interface {
	RecomputeFlags(ctx context.Context, now time.Time) (raised int, err error)
}

// RegisterRiskFlags runs the recompute daily at a local time (before the
// morning digest, so the digest's day starts from fresh flags).
func RegisterRiskFlags(s *scheduler.Scheduler, f FlagRecomputer, at config.Clock, loc *time.Location) error {
	return s.Register(scheduler.Job{Name: "risk_flags", Schedule: scheduler.Daily{At: at, Location: loc},
		Run: func(ctx context.Context, r scheduler.Run) (scheduler.Result, error) {
			n, err := f.RecomputeFlags(ctx, r.Now)
			return scheduler.Result{Queued: n, Detail: fmt.Sprintf("%d flags raised", n)}, err
		}})
}

// WorkerMatch is a worker a posting suits, best first.
type WorkerMatch = matching.WorkerMatch

// JobMatcher finds the workers a posting suits (service/matching's Engine).
type JobMatcher interface {
	MatchWorkers(ctx context.Context, jobID int64, limit int) ([]WorkerMatch, error)
}

// jobOpen is jobs.status of a posting taking applicants.
const jobOpen = "open"

// jobMark is the watermark of JobMatches: the last publication time seen.
const jobMark = "job_matches"

// jobSettle is how long a posting may take to commit after its
// published_at: postings newer than this wait for the next scan, so one
// whose transaction is still open is not passed over.
const jobSettle = 2 * time.Minute

// JobMatches tells workers about postings published since the last scan,
// batched per worker: one message naming the best posting and how many
// more there are, whatever the number of postings. The notices and the
// watermark commit together, so a run that dies queues nothing and the
// next one covers the same postings.
func (r *Reminders) JobMatches(ctx context.Context, m JobMatcher, now time.Time, perJob int) (int, error) {
	db := r.db.WithContext(ctx)
	from := now.Add(-r.o.PaymentLookback)
	var mark []model.SchedulerMark
	if err := db.Where("name = ?", jobMark).Limit(1).Find(&mark).Error; err != nil {
		return 0, err
	}
	if len(mark) == 1 {
		from = mark[0].Mark
	}
	to := now.Add(-jobSettle).UTC().Truncate(time.Millisecond)
	if !to.After(from) {
		return 0, nil
	}
	var jobs []model.Job
	if err := db.Where("status = ? AND published_at > ? AND published_at <= ?", jobOpen, from.UTC(), to).
		Order("published_at, id").Find(&jobs).Error; err != nil {
		return 0, err
	}
	type pick struct {
		job   model.Job
		score int
		why   string
	}
	perWorker := map[int64][]pick{}
	for _, j := range jobs {
		matches, err := m.MatchWorkers(ctx, j.ID, perJob)
		if err != nil {
			return 0, fmt.Errorf("reminders: matching posting %d: %w", j.ID, err)
		}
		for _, w := range matches {
			why := ""
			if len(w.Reasons) > 0 {
				why = w.Reasons[0]
			}
			perWorker[w.UserID] = append(perWorker[w.UserID], pick{job: j, score: w.Score, why: why})
		}
	}
	var notices []push.UserNotice
	for uid, picks := range perWorker {
		sort.SliceStable(picks, func(a, b int) bool { return picks[a].score > picks[b].score })
		ids := make([]string, len(picks))
		for i, p := range picks {
			ids[i] = fmt.Sprint(p.job.ID)
		}
		sort.Strings(ids)
		h := fnv.New64a()
		h.Write([]byte(strings.Join(ids, ",")))
		best := picks[0]
		remark := best.why
		if len(picks) > 1 {
			remark = fmt.Sprintf("另有%d个新岗位适合您", len(picks)-1)
		}
		notices = append(notices, push.UserNotice{UserID: uid, Notice: push.Notice{
			Kind:      push.KindJobMatch,
			DedupeKey: fmt.Sprintf("job_match:u%d:%016x", uid, h.Sum64()),
			Data: map[string]string{"title": "新岗位推荐", "job": best.job.Title, "place": best.job.Employer,
				"wage": wageText(best.job), "remark": remark, "count": fmt.Sprint(len(picks)), "job_id": fmt.Sprint(best.job.ID)},
			Page: fmt.Sprintf("pages/jobs/detail?id=%d", best.job.ID),
		}})
	}
	sort.Slice(notices, func(a, b int) bool { return notices[a].UserID < notices[b].UserID })
	queued := 0
	err := r.db.Tx(ctx, func(tx *model.DB) error {
		n, err := push.EnqueueUsers(ctx, tx, notices)
		if err != nil {
			return err
		}
		queued = n
		return tx.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).
			Create(&model.SchedulerMark{Name: jobMark, Mark: to, UpdatedAt: now.UTC()}).Error
	})
	return queued, err
}

func wageText(j model.Job) string {
	unit := map[string]string{"month": "月", "day": "天", "piece": "件"}[j.WageUnit]
	if unit == "" {
		unit = j.WageUnit
	}
	if j.WageMinFen == j.WageMaxFen {
		return fmt.Sprintf("%d元/%s", j.WageMinFen/100, unit)
	}
	return fmt.Sprintf("%d-%d元/%s", j.WageMinFen/100, j.WageMaxFen/100, unit)
}

// RegisterJobMatches runs JobMatches every interval, telling each posting
// to at most perJob workers.
func (r *Reminders) RegisterJobMatches(s *scheduler.Scheduler, m JobMatcher, every time.Duration, perJob int) error {
	return s.Register(scheduler.Job{Name: "job_matches", Schedule: scheduler.Every{Interval: every, Location: r.o.Location},
		Run: func(ctx context.Context, run scheduler.Run) (scheduler.Result, error) {
			n, err := r.JobMatches(ctx, m, run.Now, perJob)
			return scheduler.Result{Queued: n}, err
		}})
}
