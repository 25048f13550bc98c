// Command benchcounty measures the cadres' due lists and the flag
// recomputation on a county of 100,000 households in MariaDB/MySQL
// (docs/PERFORMANCE.md, "Cadres and flags").
//
//	go run ./scripts/benchcounty                       # loads once, then measures
//	go run ./scripts/benchcounty -reload -households 100000
//
// It uses its own database (xb_bench_county by default), loads the county
// with set-based INSERT ... SELECT statements from a number table, and keeps
// it between runs; -reload starts over. MySQL dialect only: the loader uses
// CONCAT, LPAD and DATE_SUB.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/visits"
)

func main() {
	dsn := flag.String("dsn", "root:@tcp(127.0.0.1:3306)/xb_bench_county", "MySQL/MariaDB DSN of the benchmark database (created when missing)")
	households := flag.Int("households", 100000, "households in the county")
	reload := flag.Bool("reload", false, "empty the database and load the county again")
	runs := flag.Int("runs", 5, "runs of each county-wide measurement")
	slow := flag.Duration("slow", time.Hour, "log statements slower than this (to find what to index)")
	flag.Parse()
	if err := run(context.Background(), *dsn, *households, *reload, *runs, *slow); err != nil {
		fmt.Fprintln(os.Stderr, "benchcounty:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dsn string, n int, reload bool, runs int, slow time.Duration) error {
	db, err := open(ctx, dsn, slow)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	var have, visited int64
	db.Model(&model.Household{}).Count(&have)
	db.Model(&model.Visit{}).Count(&visited) // visits are loaded last: none means a load that stopped half-way
	if reload || have != int64(n) || visited == 0 {
		took, err := load(ctx, db, n)
		if err != nil {
			return err
		}
		fmt.Printf("loaded %d households in %s\n", n, took.Round(time.Millisecond))
	}
	counts(db)

	loc := time.FixedZone("CST", 8*3600)
	policy := config.DefaultPolicy()
	log, err := audit.New(db, nil)
	if err != nil {
		return err
	}
	rs, err := risk.New(db, risk.Options{Policy: policy, Audit: log, Location: loc})
	if err != nil {
		return err
	}
	vs, err := visits.New(db, visits.Options{Policy: policy, Audit: log, Location: loc, PaymentGraceDays: 5, Flags: rs})
	if err != nil {
		return err
	}

	var cadre int64
	db.Raw("SELECT cadre_id FROM pairings WHERE role = 'responsible' ORDER BY cadre_id LIMIT 1 OFFSET 1000").Scan(&cadre)
	var items []visits.DueItem
	one := measure(50, func() error {
		items, err = vs.DueForCadre(ctx, cadre, visits.DueAll)
		return err
	})
	fmt.Printf("| due list for one cadre (%d households) | %s |\n", len(items), one)
	all := measure(runs, func() error {
		items, err = vs.DueAll(ctx, "419901", visits.DueAll)
		return err
	})
	overdue := 0
	for _, it := range items {
		if it.DueStatus == visits.StatusOverdue {
			overdue++
		}
	}
	fmt.Printf("| due lists of every cadre in the county (%d pairings, %d overdue) | %s |\n", len(items), overdue, all)

	var first risk.Summary
	cold := measure(runs, func() error {
		if err := resetFlags(db); err != nil {
			return err
		}
		first, err = rs.RecomputeRegion(ctx, audit.System, "419901")
		return err
	})
	fmt.Printf("| flag recompute, county, from nothing (raises %v, elevates %d, %d villages, queues %d notices) | %s |\n",
		first.Raised, first.Elevated, first.VillagesRaised, first.Notified, cold)
	var steady risk.Summary
	warm := measure(runs, func() error {
		steady, err = rs.RecomputeRegion(ctx, audit.System, "419901")
		return err
	})
	fmt.Printf("| flag recompute, county, nothing changed (%d households at risk) | %s |\n", steady.AtRisk, warm)
	var hid int64
	db.Raw("SELECT id FROM households ORDER BY id LIMIT 1 OFFSET 777").Scan(&hid)
	single := measure(50, func() error {
		return db.Tx(ctx, func(tx *model.DB) error {
			_, err := rs.RecomputeHousehold(ctx, tx, hid)
			return err
		})
	})
	fmt.Printf("| flag recompute, one household (after an income record) | %s |\n", single)
	return nil
}

func open(ctx context.Context, dsn string, slow time.Duration) (*model.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	name := cfg.DBName
	cfg.DBName = ""
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	admin, err := model.Open(ctx, model.Options{DSN: cfg.FormatDSN(), ConnectTimeout: 5 * time.Second, MaxOpenConns: 1, Logger: quiet})
	if err != nil {
		return nil, err
	}
	err = admin.Exec("CREATE DATABASE IF NOT EXISTS " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error
	admin.Close()
	if err != nil {
		return nil, err
	}
	return model.Open(ctx, model.Options{DSN: dsn, ConnectTimeout: 5 * time.Second, MaxOpenConns: 8, MaxIdleConns: 8,
		SlowQuery: slow, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
}

// stats is the median and slowest of some runs.
type stats struct{ median, max time.Duration }

func (s stats) String() string {
	return fmt.Sprintf("median %s, slowest %s", round(s.median), round(s.max))
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

func measure(runs int, fn func() error) stats {
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			fmt.Fprintln(os.Stderr, "benchcounty:", err)
			os.Exit(1)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return stats{median: ds[len(ds)/2], max: ds[len(ds)-1]}
}

func counts(db *model.DB) {
	for _, t := range []string{"households", "cadres", "pairings", "income_records", "income_plans", "visits", "users"} {
		var n int64
		db.Table(t).Count(&n)
		fmt.Printf("%s: %d\n", t, n)
	}
}

// resetFlags puts the county back to "never judged", for the cold run.
func resetFlags(db *model.DB) error {
	for _, q := range []string{"DELETE FROM household_flags", "DELETE FROM village_flags", "DELETE FROM push_outbox",
		"UPDATE households SET support_level = 'normal' WHERE support_level <> 'normal'"} {
		if err := db.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
