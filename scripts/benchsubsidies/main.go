// Command benchsubsidies measures GET /api/v1/subsidies on MariaDB with
// Redis: it creates a throw-away database, fills it with set-based SQL
// (100,000 households and 2,000,000 payments by default), serves the real
// router over loopback, and drives it with concurrent clients next to a
// bare gin route that returns a fixed JSON body of the same size, in the
// same run. It prints a Markdown table for docs/PERFORMANCE.md and drops the
// database and its Redis keys afterwards. The test suite never runs it.
//
//	go run ./scripts/benchsubsidies                       # the defaults
//	go run ./scripts/benchsubsidies -households 10000 -duration 5s
package main

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	gomysql "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/handlers"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

type options struct {
	dsn, redisAddr string
	households     int
	perHousehold   int
	tokens         int
	workers        int
	duration       time.Duration
	keep           bool
	cpuProfile     string
	reuse          string
}

func main() {
	var o options
	flag.StringVar(&o.dsn, "dsn", "root:@tcp(127.0.0.1:3306)/", "MariaDB DSN without a database (one is created and dropped)")
	flag.StringVar(&o.redisAddr, "redis", "127.0.0.1:6379", "Redis address")
	flag.IntVar(&o.households, "households", 100000, "households to generate")
	flag.IntVar(&o.perHousehold, "payments", 20, "payments per household (one a month from 2025-05)")
	flag.IntVar(&o.tokens, "tokens", 20000, "households signed in, chosen at random; requests pick among them")
	flag.IntVar(&o.workers, "c", 16, "concurrent clients")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each timed phase")
	flag.BoolVar(&o.keep, "keep", false, "keep the database afterwards")
	flag.StringVar(&o.reuse, "reuse", "", "measure an existing database (made by an earlier run with -keep) instead of generating one")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed phases to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := bench(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func bench(ctx context.Context, o options) error {
	quiet := slog.New(slog.DiscardHandler)
	name := fmt.Sprintf("xb_bench_%d", time.Now().Unix())
	base, err := gomysql.ParseDSN(o.dsn)
	if err != nil {
		return err
	}
	base.DBName = ""
	admin, err := model.Open(ctx, model.Options{DSN: base.FormatDSN(), ConnectTimeout: 5 * time.Second, MaxOpenConns: 2, Logger: quiet})
	if err != nil {
		return err
	}
	defer admin.Close()
	if o.reuse != "" {
		name = o.reuse
	} else {
		if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
			return err
		}
		if !o.keep {
			defer func() {
				admin.Exec("DROP DATABASE IF EXISTS " + name)
				log.Printf("dropped database %s", name)
			}()
		} else {
			log.Printf("keeping database %s (drop it when done)", name)
		}
	}
	base.DBName = name
	db, err := model.Open(ctx, model.Options{DSN: base.FormatDSN(), ConnectTimeout: 5 * time.Second, MaxOpenConns: 40, MaxIdleConns: 40,
		SlowQuery: time.Second, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	defer db.Close()
	loc := config.Default().Location()
	today := model.DateOf(time.Now().In(loc))
	if o.reuse == "" {
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		if err := syncCatalogue(ctx, db); err != nil {
			return err
		}
		log.Printf("generating %d households × %d payments in %s", o.households, o.perHousehold, name)
		if err := generate(ctx, db, o.households, o.perHousehold, today); err != nil {
			return err
		}
	} else {
		var n int64
		db.WithContext(ctx).Raw("SELECT COUNT(*) FROM households").Row().Scan(&n)
		o.households = int(n)
		db.WithContext(ctx).Exec("DELETE FROM sessions") // the last run's tokens
	}
	var payments int64
	db.WithContext(ctx).Raw("SELECT COUNT(*) FROM payments").Row().Scan(&payments)

	rc := redis.NewClient(&redis.Options{Addr: o.redisAddr, PoolSize: 64})
	defer rc.Close()
	if err := rc.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	prefix := name + ":"
	defer dropKeys(rc, prefix)
	store := kv.NewRedis(rc, prefix)

	secret := make([]byte, 32)
	crand.Read(secret)
	cached, authSvc, err := server(db, store, secret, 10*time.Minute)
	if err != nil {
		return err
	}
	uncached, _, err := server(db, store, secret, 0)
	if err != nil {
		return err
	}
	tokens, err := signIn(ctx, db, authSvc, o.tokens, o.households)
	if err != nil {
		return err
	}
	cachedURL, err := listen(cached)
	if err != nil {
		return err
	}
	uncachedURL, err := listen(uncached)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: o.workers * 2, MaxIdleConnsPerHost: o.workers * 2,
		IdleConnTimeout: time.Minute}, Timeout: 10 * time.Second}

	// The bare route's body is as long as an average answer.
	path := fmt.Sprintf("/api/v1/subsidies?year=%d", today.Year)
	size, err := averageSize(ctx, client, uncachedURL+path, tokens[:min(200, len(tokens))])
	if err != nil {
		return err
	}
	bareURL, err := listen(bare(size))
	if err != nil {
		return err
	}
	log.Printf("answers average %d bytes; the bare route returns %d", size, size)

	random := func(url string) func(*rand.Rand) (request, bool) {
		return func(rng *rand.Rand) (request, bool) {
			return request{url: url + path, token: tokens[rng.IntN(len(tokens))]}, true
		}
	}
	var mu sync.Mutex
	order := rand.Perm(len(tokens))
	firstTouch := func(*rand.Rand) (request, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(order) == 0 {
			return request{}, false
		}
		i := order[0]
		order = order[1:]
		return request{url: cachedURL + path, token: tokens[i]}, true
	}
	bareReq := func(*rand.Rand) (request, bool) { return request{url: bareURL + "/bare"}, true }

	log.Printf("warming up")
	run(ctx, client, "warm-up", o.workers, 3*time.Second, bareReq)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var results []result
	phase := func(name string, d time.Duration, next func(*rand.Rand) (request, bool)) result {
		log.Printf("phase: %s", name)
		r := run(ctx, client, name, o.workers, d, next)
		results = append(results, r)
		return r
	}
	bare1 := phase("bare gin route, fixed body", o.duration, bareReq)
	cold := phase("subsidies, first request of each household (cache and sign-in cold)", time.Hour, firstTouch)
	warm := phase("subsidies, random households, Redis cache on", o.duration, random(cachedURL))
	phase("subsidies, random households, cache off (MariaDB every time)", o.duration, random(uncachedURL))
	bare2 := phase("bare gin route, fixed body (again)", o.duration, bareReq)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	adminTimes, err := adminLists(ctx, db, authSvc, client, cachedURL)
	if err != nil {
		return err
	}

	bareRPS := (bare1.rps() + bare2.rps()) / 2
	fmt.Printf("\n%d households, %d payments, %d signed in; %d concurrent clients over loopback; GOMAXPROCS %d\n\n",
		o.households, payments, len(tokens), o.workers, runtime.GOMAXPROCS(0))
	fmt.Println("| phase | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | bytes |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		fmt.Println(r.row())
	}
	fmt.Printf("\nthroughput ratio, subsidies (cache on) / bare gin: %.0f %% (target ≥ 40 %%); first-touch / bare: %.0f %%\n",
		100*warm.rps()/bareRPS, 100*cold.rps()/bareRPS)
	fmt.Printf("p99, cache on: %.2f ms; first touch: %.2f ms (target < 30 ms)\n", ms(warm.pct(99)), ms(cold.pct(99)))
	fmt.Println("\nofficials' lists, one county official, one request at a time:")
	fmt.Println("\n| request | ms | items | total count |")
	fmt.Println("| --- | ---: | ---: | ---: |")
	for _, a := range adminTimes {
		fmt.Printf("| `%s` | %.1f | %d | %d |\n", a.what, ms(a.took), a.items, a.total)
	}
	return nil
}

// server builds the real router on the database and kv store; cacheTTL 0
// turns the household summary cache off.
func server(db *model.DB, store kv.Store, secret []byte, cacheTTL time.Duration) (http.Handler, *auth.Service, error) {
	gin.SetMode(gin.ReleaseMode)
	cfg := config.Default()
	cfg.SubsidyCacheTTL = cacheTTL
	quiet := slog.New(slog.DiscardHandler)
	tokens, err := auth.NewTokens(db, store, secret, nil)
	if err != nil {
		return nil, nil, err
	}
	a, err := auth.New(db, tokens, auth.Options{TokenTTL: cfg.TokenTTL, AdminTTL: cfg.AdminTTL})
	if err != nil {
		return nil, nil, err
	}
	auditLog, err := audit.New(db, nil)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "xb-bench-photos-*")
	if err != nil {
		return nil, nil, err
	}
	disk, err := photo.NewDisk(dir)
	if err != nil {
		return nil, nil, err
	}
	photos, err := photo.New(db, disk, int64(cfg.UploadLimit))
	if err != nil {
		return nil, nil, err
	}
	subsidies, err := subsidy.New(db, store, auditLog, subsidy.Options{GraceDays: cfg.PaymentGraceDays, CacheTTL: cfg.SubsidyCacheTTL,
		Location: cfg.Location(), Logger: quiet})
	if err != nil {
		return nil, nil, err
	}
	reports, err := report.New(db, subsidies, auditLog, report.Options{Policy: config.DefaultPolicy(), Location: cfg.Location(), Logger: quiet})
	if err != nil {
		return nil, nil, err
	}
	h, err := handlers.New(handlers.Deps{Config: cfg, Logger: quiet, DB: db, KV: store, Registry: handlers.NewRegistry(),
		Auth: a, Audit: auditLog, Photos: photos, Subsidies: subsidies, Reports: reports})
	return h, a, err
}

