package matching

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// world is a small county on a real database: regions, and helpers that
// store postings and workers the way the services do.
type world struct {
	t  *testing.T
	db *model.DB
	fx *modeltest.Fixtures
	e  *Engine

	importLike bool // post leaves tag_key unset, as an import does
}

func newWorld(t *testing.T, db *model.DB) *world {
	fx := modeltest.NewFixtures(t, db)
	for code, name := range map[string]string{
		"410000000000": "河南省", "419901000000": "测试县", "419901100000": "青石镇", home: "青石村", sameTwn: "南岗村",
		"419901200000": "桃源乡", otherTn: "桃源村", "440300000000": "深圳市", sz: "宝安区", zz: "郑州市",
	} {
		fx.Region(code, name)
	}
	e, err := New(db, Options{Params: prm, MinScore: 40, MaxCandidates: 1000, Location: time.UTC, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, db: db, fx: fx, e: e}
}

// post stores a posting built by job(), open and valid.
func (w *world) post(p Posting) int64 {
	w.t.Helper()
	tags, _ := json.Marshal(p.Tags)
	if p.Tags == nil {
		tags = []byte("[]")
	}
	j := model.Job{Kind: p.Kind, Title: fmt.Sprintf("岗位%d", p.ID), Employer: "单位", RegionCode: p.RegionCode,
		WageMinFen: p.WageMinFen, WageMaxFen: p.WageMaxFen, WageUnit: p.WageUnit, Headcount: p.Headcount, Filled: p.Filled,
		SkillTags: string(tags), PhysicalDemand: p.Demand, Benefits: "{}", Status: model.JobOpen,
		ValidFrom: today.AddDays(-5), ValidUntil: p.ValidUntil, PublishedAt: p.PublishedAt}
	if !w.importLike {
		key := strings.Join(p.Tags, "|")
		j.TagKey = &key
	}
	if p.AgeMin > 0 {
		j.AgeMin = &p.AgeMin
	}
	if p.AgeMax > 0 {
		j.AgeMax = &p.AgeMax
	}
	if err := w.db.Create(&j).Error; err != nil {
		w.t.Fatal(err)
	}
	return j.ID
}

// worker stores a member in village with a user and a job profile, indexed.
func (w *world) worker(village string, p Profile, birthYear int) (userID int64) {
	w.t.Helper()
	h, m := w.fx.Household(village)
	_ = h
	u := w.fx.HouseholdUser(m)
	skills, _ := json.Marshal(p.Skills)
	places, _ := json.Marshal(p.Places)
	kinds, _ := json.Marshal(orNil(p.Kinds))
	jp := model.JobProfile{UserID: u.ID, MemberID: &m.ID, HouseholdID: &m.HouseholdID, RegionCode: village,
		Skills: string(skills), Places: string(places), Kinds: string(kinds), MinWageFen: p.MinWageFen,
		WageUnit: or(p.WageUnit, "month"), AvailableFrom: p.AvailableFrom, Capacity: or(p.Capacity, "full"), Active: p.Active}
	if err := w.db.Create(&jp).Error; err != nil {
		w.t.Fatal(err)
	}
	w.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("birth_date", model.Date{Year: birthYear, Month: 3, Day: 1})
	prof, err := ProfileFrom(jp, birthYear)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := Reindex(w.t.Context(), w.db, prof); err != nil {
		w.t.Fatal(err)
	}
	return u.ID
}

func orNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestRecommendOnDatabase(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		park := w.post(job(0, "park", county, 4000, 5000, "month", "叉车"))
		shop := w.post(job(0, "workshop", sameTwn, 3200, 4000, "month", "缝纫"))
		w.post(job(0, "gig", sameTwn, 150, 200, "day"))
		w.post(job(0, "migrant", sz, 6000, 8000, "month", "缝纫"))
		w.post(job(0, "park", otherTn, 2500, 2800, "month", "包装")) // pays less than the wish
		far := w.post(job(0, "park", otherTn, 2500, 3200, "month", "包装"))
		closed := job(0, "workshop", sameTwn, 9000, 9000, "month", "缝纫")
		expired := closed
		expired.ValidUntil = today.AddDays(-1)
		full := closed
		full.Filled = full.Headcount
		w.db.Model(&model.Job{}).Where("id = ?", w.post(closed)).Update("status", model.JobClosed)
		w.post(expired)
		w.post(full)
		notYet := w.post(closed)
		w.db.Model(&model.Job{}).Where("id = ?", notYet).Update("valid_from", today.AddDays(2))

		user := w.worker(home, Profile{Places: []string{PlaceLocal, PlaceCounty}, Kinds: []string{"workshop", "park"},
			Skills: []string{"缝纫"}, MinWageFen: 300000, Capacity: "full", Active: true}, 1985)
		got, err := w.e.Recommend(t.Context(), user, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.JobID)
		}
		if !slices.Equal(ids, []int64{shop, park, far}) {
			t.Fatalf("recommended %v, want %v", ids, []int64{shop, park, far})
		}
		if got[0].Score <= got[1].Score || !slices.Contains(got[0].Reasons, "用得上您的技能：缝纫") ||
			!slices.Contains(got[1].Reasons, "在您愿意去的县城周边") {
			t.Fatalf("first two: %+v", got[:2])
		}
		if top, _ := w.e.Recommend(t.Context(), user, 1); len(top) != 1 || top[0].JobID != shop {
			t.Fatalf("limit 1: %+v", top)
		}
		if _, err := w.e.Recommend(t.Context(), user+1000, 10); !errors.Is(err, ErrNoProfile) {
			t.Fatalf("no profile: %v", err)
		}
	})
}

