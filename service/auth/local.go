package auth

import (
	"context"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
)

// The first level of the principal cache, in this process, in front of the
// shared store (Redis). Every API request resolves its token; without this
// level each one costs a Redis round trip (a third of the server's CPU on
// a cached GET /api/v1/subsidies, docs/PERFORMANCE.md). It stays right
// across instances the way the subsidy view cache does: Forget (and so
// Revoke, RevokeSubject, ForgetSubject, ForgetCadres) publishes the token
// id on forgetChannel, each instance's Listen drops it, and the level
// serves only while its subscription is up, starting empty after every
// reconnect. A revocation therefore reaches the other instances as fast as
// Redis delivers a message, not after a TTL.
const (
	forgetChannel     = "auth:forget"
	localPrincipalTTL = time.Minute // bounds a stale entry should a message ever be missed
	localPrincipalMax = 100_000     // entries (~200 bytes each); beyond it, some are dropped
)

// broadcaster is a store shared between instances that can publish (kv.Redis).
type broadcaster interface {
	Publish(ctx context.Context, channel string, payload []byte) error
	Listen(ctx context.Context, channel string, l kv.Listener) error
}

type localPrincipals struct {
	mu    sync.Mutex
	items map[string]localPrincipal
	live  bool   // subscribed: forgets are being heard
	epoch uint64 // counts forgets and resets: a read begun before one is not stored after it
	now   func() time.Time
}

type localPrincipal struct {
	p       Principal
	expires time.Time
}

func newLocalPrincipals(now func() time.Time) *localPrincipals {
	return &localPrincipals{items: map[string]localPrincipal{}, now: now}
}

func (c *localPrincipals) get(tokenID string) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[tokenID]
	if !ok || !c.live {
		return Principal{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.items, tokenID)
		return Principal{}, false
	}
	return e.p, true
}

// begin returns the epoch a read of the shared store or the database
// starts in; put stores only in the same one.
func (c *localPrincipals) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// put keeps p until expires (at most localPrincipalTTL from now), unless
// the subscription is down or anything was forgotten since the read began:
// that read may be from before a revocation.
func (c *localPrincipals) put(p Principal, expires time.Time, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || epoch != c.epoch {
		return
	}
	if len(c.items) >= localPrincipalMax {
		n := 0
		for id := range c.items { // map order is random: a random tenth goes
			delete(c.items, id)
			if n++; n >= localPrincipalMax/10 {
				break
			}
		}
	}
	c.items[p.TokenID] = localPrincipal{p: p, expires: minTime(expires, c.now().Add(localPrincipalTTL))}
}

func (c *localPrincipals) isLive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

func (c *localPrincipals) forget(tokenID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, tokenID)
	c.epoch++
}

// reset empties the level; live says whether forgets are heard from now on.
func (c *localPrincipals) reset(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.items)
	c.live = live
	c.epoch++
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Listen hears other instances' Forget calls until ctx ends; the server
// runs it in the background. Without Redis it returns at once.
func (t *Tokens) Listen(ctx context.Context) error {
	if t.local == nil {
		return nil
	}
	defer t.local.reset(false)
	return t.bc.Listen(ctx, forgetChannel, kv.Listener{
		Up:      func() { t.local.reset(true) },
		Down:    func() { t.local.reset(false) },
		Message: func(p []byte) { t.local.forget(string(p)) },
	})
}
