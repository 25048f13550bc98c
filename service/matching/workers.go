package matching

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

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

// workerCandidate is one row of the matching index read for a posting.
type workerCandidate struct {
	profileID, userID int64
	place, kindFit    string
	worker            Worker
}

// workerCandidates reads the index rows of workers who take the posting's
// kind and go to its place: keys that are a prefix of its region, and keys
// of places left behind that it is not in. Heavy work reads full labour
// only; local kinds of work people of the county only.
func (e *Engine) workerCandidates(ctx context.Context, post Posting) ([]workerCandidate, error) {
	cols := `SELECT ` + packed(e.db.Dialect, "place_key", "profile_id", "user_id", "home_region", "capacity", "kind_fit",
		"min_wage_fen", "wage_unit", "available_from", "birth_year", "skills") + `
		FROM job_profile_targets WHERE kind = ? AND `
	r := post.RegionCode
	if !model.ValidRegionCode(r) {
		return nil, fmt.Errorf("matching: posting %d has region %q", post.ID, r)
	}
	extra, extraArgs := "", []any{}
	if post.Demand == model.DemandHeavy {
		extra, extraArgs = " AND capacity = ?", []any{model.CapacityFull}
	}
	if hi, ok := monthly(e.o.Params, post.WageMaxFen, post.WageUnit); ok { // as WagesMeet
		extra += " AND (min_wage_fen = 0 OR (wage_unit = ? AND min_wage_fen <= ?) OR (wage_unit = ? AND min_wage_fen * ? <= ?))"
		extraArgs = append(extraArgs, model.WageMonth, hi, model.WageDay, e.o.Params.WorkDaysMonth, hi)
	}
	inside := cols + "place_key IN ?" + extra
	args := append([]any{post.Kind, keysCovering(r)}, extraArgs...)
	if LocalKind(post.Kind) {
		inside += " AND home_region LIKE ?"
		args = append(args, r[:6]+"%")
	}
	out, err := e.readWorkers(ctx, nil, inside, args...)
	if err != nil || LocalKind(post.Kind) {
		return out, err
	}
	// Two range scans of the primary key, one after the other (a UNION may be materialised).
	outside := cols + "place_key LIKE ? AND place_key NOT IN ?" + extra
	return e.readWorkers(ctx, out, outside, append([]any{post.Kind, "!%", []string{"!" + r[:6], "!" + r[:2]}}, extraArgs...)...)
}

// readWorkers runs a worker candidate query (columns as workerCandidates
// selects them) and appends the rows to out.
func (e *Engine) readWorkers(ctx context.Context, out []workerCandidate, q string, args ...any) ([]workerCandidate, error) {
	text, err := sqlText(q, args...)
	if err != nil {
		return nil, err
	}
	rows, err := e.db.WithContext(ctx).Raw(text).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var row sql.RawBytes
	var f [11][]byte
	for rows.Next() {
		if err := rows.Scan(&row); err != nil {
			return nil, err
		}
		if err := unpack(row, f[:]); err != nil {
			return nil, err
		}
		home := string(f[3])
		c := workerCandidate{profileID: atoi(f[1]), userID: atoi(f[2]), place: placeOfKey(f[0], home), kindFit: intern(f[5]),
			worker: Worker{Home: home, Capacity: intern(f[4]), MinWageFen: atoi(f[6]), WageUnit: intern(f[7]),
				AvailableFrom: dateOf(f[8]), BirthYear: int(atoi(f[9])), joined: string(f[10])}}
		out = append(out, c)
	}
	return out, rows.Err()
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
	return string(key)
}
