package matching

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// The benchmarks load province-scale data into MariaDB (XB_TEST_MYSQL_DSN)
// and measure the engine on it; they run only with -bench, e.g.
//
//	XB_TEST_MYSQL_DSN='root:@tcp(127.0.0.1:3306)/test' \
//	  go test ./service/matching -run '^$' -bench . -benchmem -benchtime 200x
//
// Results are in docs/PERFORMANCE.md.

func benchEngine(b *testing.B, db *model.DB) *Engine {
	cfg := config.Default()
	e, err := New(db, Options{Params: ParamsFrom(cfg), MinScore: cfg.MatchMinScore, MaxCandidates: cfg.MatchCandidates,
		Location: cfg.Location()})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// analyze refreshes MariaDB's index statistics after a bulk load, as a
// running database keeps them.
func analyze(b *testing.B, db *model.DB, tables ...string) {
	if db.Dialect != model.MySQL {
		return
	}
	for _, t := range tables {
		if err := db.Exec("ANALYZE TABLE " + t).Error; err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs op b.N times and reports, besides wall time, the Go side's CPU
// time per op: on a shared machine wall time includes waiting for a core,
// and CPU time shows what the engine itself spends.
func loop(b *testing.B, op func() error) {
	b.ReportAllocs()
	cpu0, n := cpuTime(), 0
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(n), "go-cpu-ms/op")
}

// peakRSS is the process's peak resident memory in MiB (Linux), 0 elsewhere.
func peakRSS() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			var kb float64
			json.Unmarshal([]byte(f[1]), &kb)
			return kb / 1024
		}
	}
	return 0
}

