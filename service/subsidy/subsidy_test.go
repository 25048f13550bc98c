package subsidy_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var shanghai = time.FixedZone("CST", 8*3600)

// fixedNow is 2026-11-23 10:00 in Shanghai.
func fixedNow() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai) }

func newService(t *testing.T, db *model.DB, store kv.Store, grace int, ttl time.Duration) *subsidy.Service {
	t.Helper()
	a, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := subsidy.New(db, store, a, subsidy.Options{GraceDays: grace, CacheTTL: ttl, Location: shanghai, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func d(y int, m time.Month, day int) model.Date { return model.Date{Year: y, Month: m, Day: day} }

func TestNewRefusesMissingDeps(t *testing.T) {
	db := modeltest.SQLite(t)
	a, _ := audit.New(db, nil)
	tests := []struct {
		name string
		fn   func() (*subsidy.Service, error)
	}{
		{"no db", func() (*subsidy.Service, error) {
			return subsidy.New(nil, kv.NewMemory(), a, subsidy.Options{Location: shanghai})
		}},
		{"no kv", func() (*subsidy.Service, error) { return subsidy.New(db, nil, a, subsidy.Options{Location: shanghai}) }},
		{"no audit", func() (*subsidy.Service, error) {
			return subsidy.New(db, kv.NewMemory(), nil, subsidy.Options{Location: shanghai})
		}},
		{"no location", func() (*subsidy.Service, error) { return subsidy.New(db, kv.NewMemory(), a, subsidy.Options{}) }},
		{"negative grace", func() (*subsidy.Service, error) {
			return subsidy.New(db, kv.NewMemory(), a, subsidy.Options{Location: shanghai, GraceDays: -1})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.fn(); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
}

// TestOverdueFollowsGracePeriod: a scheduled payment is overdue only once
// its due date plus the configured grace has passed.
func TestOverdueFollowsGracePeriod(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Catalogue()
		village := fx.Region("419901100201", "测试村").Code
		h, _ := fx.Household(village)
		fx.Payment(h, "dibao", 50000, d(2026, 11, 18)) // 5 days before "today"
		tests := []struct {
			grace int
			want  string
		}{
			{0, model.PaymentOverdue},
			{4, model.PaymentOverdue},
			{5, model.PaymentScheduled}, // due + 5 = today: not yet
			{30, model.PaymentScheduled},
		}
		for _, tc := range tests {
			s := newService(t, db, kv.NewMemory(), tc.grace, 0)
			v, err := s.Year(t.Context(), model.HouseholdScope(h.ID), h.ID, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Items[0].Status; got != tc.want {
				t.Errorf("grace %d: status %q, want %q", tc.grace, got, tc.want)
			}
		}
	})
}

// TestYearCacheAndInvalidation: the household's view is served from the
// cache until InvalidateHousehold, on the in-process store and on Redis.
func TestYearCacheAndInvalidation(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
			modeltest.Truncate(db)
			fx := modeltest.NewFixtures(t, db)
			fx.Catalogue()
			village := fx.Region("419901100201", "测试村").Code
			h, _ := fx.Household(village)
			fx.Payment(h, "dibao", 50000, d(2026, 10, 10), modeltest.PaidOn(d(2026, 10, 9)))
			s := newService(t, db, store, 5, time.Minute)
			scope := model.HouseholdScope(h.ID)

			count := func() int {
				t.Helper()
				b, err := s.YearJSON(t.Context(), scope, h.ID, 2026)
				if err != nil {
					t.Fatal(err)
				}
				var v subsidy.YearView
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatal(err)
				}
				return len(v.Items)
			}
			if n := count(); n != 1 {
				t.Fatalf("first read: %d items", n)
			}
			// A change the service is not told about stays invisible: the view is cached.
			fx.Payment(h, "dibao", 50000, d(2026, 11, 10), modeltest.PaidOn(d(2026, 11, 9)))
			if n := count(); n != 1 {
				t.Fatalf("cached read: %d items, want the cached 1", n)
			}
			// Other scopes never see the cache.
			v, err := s.Year(t.Context(), model.RegionScope("419901"), h.ID, 2026)
			if err != nil || len(v.Items) != 2 {
				t.Fatalf("official's fresh read: %d items, %v", len(v.Items), err)
			}
			if err := s.InvalidateHousehold(t.Context(), h.ID); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 2 {
				t.Fatalf("after invalidation: %d items, want 2", n)
			}
			// Every year of the household goes at once.
			fx.Payment(h, "farmland_protection", 30000, d(2025, 6, 30), modeltest.PaidOn(d(2025, 6, 30)))
			s.InvalidateHousehold(t.Context(), h.ID)
			b, _ := s.YearJSON(t.Context(), scope, h.ID, 2025)
			var y subsidy.YearView
			json.Unmarshal(b, &y)
			if len(y.Items) != 1 || y.Years[len(y.Years)-1] != 2025 {
				t.Fatalf("2025 after invalidation: %+v", y)
			}
		})
	})
}

// TestYearScope: a household outside the scope is 404, whether it exists
// or not.
func TestYearScope(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Catalogue()
		h, _ := fx.Household(fx.Region("419901100201", "测试村").Code)
		other, _ := fx.Household(fx.Region("419902100201", "别县村").Code)
		s := newService(t, db, kv.NewMemory(), 5, time.Minute)
		for _, tc := range []struct {
			name  string
			scope model.Scope
			id    int64
		}{
			{"another household", model.HouseholdScope(h.ID), other.ID},
			{"no such household", model.HouseholdScope(h.ID), other.ID + 1000},
			{"official of another county", model.RegionScope("419901"), other.ID},
			{"unbound", model.Scope{}, h.ID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.YearJSON(t.Context(), tc.scope, tc.id, 2026)
				if !errors.Is(err, apperr.NotFound) {
					t.Fatalf("err %v, want not found", err)
				}
			})
		}
	})
}
