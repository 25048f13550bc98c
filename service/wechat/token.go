package wechat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/silenceper/wechat/v2/credential"
	"golang.org/x/sync/singleflight"

	"github.com/xiangbang/xiangbang/service/kv"
)

// tokenSource hands out one app's access token.
//
// Tokens come from stable_token (the SDK's StableAccessToken), which in
// normal mode returns the token in force instead of replacing it, so
// instances and deployments sharing an AppID do not invalidate each
// other's. The token lives in the kv.Store under the key the SDK uses;
// when it is missing, one caller per process fetches it (single flight)
// and one instance at a time (a lock in the store), the others wait for
// it to appear. When WeChat rejects a token, Invalidate drops it.
type tokenSource struct {
	label    string // "miniapp" or "official", for logs
	appID    string
	cache    *storeCache
	store    kv.Store
	sdk      credential.AccessTokenContextHandle
	key      string // the cache key, in the SDK's format
	lockKey  string
	group    singleflight.Group
	log      *slog.Logger
	classify func(op string, err error) error

	fetchTimeout time.Duration // one stable_token call
	lockTTL      time.Duration // longer than a fetch, so a lock outlives its holder only when it died
	poll         time.Duration // how often a waiting instance looks for the token
}

func newTokenSource(label, appID, secret string, c *Client, cache *storeCache, store kv.Store) *tokenSource {
	prefix := "token_" + label
	return &tokenSource{
		label: label, appID: appID, cache: cache, store: store, log: c.log, classify: c.classify,
		sdk: credential.NewStableAccessToken(appID, secret, prefix, cache),
		// credential.StableAccessToken keys its cache entry this way.
		key:          fmt.Sprintf("%s_stable_access_token_%s", prefix, appID),
		lockKey:      "wechat:token-lock:" + appID,
		fetchTimeout: c.timeout,
		lockTTL:      c.timeout + 5*time.Second,
		poll:         25 * time.Millisecond,
	}
}

// GetAccessToken implements credential.AccessTokenHandle for SDK code
// that asks without a context; its request will be refused unrouted.
func (t *tokenSource) GetAccessToken() (string, error) {
	return t.GetAccessTokenContext(context.Background())
}

// GetAccessTokenContext implements credential.AccessTokenContextHandle, so
// that the SDK's own clients use this source too.
func (t *tokenSource) GetAccessTokenContext(ctx context.Context) (string, error) {
	return t.Token(ctx)
}

// Token returns the access token, fetching it when none is cached.
func (t *tokenSource) Token(ctx context.Context) (string, error) {
	tok, err := t.cache.getString(ctx, t.key)
	if err != nil {
		t.log.Warn("wechat: token cache unreadable; fetching instead", "app", t.label, "err", err)
	}
	if tok != "" {
		return tok, nil
	}
	// The fetch outlives a caller that gives up: the others share it.
	ch := t.group.DoChan("token", func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.lockTTL+t.fetchTimeout)
		defer cancel()
		return t.refresh(fctx)
	})
	select {
	case <-ctx.Done():
		return "", t.classify("AccessToken", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

// refresh takes the store's lock and fetches, or waits for the instance
// holding it to store the token.
func (t *tokenSource) refresh(ctx context.Context) (string, error) {
	owner := make([]byte, 8)
	_, _ = rand.Read(owner)
	ownerID := []byte(hex.EncodeToString(owner))
	for {
		if tok, _ := t.cache.getString(ctx, t.key); tok != "" {
			return tok, nil
		}
		got, err := t.store.SetNX(ctx, t.lockKey, ownerID, t.lockTTL)
		if err != nil {
			// Without the store there is no cache either; a token now
			// matters more than an extra fetch.
			t.log.Warn("wechat: token lock unavailable; fetching without it", "app", t.label, "err", err)
			return t.fetch(ctx)
		}
		if got {
			defer func() {
				rctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				_, _ = t.store.CompareAndDelete(rctx, t.lockKey, ownerID)
			}()
			return t.fetch(ctx)
		}
		select {
		case <-ctx.Done():
			return "", t.classify("AccessToken", fmt.Errorf("waiting for another instance's token: %w", ctx.Err()))
		case <-time.After(t.poll):
		}
	}
}

// fetch asks WeChat through the SDK, which looks at the cache once more,
// calls stable_token and stores the token for expires_in less 300 s.
func (t *tokenSource) fetch(ctx context.Context) (string, error) {
	fctx, cancel := context.WithTimeout(ctx, t.fetchTimeout)
	defer cancel()
	tok, err := t.sdk.GetAccessTokenContext(fctx)
	if tok == "" {
		if err == nil {
			err = fmt.Errorf("stable_token answered no token")
		}
		return "", t.classify("AccessToken", err)
	}
	if err != nil { // the token came, but could not be cached
		t.log.Warn("wechat: access token not cached", "app", t.label, "err", t.classify("AccessToken", err))
	}
	t.log.Info("wechat: access token fetched", "app", t.label, "appid", t.appID)
	return tok, nil
}

// Invalidate drops bad from the cache if it is still the cached token.
func (t *tokenSource) Invalidate(ctx context.Context, bad string) {
	dropped, err := t.cache.compareAndDelete(ctx, t.key, bad)
	if err != nil {
		t.log.Warn("wechat: could not drop rejected access token", "app", t.label, "err", err)
		return
	}
	if dropped {
		t.log.Info("wechat: dropped access token WeChat rejected", "app", t.label)
	}
}
