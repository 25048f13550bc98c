package matching

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/xiangbang/xiangbang/model"
)

// The board is the engine's copy of the open postings, in memory. Postings
// are few (tens of thousands at province scale) and change a few hundred
// times a day; recommendations are read all day long. Reading a broad
// worker's thousands of candidates from the database on every request
// cost 12–40 ms; walking them in memory costs a few.
//
// Fresh on every request, across instances: each request reads the jobs
// change counter (one primary-key row, model.JobsVersion). Every writer of
// postings bumps it and stamps the rows it wrote in the same transaction
// (model.MarkJobsChanged), so when it has moved the board reads just the
// rows stamped since (idx_jobs_change_seq) and swaps in a new snapshot. A
// change committed before a request starts is in that request's answer,
// whichever instance, importer or scheduler made it. Dates need no
// writer: postings not yet valid or past their end are held but skipped
// by the day of the request, and dropped the first request of a new day.

// entry is an open posting on the board: what scoring needs, and its dates
// as numbers. An entry never changes once a snapshot holds it: a changed
// posting gets a new entry, so a request keeps a consistent view.
type entry struct {
	Posting
	from, until int32 // valid_from and valid_until, yyyymmdd
	at          int64 // published_at, Unix ms: equal scores go newer first
}

// dayNum is a date as yyyymmdd, for comparing without time.Time.
func dayNum(d model.Date) int32 { return int32(d.Year*10000 + int(d.Month)*100 + d.Day) }

// snapshot is the board as one request sees it.
type snapshot struct {
	seq   int64               // the change counter it reflects
	day   int32               // postings that ended before this day are gone
	kinds map[string][]*entry // by kind, each sorted by region code, then id
	size  int
}

// board holds the current snapshot. Requests read it without a lock; one
// request at a time builds the next.
type board struct {
	mu   sync.Mutex       // one load or refresh at a time; guards byID
	byID map[int64]*entry // the entries of the current snapshot, by posting id
	snap atomic.Pointer[snapshot]
}

