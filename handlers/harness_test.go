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
	"github.com/xiangbang/xiangbang/service/chatbot"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/employment"
	"github.com/xiangbang/xiangbang/service/exports"
	"github.com/xiangbang/xiangbang/service/imports"
	"github.com/xiangbang/xiangbang/service/jobs"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/subsidy"
	"github.com/xiangbang/xiangbang/service/visits"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	modeltest.Main(m)
}

// harness is the whole router on a real database, with helpers to sign in
// and call it. Every JSON response it sees is checked for unmasked
// personal numbers.
type harness struct {
	t      testing.TB
	db     *model.DB
	cfg    *config.Config
	srv    *Server
	auth   *auth.Service
	fx     *modeltest.Fixtures
	kv     kv.Store
	logBuf *syncBuffer
	wx     *wechat.Client
	mock   *wxmock.Server
	bot    *chatbot.Service
	jobs   *jobs.Service
	runner *imports.Runner

	subsidies *subsidy.Service
	reports   *report.Service
	// payClock is the subsidy and report services' clock; it starts at harnessNow.
	payClock *testClock
	// clock is the time of the callback's timestamp window, the bot's
	// "today" and the visit, job and risk services' clock; real time
	// unless a test sets it.
	clock *testClock
}

// syncBuffer collects log lines; the bot logs from its own goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harnessNow is Monday 2026-11-23 10:00 in Shanghai: the subsidy and
// report tests' fixed "now".
var harnessNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// testClock is real time until set.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

type harnessOption func(*config.Config)

func demoMode(c *config.Config) { c.Demo = true }

