package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/silenceper/wechat/v2/cache"

	"github.com/xiangbang/xiangbang/service/kv"
)

// storeCache is silenceper's cache.Cache and cache.ContextCache on our
// kv.Store: with Redis configured that is go-redis v9 (the SDK's own Redis
// cache is go-redis v8) and every instance shares one access token;
// without, it is the process's memory. Values are JSON, so the strings the
// SDK stores come back as strings.
type storeCache struct {
	store   kv.Store
	prefix  string
	timeout time.Duration // for the SDK's calls that carry no context
}

var (
	_ cache.Cache        = (*storeCache)(nil)
	_ cache.ContextCache = (*storeCache)(nil)
)

func newStoreCache(store kv.Store, timeout time.Duration) *storeCache {
	return &storeCache{store: store, prefix: "wechat:", timeout: timeout}
}

func (c *storeCache) bg() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout)
}

// getString is GetContext for our own callers, with the store's error.
func (c *storeCache) getString(ctx context.Context, key string) (string, error) {
	b, err := c.store.Get(ctx, c.prefix+key)
	if errors.Is(err, kv.ErrMiss) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", nil // not ours to read: treat as absent
	}
	return s, nil
}

// compareAndDelete drops key only while it still holds val, so that of
// many callers rejected with one token only the first drops it, and none
// drops the fresh token another has just fetched.
func (c *storeCache) compareAndDelete(ctx context.Context, key, val string) (bool, error) {
	b, err := json.Marshal(val)
	if err != nil {
		return false, err
	}
	return c.store.CompareAndDelete(ctx, c.prefix+key, b)
}

// GetContext implements cache.ContextCache; absent or unreadable is nil.
func (c *storeCache) GetContext(ctx context.Context, key string) any {
	b, err := c.store.Get(ctx, c.prefix+key)
	if err != nil {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v
}

// SetContext implements cache.ContextCache. A timeout of zero or less is
// not stored: the SDK subtracts its early-expiry margin from expires_in,
// and a kv entry without a ttl would keep a dead token forever.
func (c *storeCache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	if timeout <= 0 {
		return nil
	}
	b, err := json.Marshal(val)
	if err != nil {
		return err
	}
	return c.store.Set(ctx, c.prefix+key, b, timeout)
}

// IsExistContext implements cache.ContextCache.
func (c *storeCache) IsExistContext(ctx context.Context, key string) bool {
	_, err := c.store.Get(ctx, c.prefix+key)
	return err == nil
}

// DeleteContext implements cache.ContextCache.
func (c *storeCache) DeleteContext(ctx context.Context, key string) error {
	return c.store.Del(ctx, c.prefix+key)
}

// Get implements cache.Cache.
func (c *storeCache) Get(key string) any {
	ctx, cancel := c.bg()
	defer cancel()
	return c.GetContext(ctx, key)
}

// Set implements cache.Cache.
func (c *storeCache) Set(key string, val any, timeout time.Duration) error {
	ctx, cancel := c.bg()
	defer cancel()
	return c.SetContext(ctx, key, val, timeout)
}

// IsExist implements cache.Cache.
func (c *storeCache) IsExist(key string) bool {
	ctx, cancel := c.bg()
	defer cancel()
	return c.IsExistContext(ctx, key)
}

// Delete implements cache.Cache.
func (c *storeCache) Delete(key string) error {
	ctx, cancel := c.bg()
	defer cancel()
	return c.DeleteContext(ctx, key)
}
