package matching

import (
	"context"
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
