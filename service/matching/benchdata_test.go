package matching

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Synthetic data for the benchmarks: a province-scale deployment of 50
// home counties (4190dd-4199dd), 5 towns each, 10 villages a town; postings there
// and in four cities away (郑州 in the province, 深圳, 杭州, 苏州 outside).

var (
	benchTags   = []string{"普工", "流水线", "组装", "包装", "缝纫", "电焊", "建筑", "钢筋工", "小工", "驾驶", "叉车", "分拣", "仓储", "电工", "维修", "保洁", "家政", "厨师", "保安", "农活", "采摘", "养殖", "护林", "编织", "手工"}
	awayCities  = []string{"410100", "440300", "330100", "320500"}
	benchKinds  = []string{"migrant", "park", "workshop", "public_welfare", "work_relief", "gig"}
	kindWeights = []int{30, 20, 15, 15, 5, 15} // postings by kind, in percent
)

func benchCounty(r *rand.Rand) string {
	return fmt.Sprintf("41%02d%02d", 90+r.IntN(10), 1+r.IntN(5)) // cities 4190-4199: not real ones, and not 郑州
}

func benchVillage(r *rand.Rand, county string) string {
	return fmt.Sprintf("%s1%02d2%02d", county, r.IntN(5), r.IntN(10))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func someTags(r *rand.Rand, max int) []string {
	n := r.IntN(max + 1)
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		t := pick(r, benchTags)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func weighted(r *rand.Rand, xs []string, weights []int) string {
	n := r.IntN(100)
	for i, w := range weights {
		if n < w {
			return xs[i]
		}
		n -= w
	}
	return xs[len(xs)-1]
}

// insertRows writes rows with multi-row INSERTs of batch rows each.
func insertRows(tb testing.TB, db *model.DB, table string, cols []string, rows [][]any, batch int) {
	tb.Helper()
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var args []any
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(row+",", end-start), ",")
		if err := db.Exec(q, args...).Error; err != nil {
			tb.Fatalf("insert into %s: %v", table, err)
		}
	}
}

// loadPostings writes open postings with ids from firstID, published over
// the last 60 days and valid for up to 90 more. closed adds history:
// postings closed or past their end, which retrieval must not pay for.
func loadPostings(tb testing.TB, db *model.DB, r *rand.Rand, firstID, n int, history bool) {
	cols := []string{"id", "kind", "title", "employer", "region_code", "address", "wage_min_fen", "wage_max_fen", "wage_unit",
		"headcount", "filled", "skill_tags", "tag_key", "age_min", "age_max", "physical_demand", "benefits", "contact_name", "status",
		"valid_from", "valid_until", "published_at", "owner_region", "created_at", "updated_at"}
	rows := make([][]any, 0, n)
	for i := range n {
		kind := weighted(r, benchKinds, kindWeights)
		county := benchCounty(r)
		var region, unit string
		var lo int64
		switch kind {
		case "migrant":
			region = pick(r, awayCities)[:4] + fmt.Sprintf("%02d000000", r.IntN(10))
			unit, lo = "month", int64(400000+r.IntN(400000))
		case "park":
			region, unit, lo = county+"000000", "month", int64(250000+r.IntN(250000))
		case "public_welfare":
			region, unit, lo = benchVillage(r, county), "month", int64(50000+r.IntN(50000))
		case "work_relief":
			region, unit, lo = county+fmt.Sprintf("1%02d000", r.IntN(5)), "day", int64(12000+r.IntN(10000))
		default: // workshop, gig
			region = benchVillage(r, county)
			unit, lo = pick(r, []string{"month", "day", "piece"}), int64(10000+r.IntN(200000))
		}
		published := time.Now().UTC().Add(-time.Duration(r.IntN(60*24)) * time.Hour).Truncate(time.Millisecond)
		until := model.DateOf(time.Now().AddDate(0, 0, 1+r.IntN(90)))
		status := model.JobOpen
		if history {
			if r.IntN(2) == 0 {
				status = model.JobClosed
			} else {
				until = model.DateOf(time.Now().AddDate(0, 0, -1-r.IntN(300)))
			}
		}
		var ageMin, ageMax any
		if r.IntN(10) == 0 {
			ageMin, ageMax = 18, 45+r.IntN(20)
		}
		tagList := someTags(r, 3)
		tags, _ := json.Marshal(tagList)
		rows = append(rows, []any{
			firstID + i, kind, "岗位" + fmt.Sprint(firstID+i), "用工单位", region, "", lo, lo + int64(r.IntN(200000)), unit,
			1 + r.IntN(50), 0, string(tags), strings.Join(tagList, "|"), ageMin, ageMax, pick(r, []string{"light", "medium", "medium", "heavy"}), "{}", "",
			status, model.DateOf(published), until, published, county, published, published,
		})
	}
	insertRows(tb, db, "jobs", cols, rows, 1000)
}

