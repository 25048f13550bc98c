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

// Warm loads the board of open postings now rather than on the first
// recommendation; serve runs it at start.
func (e *Engine) Warm(ctx context.Context) error {
	_, err := e.board.current(ctx, e.db, e.Today())
	return err
}

// RecommendFor is Recommend for a profile already loaded. The candidates
// are the postings on the board (board.go) in the worker's places, of the
// kinds they take, that pass the hard rules; each is scored without
// reasons as it is walked and only the best limit are kept, so the cost
// grows with the candidates and memory with limit. Past MaxCandidates
// candidates only the newest are scored. The reasons are made for the
// ones returned.
func (e *Engine) RecommendFor(ctx context.Context, p Profile, limit int) ([]Scored, error) {
	if limit <= 0 {
		return nil, nil
	}
	now, today := e.now(), e.Today()
	snap, err := e.board.current(ctx, e.db, today)
	if err != nil {
		return nil, err
	}
	w := p.Worker()
	top := make([]cand, 0, limit) // best first
	offer := func(en *entry, pf PlaceFit, kind string) {
		c := cand{en: en, place: pf.Place, kind: kind, key: rate(&e.o.Params, &w, &en.Posting, Fit{Place: pf, Kind: kind}, now)}
		if len(top) == limit && !c.before(top[limit-1]) {
			return
		}
		at := sort.Search(len(top), func(k int) bool { return c.before(top[k]) })
		top = slices.Insert(top, at, c)
		top = top[:min(len(top), limit)]
	}
	n := 0
	snap.candidates(&e.o.Params, p, &w, today, func(en *entry, pf PlaceFit, kind string) {
		n++
		offer(en, pf, kind)
	})
	if n > e.o.MaxCandidates { // rare: only the newest are scored
		all := make([]cand, 0, n)
		snap.candidates(&e.o.Params, p, &w, today, func(en *entry, pf PlaceFit, kind string) {
			all = append(all, cand{en: en, place: pf.Place, kind: kind})
		})
		slices.SortFunc(all, func(a, b cand) int {
			if c := cmp.Compare(b.en.at, a.en.at); c != 0 {
				return c
			}
			return cmp.Compare(b.en.ID, a.en.ID)
		})
		top = top[:0]
		for _, c := range all[:e.o.MaxCandidates] {
			offer(c.en, PlaceFit{Place: c.place}, c.kind)
		}
	}
	names, err := e.placeNames(ctx, p.Places)
	if err != nil {
		return nil, err
	}
	res := make([]Scored, len(top))
	for k, c := range top {
		r := Score(e.o.Params, w, c.en.Posting, Fit{Place: PlaceFit{Place: c.place, Name: names[c.place]}, Kind: c.kind}, now)
		res[k] = Scored{JobID: c.en.ID, Score: r.Score, Reasons: r.Reasons}
	}
	return res, nil
}

// cand is a candidate posting in RecommendFor with its score (in key).
type cand struct {
	en          *entry
	place, kind string
	key         float64
}

// before orders candidates: higher score, then newer, then higher id.
func (a cand) before(b cand) bool {
	if a.key != b.key {
		return a.key > b.key
	}
	if a.en.at != b.en.at {
		return a.en.at > b.en.at
	}
	return a.en.ID > b.en.ID
}
