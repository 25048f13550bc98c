// Package kv is the small key-value store the services share for what may
// be lost and rebuilt: caches, rate-limit counters, retry de-duplication and
// locks. With Redis configured it is shared by every instance; without, it
// lives in the process (one instance only). Losing it never loses a record.
package kv

import (
	"context"
	"errors"
	"time"
)

// ErrMiss is returned by Get for an absent or expired key.
var ErrMiss = errors.New("kv: miss")

// Store is implemented by Redis and Memory.
type Store interface {
	// Get returns the value, or ErrMiss.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores a value for ttl (0: no expiry).
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX stores the value only when the key is absent, reporting whether it did.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Del removes keys.
	Del(ctx context.Context, keys ...string) error
	// Incr adds one to a counter and returns the new count; the window starts
	// at the first increment and the counter expires after it.
	Incr(ctx context.Context, key string, window time.Duration) (int64, error)
	// TTL returns how long a key has left (0 when absent or without expiry).
	TTL(ctx context.Context, key string) (time.Duration, error)
	// CompareAndDelete deletes key only while it holds value: releasing a
	// lock that is still ours.
	CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error)
	// CompareAndExpire extends key's ttl only while it holds value: renewing a
	// lock that is still ours.
	CompareAndExpire(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// TakeTokens takes up to n tokens from the token bucket at key, which
	// holds at most burst tokens and refills at rate per second (it starts
	// full). It returns how many it took and, when fewer than n, how long
	// until the next token: a rate limit every instance shares.
	TakeTokens(ctx context.Context, key string, rate float64, burst, n int) (int, time.Duration, error)
	// Ping checks the store answers.
	Ping(ctx context.Context) error
	// Shared reports whether other instances see the same store.
	Shared() bool
}
