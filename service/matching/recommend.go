package matching

import (
	"cmp"
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
