package subsidy

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

// plainStore hides MGet, so the two-read path is tested too.
type plainStore struct{ kv.Store }

// TestStaleWriterIsNeverServed: a reader that took the generation, then
// read the database before a change committed and stored its view after
// the change's invalidation, must not have that view served.
func TestStaleWriterIsNeverServed(t *testing.T) {
	db := modeltest.SQLite(t)
	fx := modeltest.NewFixtures(t, db)
	fx.Catalogue()
	h, _ := fx.Household(fx.Region("419901100201", "测试村").Code)
	fx.Payment(h, "dibao", 50000, model.Date{Year: 2026, Month: 10, Day: 10})
	a, _ := audit.New(db, nil)
	today := model.Date{Year: 2026, Month: 11, Day: 23}
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		for name, st := range map[string]kv.Store{"one round trip": store, "two reads": plainStore{store}} {
			t.Run(name, func(t *testing.T) {
				s, err := New(db, st, a, Options{GraceDays: 5, CacheTTL: time.Minute, Location: time.UTC, Now: now})
				if err != nil {
					t.Fatal(err)
				}
				ctx := t.Context()
				s.InvalidateHousehold(ctx, h.ID) // a fresh generation per subtest
				gen, body, err := s.cached(ctx, h.ID, 2026, today)
				if err != nil || body != nil || gen == "" {
					t.Fatalf("cold: %q %q %v", gen, body, err)
				}
				// The slow reader's view was read before the change...
				stale := []byte(gen + "\n" + `{"stale":true}`)
				// ...the change commits and invalidates...
				if err := s.InvalidateHousehold(ctx, h.ID); err != nil {
					t.Fatal(err)
				}
				// ...and only then is the stale view stored.
				st.Set(ctx, viewKey(h.ID, 2026, today), stale, time.Minute)
				if _, body, _ := s.cached(ctx, h.ID, 2026, today); body != nil {
					t.Fatalf("the stale view is served: %s", body)
				}
				fresh, err := s.YearJSON(ctx, model.HouseholdScope(h.ID), h.ID, 2026)
				if err != nil || string(fresh) == `{"stale":true}` {
					t.Fatalf("YearJSON: %s %v", fresh, err)
				}
				if _, body, _ := s.cached(ctx, h.ID, 2026, today); string(body) != string(fresh) {
					t.Fatalf("the fresh view was not cached: %s", body)
				}
			})
		}
	})
}
