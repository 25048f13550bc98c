// Package kvtest gives tests a real Redis (XB_TEST_REDIS_ADDR) under a key
// prefix of their own, and runs a test on both Store implementations.
package kvtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/service/kv"
)

// EnvRedis names the Redis address tests use.
const EnvRedis = "XB_TEST_REDIS_ADDR"

// Client returns a go-redis client for the test Redis, or skips (fails on CI).
func Client(t testing.TB) *redis.Client {
	t.Helper()
	addr := os.Getenv(EnvRedis)
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("kvtest: %s is not set, and on CI the Redis tests are required", EnvRedis)
		}
		t.Skipf("kvtest: %s not set; Redis tests skipped", EnvRedis)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("kvtest: Redis at %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Prefix returns a key prefix no other test uses; its keys are deleted after.
func Prefix(t testing.TB, c *redis.Client) string {
	b := make([]byte, 6)
	rand.Read(b)
	p := "xbtest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, p+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return p
}

// Redis returns a Store on the test Redis under a fresh prefix.
func Redis(t testing.TB) *kv.Redis {
	t.Helper()
	c := Client(t)
	return kv.NewRedis(c, Prefix(t, c))
}

// ForEach runs fn on a Memory store and on a Redis store.
func ForEach(t *testing.T, fn func(t *testing.T, s kv.Store)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) { fn(t, kv.NewMemory()) })
	t.Run("redis", func(t *testing.T) { fn(t, Redis(t)) })
}
