package matching

import (
	"container/heap"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

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
	if limit <= 0 {
		return nil, nil
	}
	now, today := e.now(), e.Today()
	floor := float64(e.o.MinScore)/100 - 0.005 // scores are shown rounded: 49.5 is 50
	top := newTopWorkers(limit)
	err := e.workerCandidates(ctx, post, func(c *workerCandidate) {
		if !eligible(&e.o.Params, &c.worker, &post, today) {
			return
		}
		raw := rate(&e.o.Params, &c.worker, &post, Fit{Place: PlaceFit{Place: c.place}, Kind: c.kindFit}, now)
		if raw >= floor {
			top.offer(raw, c)
		}
	})
	if err != nil {
		return nil, err
	}
	names, err := e.prefixNames(ctx, post.RegionCode)
	if err != nil {
		return nil, err
	}
	res := make([]WorkerMatch, 0, top.h.Len())
	for _, k := range top.best() {
		c := k.c
		r := Score(e.o.Params, c.worker, post, Fit{Place: PlaceFit{Place: c.place, Name: names[c.place]}, Kind: c.kindFit}, now)
		if r.Score < e.o.MinScore {
			continue
		}
		res = append(res, WorkerMatch{UserID: c.userID, ProfileID: c.profileID, Score: r.Score, Reasons: r.Reasons})
	}
	return res, nil
}

// topWorkers keeps the best candidates offered, at most limit and one per
// profile (a profile matched through two places is offered twice), in
// memory that does not grow with the candidates.
type topWorkers struct {
	limit int
	h     keptHeap // the worst kept at h[0]
	byID  map[int64]*kept
}

type kept struct {
	raw float64
	c   workerCandidate
	at  int // in the heap
}

func newTopWorkers(limit int) *topWorkers {
	return &topWorkers{limit: limit, byID: make(map[int64]*kept, min(limit, 4096))}
}

// worse orders kept candidates: lower score, then the higher profile id.
func worse(a, b *kept) bool {
	if a.raw != b.raw {
		return a.raw < b.raw
	}
	return a.c.profileID > b.c.profileID
}

// offer considers a candidate; c's strings may be views of the row being
// read, and are copied only if it is kept. The heap's worst only rises, so
// a profile's row that was dropped never beats a later row of it.
func (t *topWorkers) offer(raw float64, c *workerCandidate) {
	if k, ok := t.byID[c.profileID]; ok {
		if raw > k.raw {
			k.raw, k.c = raw, c.keep()
			heap.Fix(&t.h, k.at)
		}
		return
	}
	k := &kept{raw: raw, c: *c}
	if t.h.Len() == t.limit {
		if !worse(t.h[0], k) {
			return
		}
		delete(t.byID, heap.Pop(&t.h).(*kept).c.profileID)
	}
	k.c = c.keep()
	heap.Push(&t.h, k)
	t.byID[c.profileID] = k
}

// best returns the kept candidates, best first.
func (t *topWorkers) best() []*kept {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b *kept) int {
		if worse(b, a) {
			return -1
		}
		return 1
	})
	return out
}

// keptHeap is a min-heap of kept candidates by worse.
type keptHeap []*kept

func (h keptHeap) Len() int           { return len(h) }
func (h keptHeap) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h keptHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].at, h[j].at = i, j
}
func (h *keptHeap) Push(x any) { k := x.(*kept); k.at = len(*h); *h = append(*h, k) }
func (h *keptHeap) Pop() any {
	old := *h
	k := old[len(old)-1]
	*h = old[:len(old)-1]
	return k
}

// workerCandidate is one row of the matching index read for a posting.
type workerCandidate struct {
	profileID, userID int64
	place, kindFit    string
	worker            Worker
}

// keep copies the candidate's strings, which may be views of a row.
func (c *workerCandidate) keep() workerCandidate {
	k := *c
	k.place = strings.Clone(c.place)
	k.worker.Home = strings.Clone(c.worker.Home)
	k.worker.joined = strings.Clone(c.worker.joined)
	return k
}