func newHarness(t testing.TB, db *model.DB, opts ...harnessOption) *harness {
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
	logBuf := &syncBuffer{}
	clock := &testClock{}
	wx, mock, err := wechat.NewDemo(wechat.Options{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mock.Close() })
	auditLog, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(auth.Deps{DB: db, Tokens: tokens, KV: store, Cipher: modeltest.Cipher(t), Audit: auditLog, WeChat: wx},
		auth.Options{TokenTTL: cfg.TokenTTL, AdminTTL: cfg.AdminTTL, BindLimit: cfg.BindLimit, BindWindow: cfg.BindWindow,
			AdminLoginLimit: cfg.AdminLoginLimit, InviteTTL: cfg.InviteTTL, PasswordCost: 4, Location: cfg.Location()})
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
	consoleSvc, err := console.New(console.Deps{DB: db, Audit: auditLog, Policy: config.DefaultPolicy()},
		console.Options{GraceDays: cfg.PaymentGraceDays, Location: cfg.Location()})
	if err != nil {
		t.Fatal(err)
	}
	var demoMock *wxmock.Server
	if cfg.Demo {
		demoMock = mock
	}
	policy := config.DefaultPolicy()
	riskSvc, err := risk.New(db, risk.Options{Policy: policy, Audit: auditLog, Location: cfg.Location(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	visitSvc, err := visits.New(db, visits.Options{Policy: policy, Audit: auditLog, Location: cfg.Location(),
		PaymentGraceDays: cfg.PaymentGraceDays, Now: clock.Now, Flags: riskSvc})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := push.NewSubscriptions(db, config.DefaultPushTemplates(), nil)
	if err != nil {
		t.Fatal(err)
	}
	jobBoard, err := jobs.FromConfig(cfg, db, modeltest.Cipher(t), auditLog, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	intents, err := config.LoadChatbotIntents(cfg.ChatbotIntents)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(logBuf, nil))
	payClock := &testClock{at: harnessNow}
	subsidies, err := subsidy.New(db, store, auditLog, subsidy.Options{GraceDays: cfg.PaymentGraceDays,
		CacheTTL: cfg.SubsidyCacheTTL, Location: cfg.Location(), Logger: logger, Now: payClock.Now})
	if err != nil {
		t.Fatal(err)
	}
	loc := cfg.Location()
	bot, err := chatbot.New(chatbot.Deps{DB: db, KV: store, WeChat: wx, Intents: chatbot.NewIntents(intents),
		Subsidies: chatbot.ServiceSubsidies{Service: subsidies}, Jobs: chatbot.SQLJobs{DB: db, Matcher: jobBoard.Engine()},
		Visits: chatbot.CadreVisits{Service: visitSvc, Location: loc}, Logger: logger},
		chatbot.Options{Deadline: cfg.CallbackDeadline, Location: loc, LinkURL: "https://xiangbang.example.cn/", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bot.Close() }) // before the database closes: cleanups run last first
	work, err := employment.New(db, auditLog, riskSvc, cfg.Location(), nil)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := report.New(db, subsidies, auditLog, report.Options{Policy: config.DefaultPolicy(), Location: cfg.Location(),
		Logger: logger, Now: payClock.Now})
	if err != nil {
		t.Fatal(err)
	}
	importSvc, err := imports.New(imports.Deps{DB: db, Cipher: modeltest.Cipher(t), Audit: auditLog, Items: config.DefaultSubsidyItems(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Payments: subsidies, Sessions: tokens}, imports.Options{DataDir: t.TempDir(), Location: cfg.Location()})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := imports.NewRunner(importSvc, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(runner.Stop)
	exportSvc, err := exports.New(exports.Deps{DB: db, Audit: auditLog, Policy: config.DefaultPolicy()},
		exports.Options{GraceDays: cfg.PaymentGraceDays, Location: cfg.Location()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Config: cfg, Logger: logger, DB: db, KV: store,
		Registry: NewRegistry(), Auth: a, Audit: auditLog, Photos: photos, Visits: visitSvc, Risk: riskSvc, Subscriptions: subs,
		WeChat: wx, Chatbot: bot, Jobs: jobBoard, Employment: work, Imports: runner, Exports: exportSvc,
		Console: consoleSvc, WXMock: demoMock, Subsidies: subsidies, Reports: reports})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, db: db, cfg: cfg, srv: srv, auth: a, fx: modeltest.NewFixtures(t, db), kv: store, logBuf: logBuf,
		wx: wx, mock: mock, bot: bot, clock: clock, jobs: jobBoard, runner: runner,
		subsidies: subsidies, reports: reports, payClock: payClock}
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
func decode[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body.String())
	}
	return v
}

// wantError checks an API.md failure: status, code, a Chinese message and
// the request id.
func wantError(t testing.TB, w *httptest.ResponseRecorder, status int, code string) {
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

// revealsContact is the one response allowed to carry a full number: a
// worker's "I want this job" (POST /api/v1/jobs/{id}/interest) answers the
// employer's contact in full, in the top-level field contact_phone_full.
// The worker asked for it, and it is the employer's business line, not a
// household's personal data. Every other field of that response, and that
// field name anywhere else, is still checked.
var revealsContact = regexp.MustCompile(`^POST /api/v1/jobs/[0-9]+/interest$`)

// checkMasked fails the test when a JSON response carries an unmasked ID
// card or mobile number (API.md: every personal number is masked).
func checkMasked(t testing.TB, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.Contains(w.Header().Get("Content-Type"), "json") {
		return
	}
	for _, x := range unmasked(what, w.Body.Bytes()) {
		t.Errorf("%s: response carries an unmasked personal number: %q", what, x)
	}
	for _, x := range utcTimes(w.Body.Bytes()) {
		t.Errorf("%s: response carries a time in UTC, API.md wants the +08:00 offset: %q", what, x)
	}
}

// utcTime is an RFC 3339 time written in UTC ("Z"), as a time read from the
// database and not put in the deployment's zone looks in JSON.
var utcTime = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$`)

// utcTimes returns the strings of a JSON body that are times in UTC.
func utcTimes(body []byte) []string {
	var found []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if utcTime.MatchString(x) {
				found = append(found, x)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		walk(v)
	}
	return found
}

// unmasked returns the strings of a JSON body that hold an unmasked ID
// card or mobile number; what is the request ("POST /api/v1/...").
func unmasked(what string, body []byte) []string {
	allowContact := revealsContact.MatchString(what)
	var found []string
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch x := v.(type) {
		case string:
			if rawIDCard.MatchString(x) || rawMobile.MatchString(x) {
				found = append(found, x)
			}
		case map[string]any:
			for k, e := range x {
				if top && allowContact && k == "contact_phone_full" {
					continue
				}
				walk(e, false)
			}
		case []any:
			for _, e := range x {
				walk(e, false)
			}
		case json.Number:
			walk(x.String(), false)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		walk(v, true)
	}
	return found
}
