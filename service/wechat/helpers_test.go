package wechat

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// guard is the test transport: it lets requests reach wxmock only, and
// fails the test on any other host, so nothing here tries WeChat.
type guard struct {
	t       testing.TB
	allowed string // wxmock's host:port
	fail    bool   // fail the test on a denied request (else only record it)
	next    http.RoundTripper

	mu     sync.Mutex
	denied []string
}

func newGuard(t testing.TB, mockURL string) *guard {
	u, err := url.Parse(mockURL)
	if err != nil {
		t.Fatal(err)
	}
	return &guard{t: t, allowed: u.Host, fail: true, next: http.DefaultTransport.(*http.Transport).Clone()}
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != g.allowed {
		g.mu.Lock()
		g.denied = append(g.denied, req.URL.Host)
		g.mu.Unlock()
		if g.fail {
			g.t.Errorf("a request left for %s, not wxmock at %s", req.URL.Host, g.allowed)
		}
		return nil, errors.New("guard: host not allowed in tests")
	}
	return g.next.RoundTrip(req)
}

func (g *guard) deniedHosts() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.denied...)
}

// logBuf collects log lines, safely from many goroutines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is a wxmock and a Client pointed at it through the guard.
type fixture struct {
	mock   *wxmock.Server
	url    string
	client *Client
	guard  *guard
	logs   *logBuf
}

// newFixture starts a wxmock and a Client on store; edit adjusts the
// Options before New.
func newFixture(t testing.TB, store kv.Store, edit func(*Options)) *fixture {
	t.Helper()
	mock := wxmock.New(wxmock.Options{})
	srv := httptest.NewServer(mock.Handler())
	t.Cleanup(srv.Close)
	f := &fixture{mock: mock, url: srv.URL, guard: newGuard(t, srv.URL), logs: &logBuf{}}
	f.client = f.newClient(t, store, edit)
	return f
}

// newClient is another Client (another instance) on the same wxmock.
func (f *fixture) newClient(t testing.TB, store kv.Store, edit func(*Options)) *Client {
	t.Helper()
	o := Options{Store: store, Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Transport: f.guard}
	demoApps(&o, f.url)
	if edit != nil {
		edit(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func okTemplate(to string) TemplateMessage {
	return TemplateMessage{ToUser: to, TemplateID: "tpl-subsidy", Data: map[string]string{"first": "您的补贴已发放"}}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newTextLogger(w *logBuf) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
