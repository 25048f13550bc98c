package push_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// shanghai is the zone of the tests' clocks.
var shanghai = time.FixedZone("CST", 8*3600)

// clock is a settable time for the worker.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// env is a worker on a real database against wxmock, with fixtures.
type env struct {
	t     testing.TB
	db    *model.DB
	fx    *modeltest.Fixtures
	wx    *wechat.Client
	mock  *wxmock.Server
	kv    kv.Store
	tpl   *config.PushTemplates
	clock *clock
	opts  push.Options
}

type envOption func(*push.Options, *wechat.Options)

func newEnv(t testing.TB, db *model.DB, opts ...envOption) *env {
	t.Helper()
	store := kv.NewMemory()
	e := &env{t: t, db: db, fx: modeltest.NewFixtures(t, db), kv: store, tpl: config.DefaultPushTemplates(),
		clock: &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, shanghai)}}
	e.opts = push.Options{ID: "test-worker", MaxAttempts: 5, BackoffBase: 30 * time.Second, BackoffMax: time.Hour,
		Lease: 30 * time.Second, Concurrency: 8, Batch: 50, Poll: 20 * time.Millisecond, AppRate: 100000, JobDailyCap: 3,
		QuietHours: mustQuiet(t, "21:00-08:00"), Location: shanghai, Now: e.clock.Now}
	wo := wechat.Options{Store: store, Logger: quiet}
	for _, o := range opts {
		o(&e.opts, &wo)
	}
	wx, mock, err := wechat.NewDemo(wo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mock.Close() })
	for id, keys := range e.tpl.MockTemplates() {
		mock.AddTemplate(id, keys...)
	}
	e.wx, e.mock = wx, mock
	return e
}

func mustQuiet(t testing.TB, s string) config.QuietHours {
	q, err := config.ParseQuietHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// worker returns a new worker (each with its own lease owner name).
func (e *env) worker(id string) *push.Worker {
	e.t.Helper()
	o := e.opts
	o.ID = id
	w, err := push.NewWorker(push.Deps{DB: e.db, WeChat: e.wx, KV: e.kv, Templates: e.tpl, Logger: quiet}, o)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// drain runs one worker until nothing is due.
func (e *env) drain() int {
	e.t.Helper()
	n, err := e.worker(e.opts.ID).Drain(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// follow makes u a follower of the official account.
func (e *env) follow(u *model.User) {
	e.t.Helper()
	openid := fmt.Sprintf("off-openid-%d", u.ID)
	u.OfficialOpenid, u.FollowsOfficial = &openid, true
	if err := e.db.Save(u).Error; err != nil {
		e.t.Fatal(err)
	}
}

// cadreUser is a cadre's WeChat user who follows the official account.
func (e *env) cadreUser() model.User {
	e.t.Helper()
	u := e.fx.CadreUser(e.fx.Cadre("410122100201"))
	e.follow(&u)
	return u
}

// householdUser is a household member's mini-program user.
func (e *env) householdUser() model.User {
	e.t.Helper()
	h, m := e.fx.Household("410122100201")
	_ = h
	return e.fx.HouseholdUser(m)
}

// consent gives u n one-time consents for a subscribe template.
func (e *env) consent(u model.User, key string, n int, longTerm bool) {
	e.t.Helper()
	now := time.Now().UTC()
	if err := e.db.Create(&model.SubscriptionConsent{UserID: u.ID, TemplateKey: key, Remaining: n, LongTerm: longTerm,
		CreatedAt: now, UpdatedAt: now}).Error; err != nil {
		e.t.Fatal(err)
	}
}

// enqueue queues a notice to u now.
func (e *env) enqueue(u model.User, kind, key string, data map[string]string) {
	e.t.Helper()
	if _, err := push.Enqueue(context.Background(), e.db, u.ID, push.Notice{Kind: kind, DedupeKey: key, Data: data,
		NotBefore: e.clock.Now()}); err != nil {
		e.t.Fatal(err)
	}
}

// row reads the outbox row of a dedupe key.
func (e *env) row(key string) model.OutboxMessage {
	e.t.Helper()
	var r model.OutboxMessage
	if err := e.db.Where("dedupe_key = ?", key).Take(&r).Error; err != nil {
		e.t.Fatalf("outbox row %s: %v", key, err)
	}
	return r
}

// states counts outbox rows by state.
func (e *env) states() map[string]int {
	e.t.Helper()
	var rows []struct {
		State string
		N     int
	}
	if err := e.db.Raw("SELECT state, COUNT(*) AS n FROM push_outbox GROUP BY state").Scan(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out
}

func (e *env) remaining(u model.User, key string) int {
	e.t.Helper()
	var c model.SubscriptionConsent
	if err := e.db.Where("user_id = ? AND template_key = ?", u.ID, key).Take(&c).Error; err != nil {
		e.t.Fatal(err)
	}
	return c.Remaining
}

func payload(m wxmock.Message) string {
	b, _ := json.Marshal(m.Data)
	return string(b)
}
