package wechat

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/miniprogram"
	miniauth "github.com/silenceper/wechat/v2/miniprogram/auth"
	miniconfig "github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/oauth"

	"github.com/xiangbang/xiangbang/service/kv"
)

// Options configure a Client: plain values, no SDK types.
type Options struct {
	// MiniappAppID and MiniappSecret are the mini-program's; empty: none.
	MiniappAppID  string
	MiniappSecret string
	// OfficialAppID and OfficialSecret are the official account's; empty: none.
	OfficialAppID  string
	OfficialSecret string
	// OfficialToken and OfficialAESKey are the callback's Token and
	// 43-character EncodingAESKey (safe and compatible modes).
	OfficialToken  string
	OfficialAESKey string
	// APIBase, when set, replaces WeChat's scheme and host in every
	// request (XB_WECHAT_API_BASE), e.g. http://127.0.0.1:9700.
	APIBase string
	// Store holds access tokens, the token lock and callback
	// de-duplication: Redis shares them between instances. Required.
	Store kv.Store
	// Logger is required.
	Logger *slog.Logger
	// HTTPTimeout bounds each request to WeChat; default 10 s.
	HTTPTimeout time.Duration
	// Transport sends the requests; default a transport of the Client's
	// own. Tests put a guard here that fails on any host but wxmock's.
	Transport http.RoundTripper
	// Now is the clock of the callback's timestamp window; default time.Now.
	Now func() time.Time
}

// DefaultHTTPTimeout bounds a request to WeChat when Options say nothing.
const DefaultHTTPTimeout = 10 * time.Second

// Client talks to WeChat for one mini-program and one official account.
// It is safe for concurrent use.
type Client struct {
	log      *slog.Logger
	route    *route
	timeout  time.Duration
	secrets  *strings.Replacer
	mini     *miniApp
	official *officialApp
	callback *Callback
}

type miniApp struct {
	appID  string
	auth   *miniauth.Auth
	tokens *tokenSource
}

type officialApp struct {
	appID  string
	oauth  *oauth.Oauth
	tokens *tokenSource
}

// New builds a Client from o. At least one app must be configured; calls
// to one that is not answer ErrNotConfigured.
func New(o Options) (*Client, error) {
	if o.Store == nil {
		return nil, errors.New("wechat: nil Store")
	}
	if o.Logger == nil {
		return nil, errors.New("wechat: nil Logger")
	}
	if o.MiniappAppID == "" && o.OfficialAppID == "" {
		return nil, errors.New("wechat: no AppID configured (use NewDemo for the demo)")
	}
	if (o.MiniappAppID != "" && o.MiniappSecret == "") || (o.OfficialAppID != "" && o.OfficialSecret == "") {
		return nil, errors.New("wechat: an AppID without its secret")
	}
	if o.OfficialAESKey != "" {
		if k, err := base64.StdEncoding.DecodeString(o.OfficialAESKey + "="); len(o.OfficialAESKey) != 43 || err != nil || len(k) != 32 {
			return nil, errors.New("wechat: OfficialAESKey must be the 43-character EncodingAESKey")
		}
	}
	base, err := parseBase(o.APIBase)
	if err != nil {
		return nil, err
	}
	if o.HTTPTimeout <= 0 {
		o.HTTPTimeout = DefaultHTTPTimeout
	}
	if o.Transport == nil {
		o.Transport = defaultTransport(o.HTTPTimeout)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	installSDK(o.Logger)

	c := &Client{
		log:     o.Logger,
		route:   &route{base: base, rt: o.Transport},
		timeout: o.HTTPTimeout,
		secrets: secretReplacer(o.MiniappSecret, o.OfficialSecret, o.OfficialToken, o.OfficialAESKey),
	}
	cache := newStoreCache(o.Store, o.HTTPTimeout)
	if o.MiniappAppID != "" {
		mp := miniprogram.NewMiniProgram(&miniconfig.Config{
			AppID: o.MiniappAppID, AppSecret: o.MiniappSecret, Cache: cache, UseStableAK: true})
		ts := newTokenSource("miniapp", o.MiniappAppID, o.MiniappSecret, c, cache, o.Store)
		mp.SetAccessTokenContextHandle(ts)
		c.mini = &miniApp{appID: o.MiniappAppID, auth: mp.GetAuth(), tokens: ts}
	}
	if o.OfficialAppID != "" {
		oa := officialaccount.NewOfficialAccount(&offconfig.Config{
			AppID: o.OfficialAppID, AppSecret: o.OfficialSecret, Token: o.OfficialToken,
			EncodingAESKey: o.OfficialAESKey, Cache: cache, UseStableAK: true})
		ts := newTokenSource("official", o.OfficialAppID, o.OfficialSecret, c, cache, o.Store)
		oa.SetAccessTokenHandle(ts)
		// The SDK's getters create their sub-clients lazily without a
		// lock: take the ones we use now, once, not per call.
		c.official = &officialApp{appID: o.OfficialAppID, oauth: oa.GetOauth(), tokens: ts}
	}
	c.callback = &Callback{appID: o.OfficialAppID, token: o.OfficialToken, aesKey: o.OfficialAESKey,
		store: o.Store, now: o.Now, log: o.Logger}
	return c, nil
}

// MiniappAppID is the configured mini-program's AppID.
func (c *Client) MiniappAppID() string {
	if c.mini == nil {
		return ""
	}
	return c.mini.appID
}

// OfficialAppID is the configured official account's AppID.
func (c *Client) OfficialAppID() string {
	if c.official == nil {
		return ""
	}
	return c.official.appID
}

// Callback is the official account's message callback.
func (c *Client) Callback() *Callback { return c.callback }

func (c *Client) redact(s string) string { return redact(s, c.secrets) }

// callCtx bounds one request and routes it.
func (c *Client) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	return withRoute(ctx, c.route), cancel
}

// withToken runs call with an access token from ts. When WeChat rejects
// the token (40001, 42001, 40014) it is dropped and call runs once more
// with a fresh one: the SDK does neither.
func (c *Client) withToken(ctx context.Context, op string, ts *tokenSource, call func(ctx context.Context, token string) error) error {
	ctx = withRoute(ctx, c.route)
	for attempt := 0; ; attempt++ {
		tok, err := ts.Token(ctx)
		if err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, c.timeout)
		err = c.classify(op, call(cctx, tok))
		cancel()
		if attempt == 0 && IsTokenError(err) {
			c.log.Warn("wechat: access token rejected; refreshing and retrying once", "op", op, "err", err)
			ts.Invalidate(ctx, tok)
			continue
		}
		return err
	}
}
