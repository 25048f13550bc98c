package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"

	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	modeltest.Main(m)
}

// harness is the whole router on a real database, with helpers to sign in
// and call it. Every JSON response it sees is checked for unmasked
// personal numbers.
type harness struct {
	t      *testing.T
	db     *model.DB
	cfg    *config.Config
	srv    *Server
	auth   *auth.Service
	fx     *modeltest.Fixtures
	kv     kv.Store
	logBuf *bytes.Buffer

	subsidies *subsidy.Service
	reports   *report.Service
	clock     *testClock // the subsidy and report services' clock
}

// testClock is a clock tests set and move. It starts at harnessNow.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// harnessNow is Monday 2026-11-23 10:00 in Shanghai: dates in tests are fixed.
var harnessNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type harnessOption func(*config.Config)

func demoMode(c *config.Config) { c.Demo = true }

func newHarness(t *testing.T, db *model.DB, opts ...harnessOption) *harness {
	t.Helper()
	cfg := config.Default()
	for _, o := range opts {
		o(cfg)
	}
	store := kv.NewMemory()
	tokens, err := auth.NewTokens(db, store, []byte("test-token-secret-test-token-secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(db, tokens, auth.Options{TokenTTL: cfg.TokenTTL, AdminTTL: cfg.AdminTTL})
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &bytes.Buffer{}
	auditLog, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	disk, err := photo.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	photos, err := photo.New(db, disk, int64(cfg.UploadLimit))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(logBuf, nil))
	clock := &testClock{t: harnessNow}
	subsidies, err := subsidy.New(db, store, auditLog, subsidy.Options{GraceDays: cfg.PaymentGraceDays,
		CacheTTL: cfg.SubsidyCacheTTL, Location: cfg.Location(), Logger: logger, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	reports, err := report.New(db, subsidies, auditLog, report.Options{Policy: config.DefaultPolicy(), Location: cfg.Location(),
		Logger: logger, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Config: cfg, Logger: logger, DB: db, KV: store,
		Registry: NewRegistry(), Auth: a, Audit: auditLog, Photos: photos, Subsidies: subsidies, Reports: reports})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, db: db, cfg: cfg, srv: srv, auth: a, fx: modeltest.NewFixtures(t, db), kv: store, logBuf: logBuf,
		subsidies: subsidies, reports: reports, clock: clock}
}

// do sends a request; body is JSON-encoded unless it is already []byte or a
// string.
func (h *harness) do(method, path string, body any, token string, headers ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.srv.ServeHTTP(w, req)
	checkMasked(h.t, method+" "+path, w)
	return w
}

// signInUser returns a token for a WeChat user.
func (h *harness) signInUser(u model.User) string {
	h.t.Helper()
	out, err := h.auth.SignInUser(h.t.Context(), u.ID, "127.0.0.1", "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return out.Token
}

// signInAdmin returns a bearer token for an official.
func (h *harness) signInAdmin(a model.AdminUser) string {
	h.t.Helper()
	out, err := h.auth.SignInAdmin(h.t.Context(), a.ID, "127.0.0.1", "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return out.Token
}

// decode reads a JSON response into v.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body.String())
	}
	return v
}

// wantError checks an API.md failure: status, code, a Chinese message and
// the request id.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
	body := decode[errorBody](t, w)
	if body.Error.Code != code {
		t.Fatalf("error code %q, want %q (%s)", body.Error.Code, code, body.Error.Message)
	}
	if body.Error.Message == "" || body.Error.RequestID == "" {
		t.Fatalf("error lacks a message or request id: %s", w.Body.String())
	}
}

var (
	// An 18-character ID number: 17 digits then a digit or X, not part of a longer number.
	rawIDCard = regexp.MustCompile(`(^|[^0-9A-Za-z])[1-9][0-9]{16}[0-9Xx]([^0-9A-Za-z]|$)`)
	// A mainland mobile number not part of a longer number.
	rawMobile = regexp.MustCompile(`(^|[^0-9A-Za-z])1[3-9][0-9]{9}([^0-9A-Za-z]|$)`)
)

// checkMasked fails the test when a JSON response carries an unmasked ID
// card or mobile number (API.md: every personal number is masked).
func checkMasked(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.Contains(w.Header().Get("Content-Type"), "json") {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if rawIDCard.MatchString(x) || rawMobile.MatchString(x) {
				t.Errorf("%s: response carries an unmasked personal number: %q", what, x)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case json.Number:
			walk(x.String())
		}
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		walk(v)
	}
}
