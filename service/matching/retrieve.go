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

// postingCandidates are the open, valid, unfilled postings of the kinds the
// worker takes in the places they go, that their capacity and age allow:
// at most MaxCandidates, newest first.
func (e *Engine) postingCandidates(ctx context.Context, p Profile, today model.Date) ([]Posting, error) {
	var kinds []string
	for k := range p.kindsTaken() {
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	from := today
	if !p.AvailableFrom.IsZero() && today.Before(p.AvailableFrom) {
		from = p.AvailableFrom
	}
	where, args := regionRanges("region_code", p.Places, p.Home)
	q := `SELECT id, kind, region_code, wage_min_fen, wage_max_fen, wage_unit, headcount, filled, skill_tags,
		physical_demand, age_min, age_max, published_at, valid_until
		FROM jobs WHERE status = ? AND kind IN ? AND ` + where + ` AND valid_until >= ? AND valid_from <= ? AND filled < headcount`
	all := append([]any{model.JobOpen, kinds}, args...)
	all = append(all, from, today)
	if weakLabour(p.Capacity) {
		q += " AND physical_demand <> ?"
		all = append(all, model.DemandHeavy)
	}
	if p.BirthYear > 0 {
		age := today.Year - p.BirthYear
		q += " AND (age_min IS NULL OR age_min <= ?) AND (age_max IS NULL OR age_max >= ?)"
		all = append(all, age, age)
	}
	q += " ORDER BY published_at DESC, id DESC LIMIT ?"
	all = append(all, e.o.MaxCandidates)
	rows, err := e.db.WithContext(ctx).Raw(q, all...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Posting
	for rows.Next() {
		var c Posting
		var tags string
		var ageMin, ageMax sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Kind, &c.RegionCode, &c.WageMinFen, &c.WageMaxFen, &c.WageUnit, &c.Headcount,
			&c.Filled, &tags, &c.Demand, &ageMin, &ageMax, &c.PublishedAt, &c.ValidUntil); err != nil {
			return nil, err
		}
		c.AgeMin, c.AgeMax = int(ageMin.Int64), int(ageMax.Int64)
		if c.Tags, err = parseTags(tags); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// workerCandidate is one row of the matching index read for a posting.
type workerCandidate struct {
	profileID, userID int64
	place, kindFit    string
	worker            Worker
}

// workerCandidates reads the index rows of workers who take the posting's
// kind and go to its place: keys that are a prefix of its region, and keys
// of places left behind that it is not in. Heavy work reads full labour only.
func (e *Engine) workerCandidates(ctx context.Context, post Posting) ([]workerCandidate, error) {
	cols := `SELECT place_key, profile_id, user_id, home_region, capacity, kind_fit, min_wage_fen, wage_unit,
		available_from, birth_year, skills FROM job_profile_targets WHERE kind = ? AND `
	capacity, capArgs := "", []any{}
	if post.Demand == model.DemandHeavy {
		capacity, capArgs = " AND capacity = ?", []any{model.CapacityFull}
	}
	r := post.RegionCode
	inside := cols + "place_key IN ?" + capacity
	outside := cols + "place_key LIKE ? AND place_key NOT IN ?" + capacity
	args := append([]any{post.Kind, keysCovering(r)}, capArgs...)
	args = append(args, post.Kind, "!%", []string{"!" + r[:6], "!" + r[:2]})
	args = append(args, capArgs...)
	rows, err := e.db.WithContext(ctx).Raw(inside+" UNION ALL "+outside, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workerCandidate
	var key, home, skills string
	var avail model.Date
	for rows.Next() {
		var c workerCandidate
		if err := rows.Scan(&key, &c.profileID, &c.userID, &home, &c.worker.Capacity, &c.kindFit, &c.worker.MinWageFen,
			&c.worker.WageUnit, &avail, &c.worker.BirthYear, &skills); err != nil {
			return nil, err
		}
		c.worker.AvailableFrom = avail
		c.place = placeOfKey(key, home)
		if skills != "" {
			c.worker.Skills = strings.Split(skills, "|")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// placeOfKey turns an index key back into the place it stands for.
func placeOfKey(key, home string) string {
	if len(home) != 12 {
		return key
	}
	switch {
	case key == "!"+home[:6]:
		return PlaceOutsideCounty
	case key == "!"+home[:2]:
		return PlaceOutsideProvince
	case key == home[:9]:
		return PlaceLocal
	case key == home[:6]:
		return PlaceCounty
	}
	return key // a region prefix the worker named; names are looked up by prefix
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
