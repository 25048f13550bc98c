package kv

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the Store shared by every instance.
type Redis struct {
	c      redis.UniversalClient
	prefix string
}

// NewRedis wraps a go-redis client; every key gets prefix, so deployments
// can share one Redis.
func NewRedis(c redis.UniversalClient, prefix string) *Redis {
	if c == nil {
		panic("kv: nil redis client")
	}
	return &Redis{c: c, prefix: prefix}
}

// Client exposes the client to code that needs Redis itself (the WeChat
// token cache adapter).
func (r *Redis) Client() redis.UniversalClient { return r.c }

// Prefix is the key prefix.
func (r *Redis) Prefix() string { return r.prefix }

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := r.c.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrMiss
	}
	return b, err
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return r.c.Set(ctx, r.prefix+key, value, ttl).Err()
}

// SetNX implements Store.
func (r *Redis) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	res, err := r.c.SetArgs(ctx, r.prefix+key, value, redis.SetArgs{Mode: "NX", TTL: ttl}).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return res == "OK", err
}

// Del implements Store.
func (r *Redis) Del(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	return r.c.Del(ctx, full...).Err()
}

// incrScript starts the window on the first increment only, so a steady
// stream of attempts cannot keep a counter alive forever.
var incrScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// Incr implements Store.
func (r *Redis) Incr(ctx context.Context, key string, window time.Duration) (int64, error) {
	return incrScript.Run(ctx, r.c, []string{r.prefix + key}, window.Milliseconds()).Int64()
}

// TTL implements Store.
func (r *Redis) TTL(ctx context.Context, key string) (time.Duration, error) {
	d, err := r.c.PTTL(ctx, r.prefix+key).Result()
	if err != nil || d < 0 {
		return 0, err
	}
	return d, nil
}

var compareAndDelete = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

var compareAndExpire = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

// CompareAndDelete implements Store.
func (r *Redis) CompareAndDelete(ctx context.Context, key string, value []byte) (bool, error) {
	n, err := compareAndDelete.Run(ctx, r.c, []string{r.prefix + key}, value).Int()
	return n == 1, err
}

// CompareAndExpire implements Store.
func (r *Redis) CompareAndExpire(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	n, err := compareAndExpire.Run(ctx, r.c, []string{r.prefix + key}, value, ttl.Milliseconds()).Int()
	return n == 1, err
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// Shared implements Store.
func (r *Redis) Shared() bool { return true }