func TestMatchWorkers(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		forklift := w.worker(sameTwn, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, Skills: []string{"叉车"},
			MinWageFen: 350000, Active: true}, 1990)
		anyKind := w.worker(otherTn, Profile{Places: []string{PlaceCounty}, Active: true}, 1980)
		w.worker(sameTwn, Profile{Places: []string{PlaceLocal}, Kinds: []string{"park"}, Active: true}, 1990) // 本地 is the township, not the county seat
		w.worker(home, Profile{Places: []string{PlaceOutsideCounty}, Kinds: []string{"park"}, Active: true}, 1990)
		w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, Active: false}, 1990) // in work
		w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"migrant"}, Active: true}, 1990)
		w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, Active: true}, 1950) // too old
		weak := w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, Capacity: "weak", Active: true}, 1970)
		w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, MinWageFen: 600000, Active: true}, 1990)                 // wants more than it pays
		w.worker(home, Profile{Places: []string{PlaceCounty}, Kinds: []string{"park"}, MinWageFen: 30000, WageUnit: "day", Active: true}, 1990) // 300 a day

		parkJob := job(0, "park", county, 4000, 5000, "month", "叉车")
		parkJob.AgeMax = 60
		id := w.post(parkJob)
		got, err := w.e.MatchWorkers(t.Context(), id, 10)
		if err != nil {
			t.Fatal(err)
		}
		var users []int64
		for _, m := range got {
			users = append(users, m.UserID)
		}
		if !slices.Equal(users, []int64{forklift, anyKind, weak}) {
			t.Fatalf("matched %v (%+v), want %v", users, got, []int64{forklift, anyKind, weak})
		}
		if !slices.Contains(got[0].Reasons, "用得上您的技能：叉车") || !slices.Contains(got[0].Reasons, "工资高于您的期望") {
			t.Fatalf("reasons %v", got[0].Reasons)
		}

		// Heavy work is for full labour only.
		heavy := job(0, "park", county, 4000, 5000, "month")
		heavy.Demand = model.DemandHeavy
		got, _ = w.e.MatchWorkers(t.Context(), w.post(heavy), 10)
		for _, m := range got {
			if m.UserID == weak {
				t.Fatal("weak labour matched heavy work")
			}
		}

		// Away from home: 县外 and 省外 workers, and the one who named the city, by name.
		out := w.worker(home, Profile{Places: []string{PlaceOutsideCounty}, Kinds: []string{"migrant"}, Active: true}, 1990)
		prov := w.worker(home, Profile{Places: []string{PlaceOutsideProvince}, Kinds: []string{"migrant"}, Active: true}, 1990)
		named := w.worker(home, Profile{Places: []string{"440300000000", PlaceCounty}, Kinds: []string{"migrant"}, Active: true}, 1990)
		got, err = w.e.MatchWorkers(t.Context(), w.post(job(0, "migrant", sz, 6000, 7000, "month")), 10)
		if err != nil {
			t.Fatal(err)
		}
		users = nil
		for _, m := range got {
			users = append(users, m.UserID)
		}
		slices.Sort(users)
		if !slices.Equal(users, []int64{out, prov, named}) {
			t.Fatalf("migrant job matched %v, want %v", users, []int64{out, prov, named})
		}
		for _, m := range got {
			if m.UserID == named && !slices.Contains(m.Reasons, "在您愿意去的深圳市") {
				t.Fatalf("named city reasons %v", m.Reasons)
			}
		}
		// Inside the province 省外 does not reach; 县外 does.
		got, _ = w.e.MatchWorkers(t.Context(), w.post(job(0, "migrant", zz, 6000, 7000, "month")), 10)
		if len(got) != 1 || got[0].UserID != out {
			t.Fatalf("郑州 job matched %+v, want only the 县外 worker", got)
		}
		if got, _ := w.e.MatchWorkers(t.Context(), w.post(job(0, "migrant", sz, 6000, 7000, "month")), 1); len(got) != 1 {
			t.Fatalf("limit 1: %d", len(got))
		}

		closed := w.post(job(0, "park", county, 1, 1, "month"))
		db.Model(&model.Job{}).Where("id = ?", closed).Update("status", model.JobClosed)
		if _, err := w.e.MatchWorkers(t.Context(), closed, 10); !errors.Is(err, apperr.Conflict) {
			t.Fatalf("closed job: %v", err)
		}
		if _, err := w.e.MatchWorkers(t.Context(), closed+100, 10); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("missing job: %v", err)
		}
	})
}

