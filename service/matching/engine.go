// Package matching is the job-matching engine: a pure scoring core (score.go:
// place, kind, skill, wage, freshness, headcount and capacity fits, with the
// reasons in words) and a retrieval layer that narrows candidates by open
// and valid, place, kind and capacity before scoring, so its cost grows
// with the candidates and not with the tables. Worker → postings walks the
// open postings each instance holds in memory (board.go), kept fresh on
// every request by the jobs change counter; posting → workers reads the
// job_profile_targets index (index.go), kept in step with every profile.
package matching

import (
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Options configure the engine.
type Options struct {
	Params        Params
	MinScore      int              // MatchWorkers keeps workers scoring at least this
	MaxCandidates int              // most postings scored for one worker
	Location      *time.Location   // where "today" is judged (Asia/Shanghai)
	Now           func() time.Time // the clock; time.Now when nil
}

// Engine ranks postings for workers and workers for postings.
type Engine struct {
	db    *model.DB
	o     Options
	now   func() time.Time
	board *board // the open postings, for recommendations
}

// New builds the engine.
func New(db *model.DB, o Options) (*Engine, error) {
	if db == nil || o.Location == nil {
		return nil, errors.New("matching: New needs a database and a location")
	}
	if o.Params.Weights.Total() <= 0 || o.Params.WorkDaysMonth <= 0 || o.Params.FreshDays <= 0 || o.MaxCandidates <= 0 {
		return nil, errors.New("matching: weights, work days, fresh days and the candidate cap must be positive")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Engine{db: db, o: o, now: o.Now, board: &board{}}, nil
}

// Today is the date in the engine's location.
func (e *Engine) Today() model.Date { return model.DateOf(e.now().In(e.o.Location)) }

// Scored is a posting ranked for a worker.
type Scored struct {
	JobID   int64
	Score   int
	Reasons []string
}

// ErrNoProfile means the worker has not filled in a job profile yet.
var ErrNoProfile = apperr.New(apperr.NotFound, "job_profile_missing", "请先填写求职意向（会做什么、愿意去哪里、想找什么工作）")

// ErrJobNotOpen means the posting is closed, expired or full.
var ErrJobNotOpen = apperr.New(apperr.Conflict, "job_not_open", "该岗位已关闭、已过期或已招满")