// storeProfile writes one worker's user and profile (and index rows).
func storeProfile(b *testing.B, db *model.DB, p Profile) {
	now := time.Now().UTC()
	skills, _ := json.Marshal(p.Skills)
	places, _ := json.Marshal(p.Places)
	kinds, _ := json.Marshal(orNil(p.Kinds))
	openid := "bench-worker-" + time.Now().Format("150405.000000000")
	if err := db.Create(&model.User{ID: p.UserID, MiniappOpenid: &openid, Role: model.UserHousehold}).Error; err != nil {
		b.Fatal(err)
	}
	jp := model.JobProfile{ID: p.ID, UserID: p.UserID, RegionCode: p.Home, Skills: string(skills), Places: string(places),
		Kinds: string(kinds), MinWageFen: p.MinWageFen, WageUnit: "month", Capacity: p.Capacity, Active: true, CreatedAt: now, UpdatedAt: now}
	if err := db.Create(&jp).Error; err != nil {
		b.Fatal(err)
	}
	if err := Reindex(b.Context(), db, p); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRecommend: the postings for one worker among 20,000 open
// postings, then again with 80,000 closed and expired ones in the table.
func BenchmarkRecommend(b *testing.B) {
	db := modeltest.MySQL(b)
	r := rand.New(rand.NewPCG(6, 20000))
	start := time.Now()
	loadPostings(b, db, r, 1, 20000, false)
	analyze(b, db, "jobs")
	b.Logf("loaded 20,000 open postings in %s", time.Since(start).Round(time.Millisecond))
	e := benchEngine(b, db)
	const home = "419001102203" // a village of county 419001
	workers := []struct {
		name string
		p    Profile
	}{
		{"typical_local_county_3kinds", Profile{Places: []string{PlaceLocal, PlaceCounty}, Kinds: []string{"park", "workshop", "gig"},
			Skills: []string{"包装", "电工"}, MinWageFen: 300000, Capacity: model.CapacityFull}},
		{"weak_labour_local", Profile{Places: []string{PlaceLocal, PlaceCounty}, Kinds: []string{"gig"}, Skills: []string{"保洁"},
			Capacity: model.CapacityWeak}},
		{"migrant_outside_county", Profile{Places: []string{PlaceOutsideCounty}, Kinds: []string{"migrant"},
			Skills: []string{"普工", "电焊"}, MinWageFen: 500000, Capacity: model.CapacityFull}},
		{"broadest_anywhere_any_kind", Profile{Places: []string{PlaceCounty, PlaceOutsideCounty}, Capacity: model.CapacityFull,
			MinWageFen: 400000}},
	}
	for i := range workers {
		p := &workers[i].p
		p.ID, p.UserID, p.Home, p.Active, p.WageUnit = int64(900001+i), int64(900001+i), home, true, "month"
		storeProfile(b, db, *p)
	}
	run := func(e *Engine, suffix string) {
		for _, w := range workers {
			b.Run(w.name+suffix, func(b *testing.B) {
				cands := 0
				snap, err := e.board.current(b.Context(), db, e.Today())
				if err != nil {
					b.Fatal(err)
				}
				worker := w.p.Worker()
				snap.candidates(&e.o.Params, w.p, &worker, e.Today(), func(*entry, PlaceFit, string) { cands++ })
				loop(b, func() error {
					_, err := e.Recommend(b.Context(), w.p.UserID, 10)
					return err
				})
				b.ReportMetric(float64(cands), "candidates")
			})
		}
	}
	run(e, "")
	// A posting changed by another instance before every request: the request reads it and swaps in
	// a new snapshot (the change itself is not timed).
	b.Run("broadest_anywhere_any_kind_after_a_change", func(b *testing.B) {
		b.ReportAllocs()
		id := int64(1)
		for b.Loop() {
			b.StopTimer()
			if err := model.MarkJobsChanged(b.Context(), db, id); err != nil {
				b.Fatal(err)
			}
			id++
			b.StartTimer()
			if _, err := e.Recommend(b.Context(), workers[3].p.UserID, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	start = time.Now()
	loadPostings(b, db, r, 20001, 80000, true)
	analyze(b, db, "jobs")
	b.Logf("added 80,000 closed and expired postings in %s", time.Since(start).Round(time.Millisecond))
	// The history was written behind the engine's back (no change marks): a new instance loads it.
	start = time.Now()
	e = benchEngine(b, db)
	if err := e.Warm(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Logf("a new instance loaded the board from the 100,000-row table in %s", time.Since(start).Round(time.Millisecond))
	run(e, "+80k_history")
	b.Logf("peak RSS of the benchmark process: %.0f MiB", peakRSS())
}

// BenchmarkBoard: an instance loading the board of open postings (at its
// start, or its first recommendation), and the memory the board takes.
// XB_BENCH_POSTINGS sets how many open postings (20,000 unless told).
func BenchmarkBoard(b *testing.B) {
	db := modeltest.MySQL(b)
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("XB_BENCH_POSTINGS")); err == nil && v > 0 {
		n = v
	}
	r := rand.New(rand.NewPCG(6, uint64(n)))
	start := time.Now()
	loadPostings(b, db, r, 1, n, false)
	analyze(b, db, "jobs")
	b.Logf("loaded %d open postings in %s", n, time.Since(start).Round(time.Millisecond))
	b.Run(fmt.Sprintf("load_%d", n), func(b *testing.B) {
		loop(b, func() error { return benchEngine(b, db).Warm(b.Context()) })
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		e := benchEngine(b, db)
		if err := e.Warm(b.Context()); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		held := float64(m1.HeapAlloc) - float64(m0.HeapAlloc)
		b.ReportMetric(held/(1<<20), "board-MiB")
		b.ReportMetric(held/float64(e.board.snap.Load().size), "B/posting")
	})
}

// BenchmarkMatchWorkers: the workers a new posting suits among 200,000
// job profiles, for a narrow, a middling and the broadest posting.
func BenchmarkMatchWorkers(b *testing.B) {
	db := modeltest.MySQL(b)
	r := rand.New(rand.NewPCG(6, 200000))
	start := time.Now()
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("XB_BENCH_PROFILES")); err == nil && v > 0 {
		n = v // a smaller load, for profiling the engine quickly
	}
	rows := loadProfiles(b, db, r, n)
	analyze(b, db, "job_profile_targets", "job_profiles", "users")
	b.Logf("loaded %d profiles (%d index rows) in %s", n, rows, time.Since(start).Round(time.Millisecond))
	e := benchEngine(b, db)
	postings := []struct {
		name string
		p    Posting
	}{
		{"village_workshop", Posting{Kind: "workshop", RegionCode: "419001102203", WageMinFen: 250000, WageMaxFen: 320000,
			WageUnit: "month", Headcount: 20, Tags: []string{"缝纫", "手工"}, Demand: model.DemandLight}},
		{"county_park", Posting{Kind: "park", RegionCode: "419001000000", WageMinFen: 350000, WageMaxFen: 450000,
			WageUnit: "month", Headcount: 30, Tags: []string{"叉车", "仓储"}, Demand: model.DemandMedium}},
		{"shenzhen_migrant_broadest", Posting{Kind: "migrant", RegionCode: "440306000000", WageMinFen: 550000, WageMaxFen: 700000,
			WageUnit: "month", Headcount: 200, Tags: []string{"普工"}, Demand: model.DemandMedium}},
	}
	for i, pc := range postings {
		pc.p.ID, pc.p.PublishedAt, pc.p.ValidUntil = int64(i+1), time.Now(), model.DateOf(time.Now().AddDate(0, 1, 0))
		tags, _ := json.Marshal(pc.p.Tags)
		j := model.Job{ID: pc.p.ID, Kind: pc.p.Kind, Title: pc.name, Employer: "单位", RegionCode: pc.p.RegionCode,
			WageMinFen: pc.p.WageMinFen, WageMaxFen: pc.p.WageMaxFen, WageUnit: pc.p.WageUnit, Headcount: pc.p.Headcount,
			SkillTags: string(tags), PhysicalDemand: pc.p.Demand, Benefits: "{}", Status: model.JobOpen,
			ValidFrom: model.DateOf(time.Now()), ValidUntil: pc.p.ValidUntil, PublishedAt: pc.p.PublishedAt}
		if err := db.Create(&j).Error; err != nil {
			b.Fatal(err)
		}
		b.Run(pc.name, func(b *testing.B) {
			cands := 0
			if err := e.workerCandidates(b.Context(), pc.p, func(*workerCandidate) { cands++ }); err != nil {
				b.Fatal(err)
			}
			matched, _ := e.MatchWorkers(b.Context(), j.ID, 1000)
			loop(b, func() error {
				_, err := e.MatchWorkers(b.Context(), j.ID, 1000)
				return err
			})
			b.ReportMetric(float64(cands), "candidates")
			b.ReportMetric(float64(len(matched)), "matched")
		})
	}
	b.Logf("peak RSS of the benchmark process: %.0f MiB", peakRSS())
}

// BenchmarkScore is the pure core: one posting scored for one worker.
func BenchmarkScore(b *testing.B) {
	w := Worker{Skills: []string{"电工", "叉车"}, MinWageFen: 300000, WageUnit: "month", Capacity: "full"}
	p := job(1, "park", county, 4000, 5000, "month", "叉车", "仓储")
	f := Fit{Place: PlaceFit{Place: PlaceCounty}, Kind: model.KindWanted}
	b.ReportAllocs()
	for b.Loop() {
		Score(prm, w, p, f, now)
	}
}