func TestNewRefusesBadOptions(t *testing.T) {
	db := modeltest.SQLite(t)
	good := Options{Params: prm, MaxCandidates: 10, Location: time.UTC}
	for name, o := range map[string]Options{
		"no location":   {Params: prm, MaxCandidates: 10},
		"no weights":    {Params: Params{WorkDaysMonth: 22, FreshDays: 30}, MaxCandidates: 10, Location: time.UTC},
		"no candidates": {Params: prm, Location: time.UTC},
	} {
		if _, err := New(db, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(nil, good); err == nil {
		t.Error("nil db accepted")
	}
	if _, err := New(db, good); err != nil {
		t.Error(err)
	}
}

// TestRecommendIsExact checks the board's retrieval and ranking against
// scoring every open posting, on random postings and workers: as loaded,
// after random changes made the way the writers make them (each marked in
// its transaction), and ten days on, when some have ended and others begun.
func TestRecommendIsExact(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		clock := now
		w.e.now = func() time.Time { return clock }
		r := rand.New(rand.NewPCG(1, 2))
		regions := []string{home, sameTwn, otherTn, county, zz, sz, "419902100201", "330100000000"}
		randomPosting := func() Posting {
			kind := pick(r, benchKinds)
			lo := int64(100 + r.IntN(9000))
			p := job(0, kind, pick(r, regions), lo, lo+int64(r.IntN(3000)), pick(r, []string{"month", "day", "piece"}), someTags(r, 3)...)
			p.PublishedAt = now.Add(-time.Duration(r.IntN(40*24)) * time.Hour)
			p.Headcount = 1 + r.IntN(30)
			p.Demand = pick(r, []string{"light", "medium", "heavy"})
			return p
		}
		for range 300 {
			w.importLike = r.IntN(3) == 0 // a third without tag_key: the board reads skill_tags
			w.post(randomPosting())
		}
		var users []int64
		for range 12 {
			prof := benchProfile(r, 0)
			prof.Home = pick(r, []string{home, sameTwn, otherTn})
			prof.Skills = someTags(r, 4)
			prof.AvailableFrom = model.Date{}
			if r.IntN(4) == 0 {
				prof.AvailableFrom = today.AddDays(r.IntN(20))
			}
			users = append(users, w.worker(prof.Home, prof, prof.BirthYear))
		}
		check := func(phase string) {
			t.Helper()
			var all []model.Job
			db.Find(&all)
			now, today := clock, model.DateOf(clock)
			for i, user := range users {
				p, err := LoadProfile(t.Context(), db, user)
				if err != nil {
					t.Fatal(err)
				}
				got, err := w.e.RecommendFor(t.Context(), p, 10)
				if err != nil {
					t.Fatal(err)
				}
				// Brute force: every posting open and valid today, scored.
				type sc struct {
					p Posting
					r Result
				}
				var want []sc
				for _, j := range all {
					if j.Status != model.JobOpen || today.Before(j.ValidFrom) || j.ValidUntil.Before(today) {
						continue
					}
					post, _ := PostingFrom(j)
					pf, ok := MatchPlace(p.Places, p.Home, post.RegionCode)
					kf, ok2 := KindFitOf(p.Kinds, p.Capacity, post.Kind)
					if !ok || !ok2 || !Eligible(prm, p.Worker(), post, today) {
						continue
					}
					want = append(want, sc{post, Score(prm, p.Worker(), post, Fit{Place: pf, Kind: kf}, now)})
				}
				sort.Slice(want, func(a, b int) bool { return Better(want[a].r, want[a].p, want[b].r, want[b].p) })
				t.Logf("%s, worker %d: %d eligible postings", phase, i, len(want))
				want = want[:min(10, len(want))]
				if len(got) != len(want) {
					t.Fatalf("%s, worker %d: %d results, brute force %d", phase, i, len(got), len(want))
				}
				for k := range got {
					if got[k].JobID != want[k].p.ID || got[k].Score != want[k].r.Score {
						t.Fatalf("%s, worker %d (%+v) rank %d: got job %d (%d), brute force job %d (%d)", phase, i, p, k,
							got[k].JobID, got[k].Score, want[k].p.ID, want[k].r.Score)
					}
				}
			}
		}
		check("as loaded")

		var ids []int64
		db.Model(&model.Job{}).Order("id").Pluck("id", &ids)
		for range 150 {
			id := pick(r, ids)
			var set map[string]any
			switch r.IntN(8) {
			case 0:
				set = map[string]any{"status": model.JobClosed}
			case 1:
				set = map[string]any{"filled": gorm.Expr("headcount")}
			case 2:
				lo := int64(100+r.IntN(9000)) * 100
				set = map[string]any{"wage_min_fen": lo, "wage_max_fen": lo + int64(r.IntN(300000))}
			case 3:
				tags := someTags(r, 3)
				raw, _ := json.Marshal(orNil(tags))
				set = map[string]any{"skill_tags": string(raw), "tag_key": nil}
			case 4:
				set = map[string]any{"region_code": pick(r, regions), "kind": pick(r, benchKinds)}
			case 5:
				set = map[string]any{"valid_until": today.AddDays(r.IntN(12))} // some end before ten days are out
			case 6:
				set = map[string]any{"valid_from": today.AddDays(1 + r.IntN(12))} // some begin
			default:
				w.importLike = r.IntN(3) == 0
				id = w.post(randomPosting())
				ids = append(ids, id)
			}
			err := db.Tx(t.Context(), func(tx *model.DB) error {
				if set != nil {
					if err := tx.Model(&model.Job{}).Where("id = ?", id).Updates(set).Error; err != nil {
						return err
					}
				}
				return model.MarkJobsChanged(t.Context(), tx, id)
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.IntN(10) == 0 {
				check("while changing") // refreshes between changes, not only after them all
			}
		}
		check("after the changes")
		clock = clock.Add(10 * 24 * time.Hour)
		check("ten days on")
	})
}

// TestCandidateCapKeepsTheNewest: past MaxCandidates, the newest postings
// are the ones scored.
func TestCandidateCapKeepsTheNewest(t *testing.T) {
	db := modeltest.SQLite(t)
	w := newWorld(t, db)
	var ids []int64
	for i := range 5 {
		p := job(0, "gig", sameTwn, 150, 200, "day")
		p.PublishedAt = now.Add(-time.Duration(5-i) * time.Hour) // later ids are newer
		if i == 0 {
			p.WageMinFen, p.WageMaxFen = 90000, 90000 // the oldest pays best
		}
		ids = append(ids, w.post(p))
	}
	user := w.worker(home, Profile{Places: []string{PlaceLocal}, Active: true, Capacity: "full", MinWageFen: 300000}, 1990)
	p, _ := LoadProfile(t.Context(), db, user)
	for _, tt := range []struct {
		cap  int
		want []int64
	}{
		{10, []int64{ids[0], ids[4], ids[3], ids[2], ids[1]}},
		{3, []int64{ids[4], ids[3], ids[2]}},
	} {
		w.e.o.MaxCandidates = tt.cap
		got, err := w.e.RecommendFor(t.Context(), p, 10)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, s := range got {
			gotIDs = append(gotIDs, s.JobID)
		}
		if !slices.Equal(gotIDs, tt.want) {
			t.Errorf("cap %d: %v, want %v", tt.cap, gotIDs, tt.want)
		}
	}
}

// TestBoardUnderConcurrentRequests: requests read the board while another
// writer changes postings and requests refresh it; once the writer stops,
// the board refreshed piece by piece answers as a new instance loading
// everything does. (Run with -race, as scripts/test.sh does.)
func TestBoardUnderConcurrentRequests(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		r := rand.New(rand.NewPCG(3, 4))
		var ids []int64
		for range 60 {
			ids = append(ids, w.post(job(0, pick(r, []string{"park", "gig", "migrant"}), pick(r, []string{home, sameTwn, county, sz}),
				int64(2000+r.IntN(4000)), 7000, "month", someTags(r, 2)...)))
		}
		var users []int64
		for _, places := range [][]string{{PlaceLocal, PlaceCounty}, {PlaceOutsideCounty}, {PlaceCounty, PlaceOutsideProvince}} {
			users = append(users, w.worker(home, Profile{Places: places, Capacity: "full", Active: true, Skills: []string{"电工"}}, 1985))
		}
		writerRand := rand.New(rand.NewPCG(5, 6))
		done := make(chan error, 1)
		go func() {
			for i := range 40 {
				id := ids[writerRand.IntN(len(ids))]
				set := map[string]any{"wage_min_fen": int64(100000 + writerRand.IntN(500000)), "filled": writerRand.IntN(5)}
				if i%7 == 0 {
					set["status"] = model.JobClosed
				}
				err := db.Tx(context.Background(), func(tx *model.DB) error {
					if err := tx.Model(&model.Job{}).Where("id = ?", id).Updates(set).Error; err != nil {
						return err
					}
					return model.MarkJobsChanged(context.Background(), tx, id)
				})
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Go(func() {
				for i := range 25 {
					if _, err := w.e.Recommend(context.Background(), users[(g+i)%len(users)], 10); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		fresh, err := New(db, w.e.o)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			got, err := w.e.Recommend(t.Context(), u, 20)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fresh.Recommend(t.Context(), u, 20)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("worker %d: the refreshed board recommends %+v, a new instance %+v", u, got, want)
			}
		}
	})
}
