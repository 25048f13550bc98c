package subsidy

import (
	"sync"
	"time"
)

// localCache is the first level of the view cache, in this process, in
// front of the shared store (Redis): a hit costs no round trip. It stays
// right across instances by hearing every household's new generation
// (InvalidateHousehold publishes it; Listen delivers it), and it serves
// only while it is sure to hear them: from the moment the subscription is
// up, and not across a gap in it (reset drops everything). A view is
// served only while its generation is the newest one heard for its
// household; one stored after a newer generation was heard is refused.
type localCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	views    map[string]localView
	gens     map[int64]heardGen // the newest generation heard, per household
	live     bool               // subscribed: invalidations are being heard
	epoch    uint64             // counts resets, so a read begun before one is not stored after it
	ttl      time.Duration      // of views; generations are kept twice as long
	now      func() time.Time
	sweeps   int
}

type localView struct {
	household int64
	gen       string
	body      []byte
	expires   time.Time
}

type heardGen struct {
	gen     string
	expires time.Time
}

func newLocalCache(maxBytes int, ttl time.Duration, now func() time.Time) *localCache {
	return &localCache{maxBytes: maxBytes, ttl: ttl, now: now, views: map[string]localView{}, gens: map[int64]heardGen{}}
}

// get returns the view stored under key when it may be served.
func (c *localCache) get(key string, household int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.views[key]
	if !ok || !c.live {
		return nil
	}
	if !c.now().Before(v.expires) || !c.current(household, v.gen) {
		c.drop(key, v)
		return nil
	}
	return v.body
}

// current reports whether gen is the newest generation heard for the
// household (any generation is, while none has been heard since the reset).
func (c *localCache) current(household int64, gen string) bool {
	h, ok := c.gens[household]
	return !ok || !c.now().Before(h.expires) || h.gen == gen
}

// begin returns the epoch a read starts in; put stores only in the same one.
func (c *localCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// put stores a view read under generation gen, unless the subscription is
// down or was reset since the read began, or a newer generation has been
// heard for the household meanwhile.
func (c *localCache) put(key string, household int64, gen string, body []byte, epoch uint64) {
	if len(body) > c.maxBytes/16 {
		return // one household must not push out sixteen others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || epoch != c.epoch || !c.current(household, gen) {
		return
	}
	if old, ok := c.views[key]; ok {
		c.drop(key, old)
	}
	c.evict(len(body))
	c.views[key] = localView{household: household, gen: gen, body: body, expires: c.now().Add(c.ttl)}
	c.bytes += len(body)
}

// heard records a household's new generation: its older views stop counting.
func (c *localCache) heard(household int64, gen string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[household] = heardGen{gen: gen, expires: c.now().Add(2*c.ttl + time.Minute)}
	c.sweeps++
	if c.sweeps%4096 == 0 {
		now := c.now()
		for h, g := range c.gens {
			if !now.Before(g.expires) {
				delete(c.gens, h)
			}
		}
	}
}

// reset starts over when the subscription is (re)established: whatever
// was stored before may have missed an invalidation.
func (c *localCache) reset(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.views, c.gens, c.bytes = map[string]localView{}, map[int64]heardGen{}, 0
	c.live = live
	c.epoch++
}

// evict makes room for n more bytes, dropping expired views first and then
// views in the map's (random) order until a tenth of the budget is free.
func (c *localCache) evict(n int) {
	if c.bytes+n <= c.maxBytes {
		return
	}
	now := c.now()
	for k, v := range c.views {
		if !now.Before(v.expires) {
			c.drop(k, v)
		}
	}
	for k, v := range c.views {
		if c.bytes+n <= c.maxBytes*9/10 {
			break
		}
		c.drop(k, v)
	}
}

func (c *localCache) drop(key string, v localView) {
	delete(c.views, key)
	c.bytes -= len(v.body)
}

// isLive reports whether the local cache may serve (its subscription is up).
func (c *localCache) isLive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}
