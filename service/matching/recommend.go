package matching

import (
	"container/heap"
	"context"
	"slices"
	"sort"
	"strings"
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

// firstTagBatch is how many postings without tags in the index
// RecommendFor reads whole first; each further read takes twice as many.
const firstTagBatch = 32

// RecommendFor is Recommend for a profile already loaded. Candidates are
// read from idx_jobs_match, which carries everything scoring needs, and
// scored as they stream past, keeping only the best limit. Rows whose tags
// the index does not carry (written by an import that left tag_key unset)
// get the most they could score instead, and, best first, are read whole
// and scored until none left could make the list. Either way the result is
// exactly the top of a full scoring.
func (e *Engine) RecommendFor(ctx context.Context, p Profile, limit int) ([]Scored, error) {
	if limit <= 0 {
		return nil, nil
	}
	now, today := e.now(), e.Today()
	w := p.Worker()
	var top []cand // best first, at most limit
	var bounds candHeap
	offer := func(c cand, post *Posting) {
		if len(top) == limit && !c.before(top[limit-1]) {
			return
		}
		kept := *post
		kept.RegionCode, kept.joinedTags = strings.Clone(post.RegionCode), strings.Clone(post.joinedTags)
		c.post = &kept
		at := sort.Search(len(top), func(k int) bool { return c.before(top[k]) })
		top = slices.Insert(top, at, c)
		top = top[:min(len(top), limit)]
	}
	err := e.postingCandidates(ctx, p, today, func(post *Posting) {
		pf, ok := MatchPlace(p.Places, p.Home, post.RegionCode)
		if !ok {
			return
		}
		kf, ok := KindFitOf(p.Kinds, p.Capacity, post.Kind)
		if !ok || !Eligible(e.o.Params, w, *post, today) {
			return
		}
		f := Fit{Place: pf, Kind: kf}
		c := cand{place: pf.Place, kind: kf, at: post.PublishedAt.UnixMilli(), id: post.ID}
		if post.tagsUnknown {
			c.key = bound(e.o.Params, w, *post, f, now)
			bounds = append(bounds, c)
			return
		}
		c.key = rate(e.o.Params, w, *post, f, now)
		offer(c, post)
	}, func() { top, bounds = top[:0], bounds[:0] })
	if err != nil {
		return nil, err
	}
	heap.Init(&bounds) // best bound on top; ordering them all would cost more than the few popped
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
			c.key = rate(e.o.Params, w, post, Fit{Place: PlaceFit{Place: c.place}, Kind: c.kind}, now)
			offer(c, &post)
		}
	}
	names, err := e.placeNames(ctx, p.Places)
	if err != nil {
		return nil, err
	}
	res := make([]Scored, len(top))
	for k, c := range top {
		r := Score(e.o.Params, w, *c.post, Fit{Place: PlaceFit{Place: c.place, Name: names[c.place]}, Kind: c.kind}, now)
		res[k] = Scored{JobID: c.id, Score: r.Score, Reasons: r.Reasons}
	}
	return res, nil
}

// cand is a candidate posting in RecommendFor: its exact score, or its
// bound until it is read whole, in key.
type cand struct {
	post        *Posting // once kept in the list
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
