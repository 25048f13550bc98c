package subsidy

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

func TestLocalCacheRules(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	body := []byte("view")
	tests := []struct {
		name string
		run  func(c *localCache) []byte
		want bool // served
	}{
		{"nothing before the subscription is up", func(c *localCache) []byte {
			c.put("k", 1, "g1", body, c.begin())
			return c.get("k", 1)
		}, false},
		{"stored and served while up", func(c *localCache) []byte {
			c.reset(true)
			c.put("k", 1, "g1", body, c.begin())
			return c.get("k", 1)
		}, true},
		{"a newer generation heard: not served", func(c *localCache) []byte {
			c.reset(true)
			c.put("k", 1, "g1", body, c.begin())
			c.heard(1, "g2")
			return c.get("k", 1)
		}, false},
		{"another household's generation does not matter", func(c *localCache) []byte {
			c.reset(true)
			c.put("k", 1, "g1", body, c.begin())
			c.heard(2, "g2")
			return c.get("k", 1)
		}, true},
		{"read before a newer generation was heard: not stored", func(c *localCache) []byte {
			c.reset(true)
			e := c.begin()
			c.heard(1, "g2")
			c.put("k", 1, "g1", body, e)
			return c.get("k", 1)
		}, false},
		{"read under the generation heard: stored", func(c *localCache) []byte {
			c.reset(true)
			c.heard(1, "g2")
			c.put("k", 1, "g2", body, c.begin())
			return c.get("k", 1)
		}, true},
		{"read begun before a reconnect: not stored", func(c *localCache) []byte {
			c.reset(true)
			e := c.begin()
			c.reset(true)
			c.put("k", 1, "g1", body, e)
			return c.get("k", 1)
		}, false},
		{"subscription lost: nothing served", func(c *localCache) []byte {
			c.reset(true)
			c.put("k", 1, "g1", body, c.begin())
			c.reset(false)
			return c.get("k", 1)
		}, false},
		{"expired", func(c *localCache) []byte {
			c.reset(true)
			c.put("k", 1, "g1", body, c.begin())
			now = now.Add(time.Hour)
			return c.get("k", 1)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.run(newLocalCache(1<<20, time.Minute, clock)); (got != nil) != tc.want {
				t.Fatalf("served %q, want served %v", got, tc.want)
			}
		})
	}
}

func TestLocalCacheStaysWithinBudget(t *testing.T) {
	c := newLocalCache(16<<10, time.Minute, time.Now)
	c.reset(true)
	view := []byte(strings.Repeat("x", 1000))
	for i := range 100 {
		c.put(string(rune('a'+i%26))+string(rune('a'+i/26)), int64(i), "0", view, c.begin())
		if c.bytes > c.maxBytes {
			t.Fatalf("after %d views: %d bytes of %d", i+1, c.bytes, c.maxBytes)
		}
	}
	c.put("big", 1000, "0", make([]byte, 2<<10), c.begin())
	if c.get("big", 1000) != nil {
		t.Fatal("a view over a sixteenth of the budget was kept")
	}
}

// TestLocalCacheAcrossInstances: two instances on one Redis; one changes a
// household's payments and invalidates; the other stops serving its local
// copy as soon as it hears so.
func TestLocalCacheAcrossInstances(t *testing.T) {
	db := modeltest.SQLite(t)
	fx := modeltest.NewFixtures(t, db)
	fx.Catalogue()
	h, _ := fx.Household(fx.Region("419901100201", "测试村").Code)
	p := fx.Payment(h, "dibao", 50000, model.Date{Year: 2026, Month: 10, Day: 10})
	store := kvtest.Redis(t)
	a, _ := audit.New(db, nil)
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	instance := func() *Service {
		s, err := New(db, store, a, Options{GraceDays: 5, CacheTTL: time.Minute, LocalCacheBytes: 1 << 20, Location: time.UTC, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Listen(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		deadline := time.Now().Add(5 * time.Second)
		for !s.local.isLive() {
			if time.Now().After(deadline) {
				t.Fatal("the subscription never came up")
			}
			time.Sleep(5 * time.Millisecond)
		}
		return s
	}
	one, two := instance(), instance()
	scope := model.HouseholdScope(h.ID)
	status := func(s *Service) string {
		t.Helper()
		b, err := s.YearJSON(t.Context(), scope, h.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var v YearView
		json.Unmarshal(b, &v)
		return v.Items[0].Status
	}
	if got := status(one); got != model.PaymentOverdue {
		t.Fatalf("first read: %s", got)
	}
	key := viewKey(h.ID, 2026, model.DateOf(now()))
	if one.local.get(key, h.ID) == nil {
		t.Fatal("the view is not in the local cache")
	}
	// Instance two records the payment as paid and invalidates.
	db.Model(&model.Payment{}).Where("id = ?", p.ID).Updates(map[string]any{"status": model.PaymentPaid, "paid_date": "2026-11-20"})
	if err := two.InvalidateHousehold(t.Context(), h.ID); err != nil {
		t.Fatal(err)
	}
	if got := status(two); got != model.PaymentPaid {
		t.Fatalf("the invalidating instance: %s", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for status(one) != model.PaymentPaid {
		if time.Now().After(deadline) {
			t.Fatal("the other instance kept serving its stale copy")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
