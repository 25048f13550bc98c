package matching

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// LoadProfile reads the job profile of a WeChat user, with the member's
// year of birth.
func LoadProfile(ctx context.Context, db *model.DB, userID int64) (Profile, error) {
	var m model.JobProfile
	if err := db.WithContext(ctx).Where("user_id = ?", userID).Take(&m).Error; err != nil {
		if model.IsNotFound(err) {
			return Profile{}, ErrNoProfile
		}
		return Profile{}, err
	}
	year := 0
	if m.MemberID != nil {
		var mem model.Member
		if err := db.WithContext(ctx).Select("id", "birth_date").Take(&mem, *m.MemberID).Error; err != nil && !model.IsNotFound(err) {
			return Profile{}, err
		}
		year = mem.BirthDate.Year
	}
	return ProfileFrom(m, year)
}

// PostingFrom reads a stored job as scoring sees it.
func PostingFrom(j model.Job) (Posting, error) {
	p := Posting{
		ID: j.ID, Kind: j.Kind, RegionCode: j.RegionCode, WageMinFen: j.WageMinFen, WageMaxFen: j.WageMaxFen,
		WageUnit: j.WageUnit, Headcount: j.Headcount, Filled: j.Filled, Demand: j.PhysicalDemand,
		PublishedAt: j.PublishedAt, ValidUntil: j.ValidUntil,
	}
	if j.AgeMin != nil {
		p.AgeMin = *j.AgeMin
	}
	if j.AgeMax != nil {
		p.AgeMax = *j.AgeMax
	}
	var err error
	p.Tags, err = parseTags(j.SkillTags)
	return p, err
}

// parseTags reads a skill_tags JSON array. Tags never hold quotes or
// backslashes, so the common case splits the text without the JSON
// decoder; anything unusual goes through it.
func parseTags(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" || s == "null" {
		return nil, nil
	}
	if strings.HasPrefix(s, `["`) && strings.HasSuffix(s, `"]`) && !strings.Contains(s, `\`) {
		return strings.Split(s[2:len(s)-2], `","`), nil
	}
	var out []string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// regionRanges is the SQL condition on col for the worker's places, as
// ranges an index on col can seek: a prefix is a LIKE 'p%', a place left
// behind (县外, 省外) the two ranges either side of its prefix.
func regionRanges(col string, places []string, home string) (string, []any) {
	var conds []string
	var args []any
	seen := map[string]bool{}
	for _, pl := range places {
		key := placeKey(pl, home)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		if !strings.HasPrefix(key, "!") {
			conds = append(conds, col+" LIKE ?")
			args = append(args, key+"%")
			continue
		}
		prefix := key[1:]
		if next := nextPrefix(prefix); next != "" {
			conds = append(conds, "("+col+" < ? OR "+col+" >= ?)")
			args = append(args, prefix, next)
		} else {
			conds = append(conds, col+" < ?")
			args = append(args, prefix)
		}
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// postingColumns are the columns candidate postings are read with, packed;
// the tags come last (they hold '|'), a NULL tag_key as a '"', which no
// tag holds.
var postingColumns = []string{"id", "kind", "region_code", "wage_min_fen", "wage_max_fen", "wage_unit", "headcount",
	"filled", "physical_demand", "age_min", "age_max", "published_at", "valid_until", `COALESCE(tag_key, '"')`}

// postingCandidates hands each to the open, valid, unfilled postings of
// the kinds the worker takes in the places they go (local kinds only in
// their county) that their capacity, wage wish and age allow: at most
// MaxCandidates, the newest past that (then reset is called first, and the
// newest are handed over again). They are read from idx_jobs_match alone,
// without their skill tags; each's strings are views of the row.
func (e *Engine) postingCandidates(ctx context.Context, p Profile, today model.Date, each func(*Posting), reset func()) error {
	var kinds, local []string
	for k := range p.kindsTaken() {
		if LocalKind(k) {
			local = append(local, k)
		} else {
			kinds = append(kinds, k)
		}
	}
	where, args := regionRanges("region_code", p.Places, p.Home)
	var kindConds []string
	var all []any
	if len(kinds) > 0 {
		kindConds = append(kindConds, "kind IN ?")
		all = append(all, kinds)
	}
	if len(local) > 0 && model.ValidRegionCode(p.Home) {
		kindConds = append(kindConds, "(kind IN ? AND region_code LIKE ?)")
		all = append(all, local, p.Home[:6]+"%")
	}
	if len(kindConds) == 0 {
		return nil
	}
	from := today
	if !p.AvailableFrom.IsZero() && today.Before(p.AvailableFrom) {
		from = p.AvailableFrom
	}
	q := `SELECT ` + packed(e.db.Dialect, postingColumns...) + `
		FROM jobs WHERE status = ? AND (` + strings.Join(kindConds, " OR ") + `) AND ` + where +
		` AND valid_until >= ? AND valid_from <= ? AND filled < headcount`
	all = append([]any{model.JobOpen}, all...)
	all = append(all, args...)
	all = append(all, from, today)
	if weakLabour(p.Capacity) {
		q += " AND physical_demand <> ?"
		all = append(all, model.DemandHeavy)
	}
	if wish, ok := monthly(e.o.Params, p.MinWageFen, p.WageUnit); ok && wish > 0 { // as WagesMeet
		q += " AND (wage_unit NOT IN ? OR (wage_unit = ? AND wage_max_fen >= ?) OR (wage_unit = ? AND wage_max_fen * ? >= ?))"
		all = append(all, []string{model.WageMonth, model.WageDay}, model.WageMonth, wish, model.WageDay, e.o.Params.WorkDaysMonth, wish)
	}
	if p.BirthYear > 0 {
		age := today.Year - p.BirthYear
		q += " AND (age_min IS NULL OR age_min <= ?) AND (age_max IS NULL OR age_max >= ?)"
		all = append(all, age, age)
	}
	// Unsorted first: sorting thousands of candidates costs the database more than reading them.
	// Only when there are more than MaxCandidates are the newest kept, sorted.
	n, err := e.readPostings(ctx, each, q+" LIMIT ?", append(all, e.o.MaxCandidates+1)...)
	if err != nil || n <= e.o.MaxCandidates {
		return err
	}
	reset()
	_, err = e.readPostings(ctx, each, q+" ORDER BY published_at DESC, id DESC LIMIT ?", append(all, e.o.MaxCandidates)...)
	return err
}

// readPostings runs a query selecting postingColumns packed (and, when the
// query selects a second column, skill_tags) and hands each row to each;
// it returns how many there were. Strings are views of the row.
func (e *Engine) readPostings(ctx context.Context, each func(*Posting), q string, args ...any) (int, error) {
	text, err := sqlText(q, args...)
	if err != nil {
		return 0, err
	}
	rows, err := e.db.WithContext(ctx).Raw(text).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	var row, tags sql.RawBytes
	dest := []any{&row, &tags}[:len(cols)]
	var f [14][]byte
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		if err := unpack(row, f[:]); err != nil {
			return n, err
		}
		c := Posting{ID: atoi(f[0]), Kind: intern(f[1]), RegionCode: view(f[2]), WageMinFen: atoi(f[3]),
			WageMaxFen: atoi(f[4]), WageUnit: intern(f[5]), Headcount: int(atoi(f[6])), Filled: int(atoi(f[7])),
			Demand: intern(f[8]), AgeMin: int(atoi(f[9])), AgeMax: int(atoi(f[10])), ValidUntil: dateOf(f[12])}
		if c.PublishedAt, err = timeOf(f[11]); err != nil {
			return n, err
		}
		switch {
		case len(cols) > 1: // the skill_tags column too: the tags from there
			if c.Tags, err = parseTags(string(tags)); err != nil {
				return n, err
			}
		case string(f[13]) == `"`:
			c.tagsUnknown = true
		default:
			c.joinedTags = view(f[13])
		}
		n++
		each(&c)
	}
	return n, rows.Err()
}