// bare is a gin engine with one route returning a fixed JSON body of size bytes.
func bare(size int) http.Handler {
	e := gin.New()
	pad := max(size-len(`{"pad":""}`), 0)
	body := []byte(`{"pad":"` + strings.Repeat("x", pad) + `"}`)
	e.GET("/bare", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", body) })
	return e
}

// listen serves h on a loopback port and returns its base URL.
func listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// signIn issues tokens for n distinct random households' users.
func signIn(ctx context.Context, db *model.DB, a *auth.Service, n, households int) ([]string, error) {
	n = min(n, households)
	var lo int64
	db.WithContext(ctx).Raw("SELECT MIN(id) FROM users").Row().Scan(&lo)
	ids := rand.Perm(households)[:n]
	out := make([]string, n)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	next := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s, err := a.SignInUser(ctx, lo+int64(ids[i]), "127.0.0.1", "bench")
				if err != nil {
					errs <- err
					return
				}
				out[i] = s.Token
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	log.Printf("  %-28s %9d       %6.1fs", "signed in", n, time.Since(start).Seconds())
	return out, nil
}

// averageSize fetches a sample of answers and returns their mean length.
func averageSize(ctx context.Context, client *http.Client, url string, tokens []string) (int, error) {
	total := 0
	for _, tok := range tokens {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("sample request: %d %s", resp.StatusCode, b)
		}
		total += len(b)
	}
	if len(tokens) == 0 {
		return 0, errors.New("no tokens")
	}
	return total / len(tokens), nil
}

