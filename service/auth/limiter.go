package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/kv"
)

// failureLimiter counts failed attempts per key (a user, an IP, a user
// name) in a fixed window, shared across instances when kv is Redis. Only
// failures count: a person who gets it right is never slowed down.
type failureLimiter struct {
	kv     kv.Store
	prefix string
	limit  int
	window time.Duration
}

// blocked returns a 429 error when any key has used up its failures.
func (l failureLimiter) blocked(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		raw, err := l.kv.Get(ctx, l.prefix+k)
		if err != nil {
			continue // a miss, or the store is down: do not lock people out for our fault
		}
		n, _ := strconv.Atoi(string(raw))
		if n >= l.limit {
			ttl, _ := l.kv.TTL(ctx, l.prefix+k)
			if ttl <= 0 {
				ttl = l.window
			}
			return apperr.New(apperr.TooMany, "too_many_attempts", "尝试次数过多，请稍后再试").WithRetryAfter(ttl)
		}
	}
	return nil
}

// fail records a failure against every key and reports whether this
// failure used up the last allowance of any of them (a lockout).
func (l failureLimiter) fail(ctx context.Context, keys ...string) (lockedOut bool) {
	for _, k := range keys {
		n, err := l.kv.Incr(ctx, l.prefix+k, l.window)
		if err == nil && int(n) == l.limit {
			lockedOut = true
		}
	}
	return lockedOut
}