// loadPostings reads postings by id with their skill tags, as scoring sees
// them (strings copied: they are kept).
func (e *Engine) loadPostings(ctx context.Context, ids []int64) (map[int64]Posting, error) {
	out := make(map[int64]Posting, len(ids))
	q := "SELECT " + packed(e.db.Dialect, postingColumns...) + ", skill_tags FROM jobs WHERE id IN ?"
	_, err := e.readPostings(ctx, func(p *Posting) {
		p.RegionCode = strings.Clone(p.RegionCode)
		out[p.ID] = *p
	}, q, ids)
	return out, err
}

// interned are the few words the index and the jobs table repeat on every
// row (kinds, units, capacities, fits, demands): read as the constants.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, w := range []string{model.WageMonth, model.WageDay, model.WagePiece, model.DemandLight, model.DemandMedium,
		model.DemandHeavy, model.CapacityFull, model.CapacityWeak, model.CapacityHalf, model.KindWanted, model.KindAny,
		model.KindPriority} {
		m[w] = w
	}
	for k := range model.JobKinds {
		m[k] = k
	}
	return m
}()

// intern returns the constant for b without allocating, or a copy.
func intern(b []byte) string {
	if s, ok := interned[string(b)]; ok { // the compiler does not allocate for this lookup
		return s
	}
	return string(b)
}

// placeNames are the names of the region codes among a worker's places.
func (e *Engine) placeNames(ctx context.Context, places []string) (map[string]string, error) {
	var codes []string
	for _, p := range places {
		if IsRegionPlace(p) {
			codes = append(codes, p)
		}
	}
	return e.regionNames(ctx, codes, func(code string) string { return code })
}

// prefixNames are the names of a posting region's prefixes at every level,
// keyed by prefix, for workers who named one of them.
func (e *Engine) prefixNames(ctx context.Context, region string) (map[string]string, error) {
	var codes []string
	for _, k := range keysCovering(region) {
		codes = append(codes, (k + "000000000000")[:12])
	}
	return e.regionNames(ctx, codes, regionPrefix)
}

func (e *Engine) regionNames(ctx context.Context, codes []string, key func(string) string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	var rs []model.Region
	if err := e.db.WithContext(ctx).Select("code", "name").Where("code IN ?", codes).Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[key(r.Code)] = r.Name
	}
	return out, nil
}
