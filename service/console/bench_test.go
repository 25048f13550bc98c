package console_test

import (
	"context"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/demo"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// demoCounty seeds the 2,000-household demo county and returns the service
// on it, with the payment figures read fresh on every call, and one that
// reuses them as serve does.
func demoCounty(b testing.TB, db *model.DB, households int) (fresh, reusing *console.Service) {
	b.Helper()
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SyncSubsidyItems(context.Background(), model.SubsidyItemRows(items)); err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	s, err := demo.NewSeeder(db, modeltest.Cipher(b), demo.Options{Today: model.DateOf(time.Now().In(loc)), Households: households})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Seed(context.Background()); err != nil {
		b.Fatal(err)
	}
	log, err := audit.New(db, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, ttl := range []time.Duration{-1, 0} {
		svc, err := console.New(console.Deps{DB: db, Audit: log, Policy: config.DefaultPolicy()}, console.Options{GraceDays: 5, Location: loc, PaymentStatsTTL: ttl})
		if err != nil {
			b.Fatal(err)
		}
		if ttl < 0 {
			fresh = svc
		} else {
			reusing = svc
		}
	}
	return fresh, reusing
}

// BenchmarkConsoleAPI times the service calls behind the console's pages
// on the demo county (2,000 households, ~22,000 payments, ~15,000 visits),
// as the county official sees it.
func BenchmarkConsoleAPI(b *testing.B) {
	for _, dbName := range []string{"sqlite", "mariadb"} {
		b.Run(dbName, func(b *testing.B) {
			var db *model.DB
			if dbName == "sqlite" {
				db = modeltest.SQLite(b)
			} else {
				db = modeltest.MySQL(b)
			}
			svc, reusing := demoCounty(b, db, 2000)
			scope := model.RegionScope(demo.DemoCountyPrefix)
			ctx := context.Background()
			who := audit.Actor{Kind: "official", ID: 1, Name: "bench"}
			calls := []struct {
				name string
				fn   func() error
			}{
				{"dashboard", func() error { _, err := svc.Dashboard(ctx, scope, ""); return err }},
				{"dashboard_payments_reused", func() error { _, err := reusing.Dashboard(ctx, scope, ""); return err }},
				{"households", func() error { _, err := svc.Households(ctx, scope, console.HouseholdFilter{}); return err }},
				{"households_visit_overdue", func() error {
					_, err := svc.Households(ctx, scope, console.HouseholdFilter{Visit: "overdue"})
					return err
				}},
				{"household_file", func() error { _, err := svc.Household(ctx, scope, who, 5); return err }},
				{"cadres", func() error { _, err := svc.Cadres(ctx, scope, console.CadreFilter{}); return err }},
				{"outbox", func() error { _, err := svc.Outbox(ctx, scope, console.OutboxFilter{}); return err }},
			}
			for _, c := range calls {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if err := c.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
