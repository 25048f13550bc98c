// Package matching is the job-matching engine: a pure scoring core (score.go:
// place, kind, skill, wage, freshness, headcount and capacity fits, with the
// reasons in words) and a retrieval layer that narrows candidates in SQL by
// open and valid, place, kind and capacity before scoring, so its cost grows
// with the candidates and not with the tables. Worker → postings reads the
// jobs table through idx_jobs_match; posting → workers reads the
// job_profile_targets index (index.go), kept in step with every profile.
package matching

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sort"
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
	db  *model.DB
	o   Options
	now func() time.Time
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
	return &Engine{db: db, o: o, now: o.Now}, nil
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

// Recommend returns up to limit open postings for the worker signed in as
// userID, best first, with scores and reasons.
func (e *Engine) Recommend(ctx context.Context, userID int64, limit int) ([]Scored, error) {
	p, err := LoadProfile(ctx, e.db, userID)
	if err != nil {
		return nil, err
	}
	return e.RecommendFor(ctx, p, limit)
}

// firstTagBatch is how many postings' skill tags RecommendFor reads
// first; each further read takes twice as many.
const firstTagBatch = 32

// RecommendFor is Recommend for a profile already loaded. Candidates come
// from the index without their skill tags; each gets the most it could
// score (a perfect skill fit), and, best bound first, postings have their
// tags read and are scored exactly until no bound left can beat the
// limit-th score. The result is exactly the top of a full scoring, having
// read the tags of few postings.
func (e *Engine) RecommendFor(ctx context.Context, p Profile, limit int) ([]Scored, error) {
	if limit <= 0 {
		return nil, nil
	}
	now, today := e.now(), e.Today()
	posts, err := e.postingCandidates(ctx, p, today)
	if err != nil {
		return nil, err
	}
	w := p.Worker()
	type cand struct {
		i          int // in posts
		f          Fit
		bound, raw float64
		at, id     int64 // published (Unix ms) and id: equal scores go newer first, then higher id
	}
	list := make([]cand, 0, len(posts))
	for i := range posts {
		c := &posts[i]
		pf, ok := MatchPlace(p.Places, p.Home, c.RegionCode)
		if !ok {
			continue
		}
		kf, ok := KindFitOf(p.Kinds, p.Capacity, c.Kind)
		if !ok || !Eligible(e.o.Params, w, *c, today) {
			continue
		}
		f := Fit{Place: pf, Kind: kf}
		list = append(list, cand{i: i, f: f, bound: bound(e.o.Params, w, *c, f, now), at: c.PublishedAt.UnixMilli(), id: c.ID})
	}
	order := func(x, y float64, a, b cand) int { // x and y first (descending), then newer, then higher id
		if x != y {
			return cmp.Compare(y, x)
		}
		if a.at != b.at {
			return cmp.Compare(b.at, a.at)
		}
		return cmp.Compare(b.id, a.id)
	}
	better := func(a, b cand) bool { return order(a.raw, b.raw, a, b) < 0 }
	slices.SortFunc(list, func(a, b cand) int { return order(a.bound, b.bound, a, b) })
	var top []cand // best first, at most limit
	for i, size := 0, firstTagBatch; i < len(list); i, size = i+size, size*2 {
		if len(top) == limit && top[limit-1].raw > list[i].bound {
			break // nothing further down can make the list
		}
		batch := list[i:min(i+size, len(list))]
		ids := make([]int64, len(batch))
		for k, c := range batch {
			ids[k] = posts[c.i].ID
		}
		tags, err := e.loadTags(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			posts[c.i].Tags = tags[posts[c.i].ID]
			c.raw = rate(e.o.Params, w, posts[c.i], c.f, now)
			if len(top) == limit && !better(c, top[limit-1]) {
				continue
			}
			at := sort.Search(len(top), func(k int) bool { return better(c, top[k]) })
			top = slices.Insert(top, at, c)
			top = top[:min(len(top), limit)]
		}
	}
	names, err := e.placeNames(ctx, p.Places)
	if err != nil {
		return nil, err
	}
	res := make([]Scored, len(top))
	for k, c := range top {
		c.f.Place.Name = names[c.f.Place.Place]
		r := Score(e.o.Params, w, posts[c.i], c.f, now)
		res[k] = Scored{JobID: posts[c.i].ID, Score: r.Score, Reasons: r.Reasons}
	}
	return res, nil
}

// WorkerMatch is a worker a posting suits.
type WorkerMatch struct {
	UserID    int64
	ProfileID int64
	Score     int
	Reasons   []string
}

// MatchWorkers returns up to limit workers open to offers whom the posting
// jobID suits (score at least Options.MinScore), best first. It is what a
// newly published posting's push (微信送岗) calls; it reads no personal data
// beyond the matching index and returns user ids to notify.
func (e *Engine) MatchWorkers(ctx context.Context, jobID int64, limit int) ([]WorkerMatch, error) {
	var j model.Job
	if err := e.db.WithContext(ctx).Take(&j, jobID).Error; err != nil {
		if model.IsNotFound(err) {
			return nil, apperr.Missing("岗位")
		}
		return nil, err
	}
	today := e.Today()
	if j.Status != model.JobOpen || j.ValidUntil.Before(today) || j.Filled >= j.Headcount {
		return nil, ErrJobNotOpen
	}
	post, err := PostingFrom(j)
	if err != nil {
		return nil, err
	}
	return e.matchWorkers(ctx, post, limit)
}

func (e *Engine) matchWorkers(ctx context.Context, post Posting, limit int) ([]WorkerMatch, error) {
	now, today := e.now(), e.Today()
	cands, err := e.workerCandidates(ctx, post)
	if err != nil {
		return nil, err
	}
	type rated struct {
		raw float64
		i   int // in cands
	}
	out := make([]rated, 0, len(cands))
	floor := float64(e.o.MinScore) / 100
	for i := range cands {
		c := &cands[i]
		if !Eligible(e.o.Params, c.worker, post, today) {
			continue
		}
		raw := rate(e.o.Params, c.worker, post, Fit{Place: PlaceFit{Place: c.place}, Kind: c.kindFit}, now)
		if raw >= floor-0.005 { // scores are shown rounded: 49.5 is 50
			out = append(out, rated{raw, i})
		}
	}
	slices.SortFunc(out, func(a, b rated) int {
		if a.raw != b.raw {
			return cmp.Compare(b.raw, a.raw)
		}
		return cmp.Compare(cands[a.i].profileID, cands[b.i].profileID)
	})
	// A profile matched through two places appears twice; its first, best, row counts.
	seen := make(map[int64]bool, min(limit, len(out)))
	picked := out[:0]
	for _, o := range out {
		if len(picked) == limit {
			break
		}
		if id := cands[o.i].profileID; !seen[id] {
			seen[id] = true
			picked = append(picked, o)
		}
	}
	out = picked
	names, err := e.prefixNames(ctx, post.RegionCode)
	if err != nil {
		return nil, err
	}
	res := make([]WorkerMatch, 0, len(out))
	for _, o := range out {
		c := cands[o.i]
		r := Score(e.o.Params, c.worker, post, Fit{Place: PlaceFit{Place: c.place, Name: names[c.place]}, Kind: c.kindFit}, now)
		if r.Score < e.o.MinScore {
			continue
		}
		res = append(res, WorkerMatch{UserID: c.userID, ProfileID: c.profileID, Score: r.Score, Reasons: r.Reasons})
	}
	return res, nil
}