func syncCatalogue(ctx context.Context, db *model.DB) error {
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		return err
	}
	rows := make([]model.SubsidyItem, len(items))
	for i, it := range items {
		rows[i] = model.SubsidyItem{Code: it.Code, Name: it.Name, Department: it.Department, ViaCard: it.ViaCard, Payee: it.Payee, Schedule: it.Schedule}
	}
	return db.SyncSubsidyItems(ctx, rows)
}

// dropKeys removes the run's Redis keys.
func dropKeys(rc *redis.Client, prefix string) {
	ctx := context.Background()
	iter := rc.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	n := 0
	for iter.Next(ctx) {
		rc.Del(ctx, iter.Val())
		n++
	}
	log.Printf("removed %d Redis keys under %s", n, prefix)
}

type adminTime struct {
	what         string
	took         time.Duration
	items, total int
}

// adminLists times the officials' payment lists for a county official, one
// request at a time: the first page (counts and sums computed), the next
// page (counts reused), a village, the overdue list.
func adminLists(ctx context.Context, db *model.DB, a *auth.Service, client *http.Client, base string) ([]adminTime, error) {
	official := model.AdminUser{Username: fmt.Sprintf("bench-%d", time.Now().UnixNano()), DisplayName: "压测县民政局",
		PasswordHash: "-", Role: model.AdminOfficial, RegionScope: "419901"}
	if err := db.WithContext(ctx).Create(&official).Error; err != nil {
		return nil, err
	}
	signed, err := a.SignInAdmin(ctx, official.ID, "127.0.0.1", "bench")
	if err != nil {
		return nil, err
	}
	var out []adminTime
	get := func(path string) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/admin/api"+path, nil)
		req.Header.Set("Authorization", "Bearer "+signed.Token)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var page struct {
			Items      []json.RawMessage   `json:"items"`
			NextCursor string              `json:"next_cursor"`
			Total      struct{ Count int } `json:"total"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
			return "", fmt.Errorf("%s: %d %v", path, resp.StatusCode, err)
		}
		out = append(out, adminTime{what: "GET /admin/api" + path, took: time.Since(t0), items: len(page.Items), total: page.Total.Count})
		return page.NextCursor, nil
	}
	next, err := get("/payments")
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"/payments?cursor=" + next, "/payments?region=419901105212", "/payments?status=overdue&item=dibao",
		"/payments/overdue", "/payments/overdue?region=419901103"} {
		if _, err := get(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}