// current returns a snapshot that reflects every posting change committed
// before the call, loading or refreshing the board first when the change
// counter or the day has moved.
func (b *board) current(ctx context.Context, db *model.DB, today model.Date) (*snapshot, error) {
	v, err := model.JobsVersion(ctx, db)
	if err != nil {
		return nil, err
	}
	day := dayNum(today)
	if s := b.snap.Load(); s != nil && s.seq == v && s.day == day {
		return s, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// Read again under the lock: another request may have refreshed the
	// board meanwhile, and a counter below the board's means the table was
	// emptied or restored, which only a full load follows.
	if v, err = model.JobsVersion(ctx, db); err != nil {
		return nil, err
	}
	s := b.snap.Load()
	switch {
	case s == nil || v < s.seq:
		return b.load(ctx, db, v, today)
	case v > s.seq:
		if s, err = b.refresh(ctx, db, s, v); err != nil {
			return nil, err
		}
	}
	if s.day != day {
		s = b.dropEnded(s, day)
	}
	return s, nil
}

// load reads every open posting that has not ended: the rows of
// transactions committed before the counter was read at v are all there
// (and later ones perhaps too; they are read again on the next refresh).
func (b *board) load(ctx context.Context, db *model.DB, v int64, today model.Date) (*snapshot, error) {
	byID := map[int64]*entry{}
	q := "SELECT " + packed(db.Dialect, boardColumns...) + " FROM jobs WHERE status = ? AND valid_until >= ?"
	err := readEntries(ctx, db, func(en *entry, _ bool) { byID[en.ID] = en }, q, model.JobOpen, today)
	if err != nil {
		return nil, err
	}
	kinds := map[string][]*entry{}
	for _, en := range byID {
		kinds[en.Kind] = append(kinds[en.Kind], en)
	}
	for _, list := range kinds {
		slices.SortFunc(list, byRegion)
	}
	s := &snapshot{seq: v, day: dayNum(today), kinds: kinds, size: len(byID)}
	b.byID = byID
	b.snap.Store(s)
	return s, nil
}

// refresh applies the postings stamped after s.seq: changed ones replace
// their entries, closed, filled-in-full-or-not and ended ones alike are
// read again, and those no longer open leave the board.
func (b *board) refresh(ctx context.Context, db *model.DB, s *snapshot, v int64) (*snapshot, error) {
	type change struct {
		en   *entry
		open bool
	}
	var changes []change
	q := "SELECT " + packed(db.Dialect, boardColumns...) + " FROM jobs WHERE change_seq > ?"
	err := readEntries(ctx, db, func(en *entry, open bool) { changes = append(changes, change{en, open}) }, q, s.seq)
	if err != nil {
		return nil, err // the board is untouched: the next request tries again
	}
	removed := map[*entry]bool{}
	added := map[string][]*entry{}
	for _, c := range changes {
		if old := b.byID[c.en.ID]; old != nil {
			removed[old] = true
			added[old.Kind] = added[old.Kind] // the old kind's list is rebuilt too
			delete(b.byID, c.en.ID)
		}
		if c.open && c.en.until >= s.day {
			b.byID[c.en.ID] = c.en
			added[c.en.Kind] = append(added[c.en.Kind], c.en)
		}
	}
	kinds := make(map[string][]*entry, len(s.kinds)+1)
	for kind, list := range s.kinds {
		kinds[kind] = list
	}
	for kind, in := range added {
		kinds[kind] = merged(s.kinds[kind], removed, in)
	}
	next := &snapshot{seq: v, day: s.day, kinds: kinds, size: len(b.byID)}
	b.snap.Store(next)
	return next, nil
}

// merged is list without the removed entries and with in, sorted as list.
func merged(list []*entry, removed map[*entry]bool, in []*entry) []*entry {
	slices.SortFunc(in, byRegion)
	out := make([]*entry, 0, len(list)+len(in))
	for _, en := range list {
		if removed[en] {
			continue
		}
		for len(in) > 0 && byRegion(in[0], en) < 0 {
			out, in = append(out, in[0]), in[1:]
		}
		out = append(out, en)
	}
	return append(out, in...)
}

// dropEnded is s without the postings that ended before day.
func (b *board) dropEnded(s *snapshot, day int32) *snapshot {
	kinds := make(map[string][]*entry, len(s.kinds))
	for kind, list := range s.kinds {
		kept := make([]*entry, 0, len(list))
		for _, en := range list {
			if en.until >= day {
				kept = append(kept, en)
			} else {
				delete(b.byID, en.ID)
			}
		}
		kinds[kind] = kept
	}
	next := &snapshot{seq: s.seq, day: day, kinds: kinds, size: len(b.byID)}
	b.snap.Store(next)
	return next
}

// byRegion orders entries by region code, then id.
func byRegion(a, b *entry) int {
	if c := strings.Compare(a.RegionCode, b.RegionCode); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// boardColumns are what the board reads of a posting, packed; the skill
// tags (a JSON array, which may hold '|') come last.
var boardColumns = []string{"id", "kind", "region_code", "wage_min_fen", "wage_max_fen", "wage_unit", "headcount", "filled",
	"physical_demand", "age_min", "age_max", "published_at", "valid_from", "valid_until", "status", "skill_tags"}

// readEntries runs a query selecting boardColumns packed and hands each
// row to each as a new entry, with whether the posting is open.
func readEntries(ctx context.Context, db *model.DB, each func(en *entry, open bool), q string, args ...any) error {
	text, err := sqlText(q, args...)
	if err != nil {
		return err
	}
	rows, err := db.WithContext(ctx).Raw(text).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var row sql.RawBytes
	var f [16][]byte
	for rows.Next() {
		if err := rows.Scan(&row); err != nil {
			return err
		}
		if err := unpack(row, f[:]); err != nil {
			return err
		}
		en := &entry{Posting: Posting{ID: atoi(f[0]), Kind: intern(f[1]), RegionCode: string(f[2]), WageMinFen: atoi(f[3]),
			WageMaxFen: atoi(f[4]), WageUnit: intern(f[5]), Headcount: int(atoi(f[6])), Filled: int(atoi(f[7])),
			Demand: intern(f[8]), AgeMin: int(atoi(f[9])), AgeMax: int(atoi(f[10])), ValidUntil: dateOf(f[13])}}
		if en.PublishedAt, err = timeOf(f[11]); err != nil {
			return err
		}
		en.from, en.until, en.at = dayNum(dateOf(f[12])), dayNum(en.ValidUntil), en.PublishedAt.UnixMilli()
		// skill_tags is the truth (an import may leave tag_key unset or stale); kept '|'-joined
		// when no tag holds a '|', which scoring reads without splitting.
		tags, err := parseTags(string(f[15]))
		if err != nil {
			return err
		}
		if joined := strings.Join(tags, "|"); strings.Count(joined, "|") == max(len(tags)-1, 0) {
			en.joinedTags = joined
		} else {
			en.Tags = tags
		}
		each(en, string(f[14]) == model.JobOpen)
	}
	return rows.Err()
}

// candidates hands each the postings on the board that the worker could
// be shown today, with how they meet the worker's place and kind: open
// and valid today, of a kind the worker takes, in one of their places
// (local kinds only in their county), and passing every hard rule
// (Eligible). Only the stretches of each kind's list that lie in the
// worker's places are walked.
func (s *snapshot) candidates(prm *Params, p Profile, w *Worker, today model.Date, each func(en *entry, pf PlaceFit, kind string)) {
	day := dayNum(today)
	for kind, list := range s.kinds {
		if _, known := model.JobKinds[kind]; !known {
			continue
		}
		kf, ok := KindFitOf(p.Kinds, p.Capacity, kind)
		if !ok {
			continue
		}
		local := LocalKind(kind)
		if local && !model.ValidRegionCode(p.Home) {
			continue
		}
		for _, sp := range spans(list, p.Places, p.Home, local) {
			for _, en := range list[sp.lo:sp.hi] {
				if en.until < day || en.from > day {
					continue
				}
				pf, ok := MatchPlace(p.Places, p.Home, en.RegionCode)
				if !ok || !eligible(prm, w, &en.Posting, today) {
					continue
				}
				each(en, pf, kf)
			}
		}
	}
}

// span is a stretch [lo, hi) of a kind's list.
type span struct{ lo, hi int }

// spans are the stretches of list (sorted by region code) whose regions
// lie in one of the places, merged so none is walked twice: a prefix is
// one stretch, a place left behind (县外, 省外) the two either side of its
// prefix. Local kinds keep only the home county's stretch.
func spans(list []*entry, places []string, home string, local bool) []span {
	at := func(prefix string) int {
		i, _ := slices.BinarySearchFunc(list, prefix, func(en *entry, p string) int { return strings.Compare(en.RegionCode, p) })
		return i
	}
	upTo := func(prefix string) int { // the end of the prefix's stretch
		if next := nextPrefix(prefix); next != "" {
			return at(next)
		}
		return len(list)
	}
	var out []span
	for _, pl := range places {
		key := placeKey(pl, home)
		switch {
		case key == "":
		case strings.HasPrefix(key, "!"):
			out = append(out, span{0, at(key[1:])}, span{upTo(key[1:]), len(list)})
		default:
			out = append(out, span{at(key), upTo(key)})
		}
	}
	if local {
		county := span{at(home[:6]), upTo(home[:6])}
		for i, sp := range out {
			out[i] = span{max(sp.lo, county.lo), min(sp.hi, county.hi)}
		}
	}
	slices.SortFunc(out, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	merged := out[:0]
	for _, sp := range out {
		switch n := len(merged); {
		case sp.lo >= sp.hi:
		case n > 0 && sp.lo <= merged[n-1].hi:
			merged[n-1].hi = max(merged[n-1].hi, sp.hi)
		default:
			merged = append(merged, sp)
		}
	}
	return merged
}
