// Command benchsubsidies measures GET /api/v1/subsidies on MariaDB with
// Redis: it creates a throw-away database, fills it with set-based SQL
// (100,000 households and 2,000,000 payments by default), runs the real
// `xiangbang serve` on it, and drives it over loopback with concurrent
// clients next to a bare gin route (a process of its own too) that returns
// a fixed JSON body of the same size, in the same run. It prints a Markdown table for docs/PERFORMANCE.md and drops the
// database and its Redis keys afterwards. The test suite never runs it.
//
//	go run ./scripts/benchsubsidies                       # the defaults
//	go run ./scripts/benchsubsidies -households 10000 -duration 5s
package main

import (
	"context"
	crand "crypto/rand"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/kv"
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
	rounds         int
	localCache     int
	reuse          string
}

func main() {
	serveBareIfAsked()
	var o options
	flag.StringVar(&o.dsn, "dsn", "root:@tcp(127.0.0.1:3306)/", "MariaDB DSN without a database (one is created and dropped)")
	flag.StringVar(&o.redisAddr, "redis", "127.0.0.1:6379", "Redis address")
	flag.IntVar(&o.households, "households", 100000, "households to generate")
	flag.IntVar(&o.perHousehold, "payments", 20, "payments per household (one a month from 2025-05)")
	flag.IntVar(&o.tokens, "tokens", 20000, "households signed in, chosen at random; requests pick among them")
	flag.IntVar(&o.workers, "c", 16, "concurrent clients")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "length of each timed phase (the bare and cached phases in -rounds turns)")
	flag.IntVar(&o.rounds, "rounds", 10, "turns the bare route and the cached route take")
	flag.IntVar(&o.localCache, "local", int(config.Default().SubsidyLocalCache), "bytes of the in-process cache in front of Redis (XB_SUBSIDY_LOCAL_CACHE); 0 for Redis alone")
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
	bin, err := buildBinary()
	if err != nil {
		return err
	}
	cachedURL, err := serveProcess(ctx, bin, base.FormatDSN(), o.redisAddr, prefix, secret, 10*time.Minute, o.localCache)
	if err != nil {
		return err
	}
	uncachedURL, err := serveProcess(ctx, bin, base.FormatDSN(), o.redisAddr, prefix, secret, 0, 0)
	if err != nil {
		return err
	}
	tokenIssuer, err := auth.NewTokens(db, store, secret, nil)
	if err != nil {
		return err
	}
	tokens, err := signIn(ctx, db, tokenIssuer, o.tokens, o.households)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: o.workers * 2, MaxIdleConnsPerHost: o.workers * 2,
		IdleConnTimeout: time.Minute}, Timeout: time.Minute}

	// The bare route's body is as long as an average answer.
	path := fmt.Sprintf("/api/v1/subsidies?year=%d", today.Year)
	size, err := averageSize(ctx, client, uncachedURL+path, tokens[:min(200, len(tokens))])
	if err != nil {
		return err
	}
	bareURL, err := bareProcess(ctx, size)
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

	loadBefore := loadAverage()
	log.Printf("warming up")
	run(ctx, client, "warm-up", o.workers, 3*time.Second, bareReq)
	log.Printf("phase: first request of each signed-in household")
	cold := run(ctx, client, "subsidies, first request of each household (cache and sign-in cold)", o.workers, time.Hour, firstTouch)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	// The bare route and the cached route take turns in short slices, so a
	// change in what else runs on the machine falls on both alike.
	bareAll := result{name: "bare gin route, fixed body"}
	warm := result{name: "subsidies, random households, cache on (local + Redis)"}
	slice := o.duration / time.Duration(o.rounds)
	for i := range o.rounds {
		log.Printf("round %d of %d: bare route, then subsidies", i+1, o.rounds)
		bareAll = bareAll.add(run(ctx, client, bareAll.name, o.workers, slice, bareReq))
		warm = warm.add(run(ctx, client, warm.name, o.workers, slice, random(cachedURL)))
	}
	log.Printf("phase: cache off")
	uncachedRes := run(ctx, client, "subsidies, random households, cache off (MariaDB every time)", o.workers, o.duration, random(uncachedURL))
	results := []result{bareAll, warm, cold, uncachedRes}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	adminTimes, err := adminLists(ctx, db, tokenIssuer, client, cachedURL)
	if err != nil {
		return err
	}

	bareRPS := bareAll.rps()
	fmt.Printf("\n%d households, %d payments, %d signed in; %d concurrent clients over loopback; GOMAXPROCS %d; "+
		"load average %s before, %s after (other processes share the cores)\n\n",
		o.households, payments, len(tokens), o.workers, runtime.GOMAXPROCS(0), loadBefore, loadAverage())
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

// loadAverage is the one-minute load average, to say how busy the machine
// was while it was measured.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
