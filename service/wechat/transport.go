package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/sirupsen/logrus"
)

// The SDK sends every request through util.DefaultHTTPClient, a package
// variable that starts as http.DefaultClient. We replace it, once per
// process, with a client of our own whose transport, the dispatcher,
// sends each request the way the Client that made it says: the route in
// the request's context. So several Clients (tests, each with its own
// wxmock) live side by side, and a request without a route — an SDK
// method without a context variant, or code outside this package — is
// refused instead of reaching WeChat by surprise.
//
// sdkInstall is this package's only package-level state: it guards the
// one write of the SDK's variable (and of logrus's globals, below).
var sdkInstall sync.Once

// sdkClientTimeout backstops requests that somehow lack a deadline; every
// call here sets its own, shorter one (Options.HTTPTimeout).
const sdkClientTimeout = 60 * time.Second

// errRefused is a request the dispatcher would not send.
var errRefused = errors.New("wechat: request refused: not made through service/wechat's routed calls")

// installSDK points the SDK at the dispatcher and quiets its logger.
func installSDK(log *slog.Logger) {
	sdkInstall.Do(func() {
		// A new client: http.DefaultClient and its Transport belong to
		// everyone else in the process and are left alone.
		util.DefaultHTTPClient = &http.Client{Transport: dispatcher{}, Timeout: sdkClientTimeout}

		// The SDK logs through logrus's global logger, and the root
		// package's init (if anything imports it) sets it to debug on
		// stdout, where the callback server would print every decrypted
		// message. Keep warnings and errors only, redacted, through ours.
		logrus.SetLevel(logrus.WarnLevel)
		logrus.SetOutput(io.Discard)
		logrus.AddHook(logrusHook{log: log})
	})
}

type routeKey struct{}

// route is where a Client's requests go.
type route struct {
	base *url.URL          // replaces WeChat's scheme and host; nil: WeChat itself
	rt   http.RoundTripper // sends the request
}

func withRoute(ctx context.Context, r *route) context.Context {
	return context.WithValue(ctx, routeKey{}, r)
}

// isWeChatHost reports whether host is one of WeChat's API hosts
// (api.weixin.qq.com and its regional twins, open/mp.weixin.qq.com).
func isWeChatHost(host string) bool {
	return host == "weixin.qq.com" || strings.HasSuffix(host, ".weixin.qq.com")
}

// dispatcher is the SDK client's transport.
type dispatcher struct{}

func (dispatcher) RoundTrip(req *http.Request) (*http.Response, error) {
	r, _ := req.Context().Value(routeKey{}).(*route)
	if r == nil {
		closeBody(req)
		return nil, errRefused
	}
	if !isWeChatHost(req.URL.Hostname()) {
		closeBody(req)
		return nil, fmt.Errorf("%w (host %s is not WeChat's)", errRefused, req.URL.Hostname())
	}
	if r.base != nil {
		req = rewrite(req, r.base)
	}
	return r.rt.RoundTrip(req)
}

// rewrite sends req to base: its scheme and host, and its path as a
// prefix. A RoundTripper must not modify its request, hence the clone.
func rewrite(req *http.Request, base *url.URL) *http.Request {
	out := req.Clone(req.Context())
	out.URL.Scheme = base.Scheme
	out.URL.Host = base.Host
	if p := strings.TrimSuffix(base.Path, "/"); p != "" {
		out.URL.Path = p + out.URL.Path
		out.URL.RawPath = ""
	}
	out.Host = base.Host
	return out
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// parseBase checks XB_WECHAT_API_BASE.
func parseBase(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("wechat: API base %q: want http(s)://host[:port][/path]", s)
	}
	return u, nil
}

// defaultTransport is a Client's own, so its connections and timeouts are
// not shared with the rest of the process.
func defaultTransport(timeout time.Duration) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	t.ResponseHeaderTimeout = timeout
	return t
}

// logrusHook forwards the SDK's warnings and errors to our logger.
type logrusHook struct{ log *slog.Logger }

func (logrusHook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (h logrusHook) Fire(e *logrus.Entry) error {
	h.log.Warn("wechat sdk: " + redact(e.Message, nil))
	return nil
}
