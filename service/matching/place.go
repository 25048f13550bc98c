package matching

import (
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// Place tokens a worker may name besides region codes (DOMAIN.md: 赴县外、
// 县城周边产业园区、本地灵活就业). Each is read against the worker's home village.
const (
	PlaceLocal           = "local"            // 本地: the home township
	PlaceCounty          = "county"           // 县城周边: anywhere in the home county
	PlaceOutsideCounty   = "outside_county"   // 县外: anywhere outside the home county, other provinces included
	PlaceOutsideProvince = "outside_province" // 省外: anywhere outside the home province
)

// PlaceNames are the tokens' Chinese names.
var PlaceNames = map[string]string{
	PlaceLocal:           "本地（本乡镇）",
	PlaceCounty:          "县城周边（本县）",
	PlaceOutsideCounty:   "县外",
	PlaceOutsideProvince: "省外",
}

// placeAliases are the words the mini-program or a person may send for a token.
var placeAliases = map[string]string{
	"本地": PlaceLocal, "本乡镇": PlaceLocal, "就近": PlaceLocal,
	"县城周边": PlaceCounty, "本县": PlaceCounty, "县内": PlaceCounty, "县城": PlaceCounty,
	"县外": PlaceOutsideCounty, "省外": PlaceOutsideProvince,
}

// ParsePlace reads a place token (English or Chinese) or a 12-digit region
// code; it reports false for anything else. Whether a code is on file is
// the caller's check.
func ParsePlace(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if _, ok := PlaceNames[s]; ok {
		return s, true
	}
	if t, ok := placeAliases[s]; ok {
		return t, true
	}
	if model.ValidRegionCode(s) && model.RegionLevelOf(s) > 0 {
		return s, true
	}
	return "", false
}

// IsRegionPlace reports whether a parsed place is a region code.
func IsRegionPlace(p string) bool { return len(p) == 12 }

// regionPrefix is the significant prefix of a 12-digit code: 440300000000 → 4403.
func regionPrefix(code string) string { return model.RegionPrefix(code, model.RegionLevelOf(code)) }

// placeKey is the matching-index key of a place for a worker living in home:
// a region prefix the worker goes to, or "!" and a prefix they will leave.
// Tokens need a 12-digit home; without one they match nothing ("").
func placeKey(place, home string) string {
	if !IsRegionPlace(place) && !model.ValidRegionCode(home) {
		return ""
	}
	switch place {
	case PlaceLocal:
		return home[:9]
	case PlaceCounty:
		return home[:6]
	case PlaceOutsideCounty:
		return "!" + home[:6]
	case PlaceOutsideProvince:
		return "!" + home[:2]
	}
	return regionPrefix(place)
}

// keysCovering are the index keys whose prefix a posting's region falls
// in: the region's prefixes at every level.
func keysCovering(region string) []string {
	return []string{region[:2], region[:4], region[:6], region[:9], region}
}

// PlaceFit is how a posting's place meets a worker's wishes.
type PlaceFit struct {
	Place string // the token or region code that matched
	Name  string // the region's name, for region places
}

// placeRank orders fits: nearer and named places first.
func placeRank(p string) int {
	switch p {
	case PlaceLocal:
		return 4
	case PlaceCounty:
		return 2
	case PlaceOutsideCounty, PlaceOutsideProvince:
		return 1
	}
	return 3 // a region the worker named
}

// within reports whether a posting in region lies in the worker's place
// (as placeKey says, without building the key).
func within(place, home, region string) bool {
	if IsRegionPlace(place) {
		return strings.HasPrefix(region, regionPrefix(place))
	}
	if !model.ValidRegionCode(home) {
		return false
	}
	switch place {
	case PlaceLocal:
		return strings.HasPrefix(region, home[:9])
	case PlaceCounty:
		return strings.HasPrefix(region, home[:6])
	case PlaceOutsideCounty:
		return !strings.HasPrefix(region, home[:6])
	case PlaceOutsideProvince:
		return !strings.HasPrefix(region, home[:2])
	}
	return false
}

// MatchPlace returns the best of the worker's places that a posting in
// region lies in, or false when it lies in none.
func MatchPlace(places []string, home, region string) (PlaceFit, bool) {
	best, found := "", false
	for _, p := range places {
		if within(p, home, region) && (!found || placeRank(p) > placeRank(best)) {
			best, found = p, true
		}
	}
	return PlaceFit{Place: best}, found
}

// nextPrefix is the smallest digit string above every string starting with
// p ("419901" → "419902", "4199" → "4200"); "" when p is all nines.
func nextPrefix(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}
