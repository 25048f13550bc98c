package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

func TestLocalPrincipalRules(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	p := Principal{Role: RoleGuest, UserID: 7, TokenID: "t1"}
	later := now.Add(time.Hour)
	tests := []struct {
		name string
		run  func(c *localPrincipals) bool
		want bool // served
	}{
		{"nothing before the subscription is up", func(c *localPrincipals) bool {
			c.put(p, later, c.begin())
			_, ok := c.get("t1")
			return ok
		}, false},
		{"stored and served while up", func(c *localPrincipals) bool {
			c.reset(true)
			c.put(p, later, c.begin())
			_, ok := c.get("t1")
			return ok
		}, true},
		{"forgotten", func(c *localPrincipals) bool {
			c.reset(true)
			c.put(p, later, c.begin())
			c.forget("t1")
			_, ok := c.get("t1")
			return ok
		}, false},
		{"read before a forget: not stored", func(c *localPrincipals) bool {
			c.reset(true)
			e := c.begin()
			c.forget("t1")
			c.put(p, later, e)
			_, ok := c.get("t1")
			return ok
		}, false},
		{"read begun before a reconnect: not stored", func(c *localPrincipals) bool {
			c.reset(true)
			e := c.begin()
			c.reset(true)
			c.put(p, later, e)
			_, ok := c.get("t1")
			return ok
		}, false},
		{"subscription lost: nothing served", func(c *localPrincipals) bool {
			c.reset(true)
			c.put(p, later, c.begin())
			c.reset(false)
			_, ok := c.get("t1")
			return ok
		}, false},
		{"kept no longer than a minute", func(c *localPrincipals) bool {
			c.reset(true)
			c.put(p, later, c.begin())
			now = now.Add(localPrincipalTTL + time.Second)
			_, ok := c.get("t1")
			return ok
		}, false},
		{"nor past the session's end", func(c *localPrincipals) bool {
			c.reset(true)
			c.put(p, now.Add(time.Second), c.begin())
			now = now.Add(2 * time.Second)
			_, ok := c.get("t1")
			return ok
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			if got := tc.run(newLocalPrincipals(clock)); got != tc.want {
				t.Fatalf("served %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLocalPrincipalsStayBounded(t *testing.T) {
	c := newLocalPrincipals(time.Now)
	c.reset(true)
	for i := range localPrincipalMax + 10 {
		c.put(Principal{TokenID: string(rune(i))}, time.Now().Add(time.Hour), c.begin())
	}
	if n := len(c.items); n > localPrincipalMax {
		t.Fatalf("%d entries, the bound is %d", n, localPrincipalMax)
	}
}

// TestRevocationReachesOtherInstances: two instances share one Redis and
// database; the first serves a token's principal from its own memory; the
// second revokes the token; the first refuses it as soon as it hears so.
func TestRevocationReachesOtherInstances(t *testing.T) {
	db := modeltest.SQLite(t)
	fx := modeltest.NewFixtures(t, db)
	user := fx.GuestUser()
	store := kvtest.Redis(t)
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("0123456789abcdef0123456789abcdef")
	instance := func() *Service {
		tokens, err := NewTokens(db, store, secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Deps{DB: db, Tokens: tokens, KV: store, Cipher: modeltest.Cipher(t), Audit: log},
			Options{TokenTTL: time.Hour, AdminTTL: time.Hour, BindLimit: 5, BindWindow: time.Hour, AdminLoginLimit: 5, InviteTTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { tokens.Listen(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		for deadline := time.Now().Add(5 * time.Second); !tokens.local.isLive(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the subscription never came up")
			}
		}
		return s
	}
	one, two := instance(), instance()
	issued, err := one.Tokens().Issue(t.Context(), model.SubjectUser, user.ID, "127.0.0.1", "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the first loads and caches, the second is served from memory
		if _, err := one.Authenticate(t.Context(), issued.Token); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := one.tokens.local.get(issued.Session.TokenID); !ok {
		t.Fatal("the principal is not in the first instance's memory")
	}
	if err := two.Tokens().Revoke(t.Context(), issued.Session.TokenID); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, err := one.Authenticate(t.Context(), issued.Token)
		if errors.Is(err, ErrBadToken) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first instance still accepts the revoked token: %v", err)
		}
	}
}