// benchProfile draws one worker's profile, living in a home county.
func benchProfile(r *rand.Rand, id int64) Profile {
	home := benchVillage(r, benchCounty(r))
	p := Profile{ID: id, UserID: id, Home: home, Active: true, Capacity: model.CapacityFull, WageUnit: "month",
		Skills: someTags(r, 3), BirthYear: 1965 + r.IntN(40), MinWageFen: int64(200000 + r.IntN(400000))}
	if r.IntN(5) == 0 {
		p.Capacity = pick(r, []string{model.CapacityWeak, model.CapacityHalf})
	}
	switch n := r.IntN(100); {
	case n < 45:
		p.Places = []string{PlaceLocal, PlaceCounty}
	case n < 60:
		p.Places = []string{PlaceCounty}
	case n < 80:
		p.Places = []string{PlaceOutsideCounty}
	case n < 90:
		p.Places = []string{PlaceCounty, PlaceOutsideCounty}
	case n < 95:
		p.Places = []string{PlaceOutsideProvince}
	default:
		p.Places = []string{pick(r, awayCities) + "000000", PlaceCounty}
	}
	away := p.Places[0] != PlaceLocal && p.Places[0] != PlaceCounty
	switch {
	case p.Capacity != model.CapacityFull:
		p.Kinds = pick(r, [][]string{{"public_welfare", "workshop"}, {"gig"}, nil})
	case r.IntN(10) == 0:
		p.Kinds = nil // any kind
	default:
		seen := map[string]bool{}
		if away && r.IntN(5) > 0 {
			seen["migrant"] = true
			p.Kinds = append(p.Kinds, "migrant")
		}
		for range 1 + r.IntN(2) {
			k := pick(r, []string{"park", "gig", "workshop", "work_relief", "migrant"})
			if !seen[k] {
				seen[k] = true
				p.Kinds = append(p.Kinds, k)
			}
		}
	}
	if r.IntN(10) == 0 {
		p.AvailableFrom = model.DateOf(time.Now().AddDate(0, 0, r.IntN(60)))
	}
	return p
}

// loadProfiles writes n users with job profiles (ids 1..n) and their
// matching-index rows; it returns how many index rows it wrote.
func loadProfiles(tb testing.TB, db *model.DB, r *rand.Rand, n int) int {
	now := time.Now().UTC().Truncate(time.Millisecond)
	const chunk = 20000
	total := 0
	for start := 1; start <= n; start += chunk {
		var users, profiles, targets [][]any
		for id := int64(start); id < int64(min(start+chunk, n+1)); id++ {
			p := benchProfile(r, id)
			users = append(users, []any{id, fmt.Sprintf("bench-openid-%d", id), model.UserHousehold, now, now})
			skills, _ := json.Marshal(p.Skills)
			places, _ := json.Marshal(p.Places)
			kinds, _ := json.Marshal(orNil(p.Kinds))
			var avail any
			if !p.AvailableFrom.IsZero() {
				avail = p.AvailableFrom
			}
			profiles = append(profiles, []any{id, id, p.Home, string(skills), string(places), string(kinds), p.MinWageFen,
				p.WageUnit, avail, p.Capacity, true, now, now})
			for _, t := range Targets(p) {
				targets = append(targets, []any{t.Kind, t.PlaceKey, t.ProfileID, t.UserID, t.HomeRegion, t.Capacity, t.KindFit,
					t.MinWageFen, t.WageUnit, avail, t.BirthYear, t.Skills})
			}
		}
		insertRows(tb, db, "users", []string{"id", "miniapp_openid", "role", "created_at", "updated_at"}, users, 2000)
		insertRows(tb, db, "job_profiles", []string{"id", "user_id", "region_code", "skills", "places", "kinds", "min_wage_fen",
			"wage_unit", "available_from", "capacity", "active", "created_at", "updated_at"}, profiles, 2000)
		insertRows(tb, db, "job_profile_targets", []string{"kind", "place_key", "profile_id", "user_id", "home_region", "capacity",
			"kind_fit", "min_wage_fen", "wage_unit", "available_from", "birth_year", "skills"}, targets, 2000)
		total += len(targets)
	}
	return total
}