// workerCandidates reads the index rows of workers who take the posting's
// kind and go to its place: keys that are a prefix of its region, and keys
// of places left behind that it is not in. Heavy work reads full labour
// only; local kinds of work people of the county only.
func (e *Engine) workerCandidates(ctx context.Context, post Posting, each func(*workerCandidate)) error {
	cols := `SELECT ` + packed(e.db.Dialect, "place_key", "profile_id", "user_id", "home_region", "capacity", "kind_fit",
		"min_wage_fen", "wage_unit", "available_from", "birth_year", "skills") + `
		FROM job_profile_targets WHERE kind = ? AND `
	r := post.RegionCode
	if !model.ValidRegionCode(r) {
		return fmt.Errorf("matching: posting %d has region %q", post.ID, r)
	}
	extra, extraArgs := "", []any{}
	if post.Demand == model.DemandHeavy {
		extra, extraArgs = " AND capacity = ?", []any{model.CapacityFull}
	}
	if hi, ok := monthly(&e.o.Params, post.WageMaxFen, post.WageUnit); ok { // as WagesMeet
		extra += " AND (min_wage_fen = 0 OR (wage_unit = ? AND min_wage_fen <= ?) OR (wage_unit = ? AND min_wage_fen * ? <= ?))"
		extraArgs = append(extraArgs, model.WageMonth, hi, model.WageDay, e.o.Params.WorkDaysMonth, hi)
	}
	inside := cols + "place_key IN ?" + extra
	args := append([]any{post.Kind, keysCovering(r)}, extraArgs...)
	if LocalKind(post.Kind) {
		inside += " AND home_region LIKE ?"
		args = append(args, r[:6]+"%")
	}
	if err := e.readWorkers(ctx, each, inside, args...); err != nil || LocalKind(post.Kind) {
		return err
	}
	// Two range scans of the primary key, one after the other (a UNION may be materialised).
	outside := cols + "place_key LIKE ? AND place_key NOT IN ?" + extra
	return e.readWorkers(ctx, each, outside, append([]any{post.Kind, "!%", []string{"!" + r[:6], "!" + r[:2]}}, extraArgs...)...)
}

// readWorkers runs a worker candidate query (columns as workerCandidates
// selects them) and hands each row to each. The candidate's strings are
// views of the row, valid only during the call.
func (e *Engine) readWorkers(ctx context.Context, each func(*workerCandidate), q string, args ...any) error {
	text, err := sqlText(q, args...)
	if err != nil {
		return err
	}
	rows, err := e.db.WithContext(ctx).Raw(text).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var row sql.RawBytes
	var f [11][]byte
	var c workerCandidate
	for rows.Next() {
		if err := rows.Scan(&row); err != nil {
			return err
		}
		if err := unpack(row, f[:]); err != nil {
			return err
		}
		home := view(f[3])
		c = workerCandidate{profileID: atoi(f[1]), userID: atoi(f[2]), place: placeOfKey(f[0], home), kindFit: intern(f[5]),
			worker: Worker{Home: home, Capacity: intern(f[4]), MinWageFen: atoi(f[6]), WageUnit: intern(f[7]),
				AvailableFrom: dateOf(f[8]), BirthYear: int(atoi(f[9])), joined: view(f[10])}}
		each(&c)
	}
	return rows.Err()
}

// placeOfKey turns an index key back into the place it stands for: a
// token, or a region prefix the worker named (names are looked up by prefix).
func placeOfKey(key []byte, home string) string {
	if len(home) == 12 {
		switch {
		case len(key) == 7 && key[0] == '!' && string(key[1:]) == home[:6]:
			return PlaceOutsideCounty
		case len(key) == 3 && key[0] == '!' && string(key[1:]) == home[:2]:
			return PlaceOutsideProvince
		case string(key) == home[:9]:
			return PlaceLocal
		case string(key) == home[:6]:
			return PlaceCounty
		}
	}
	return view(key)
}

// view is b as a string without copying: only for use while b is unchanged
// (a row until the next is read). Whatever is kept is copied (keep).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
