package matching

import (
	"container/heap"
	"context"
	"slices"
	"sort"
)

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
// score (a perfect skill fit, or none when the worker names no skills),
// and, best bound first, postings are read whole (with their tags) and
// scored exactly until no bound left can beat the limit-th score. The
// result is exactly the top of a full scoring, having read whole and
// ordered only a few postings.
func (e *Engine) RecommendFor(ctx context.Context, p Profile, limit int) ([]Scored, error) {
	if limit <= 0 {
		return nil, nil
	}
	now, today := e.now(), e.Today()
	w := p.Worker()
	var bounds candHeap
	err := e.postingCandidates(ctx, p, today, func(c *Posting) {
		pf, ok := MatchPlace(p.Places, p.Home, c.RegionCode)
		if !ok {
			return
		}
		kf, ok := KindFitOf(p.Kinds, p.Capacity, c.Kind)
		if !ok || !Eligible(e.o.Params, w, *c, today) {
			return
		}
		f := Fit{Place: pf, Kind: kf}
		bounds = append(bounds, cand{place: pf.Place, kind: kf, key: bound(e.o.Params, w, *c, f, now),
			at: c.PublishedAt.UnixMilli(), id: c.ID})
	}, func() { bounds = bounds[:0] })
	if err != nil {
		return nil, err
	}
	heap.Init(&bounds) // best bound on top; ordering all of them would cost more than the few popped
	var top []cand     // best exact score first, at most limit
	posts := map[int64]Posting{}
	for size := firstTagBatch; bounds.Len() > 0; size *= 2 {
		if len(top) == limit && top[limit-1].key > bounds[0].key {
			break // nothing left can make the list
		}
		batch := make([]cand, 0, min(size, bounds.Len()))
		for len(batch) < size && bounds.Len() > 0 {
			batch = append(batch, heap.Pop(&bounds).(cand))
		}
		ids := make([]int64, len(batch))
		for k, c := range batch {
			ids[k] = c.id
		}
		read, err := e.loadPostings(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range batch {
			post, ok := read[c.id]
			if !ok || !Eligible(e.o.Params, w, post, today) {
				continue // gone or changed since the candidates were read
			}
			posts[c.id] = post
			c.key = rate(e.o.Params, w, post, Fit{Place: PlaceFit{Place: c.place}, Kind: c.kind}, now)
			if len(top) == limit && !c.before(top[limit-1]) {
				continue
			}
			at := sort.Search(len(top), func(k int) bool { return c.before(top[k]) })
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
		r := Score(e.o.Params, w, posts[c.id], Fit{Place: PlaceFit{Place: c.place, Name: names[c.place]}, Kind: c.kind}, now)
		res[k] = Scored{JobID: c.id, Score: r.Score, Reasons: r.Reasons}
	}
	return res, nil
}

// cand is a candidate posting in RecommendFor: its bound, then its exact
// score, in key.
type cand struct {
	place, kind string
	key         float64
	at, id      int64 // published (Unix ms) and id: equal keys go newer first, then higher id
}

// before orders candidates: higher key, then newer, then higher id.
func (a cand) before(b cand) bool {
	if a.key != b.key {
		return a.key > b.key
	}
	if a.at != b.at {
		return a.at > b.at
	}
	return a.id > b.id
}

// candHeap has the candidate that comes first on top.
type candHeap []cand

func (h candHeap) Len() int           { return len(h) }
func (h candHeap) Less(i, j int) bool { return h[i].before(h[j]) }
func (h candHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)        { *h = append(*h, x.(cand)) }
func (h *candHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
