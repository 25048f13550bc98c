package chatbot

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/jobs"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/subsidy"
	"github.com/xiangbang/xiangbang/service/visits"
	"github.com/xiangbang/xiangbang/service/wechat"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// newTestService is the bot on db and store, with WeChat played by wxmock.
func newTestService(t *testing.T, db *model.DB, store kv.Store) *Service {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	wx, mock, err := wechat.NewDemo(wechat.Options{Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mock.Close() })
	auditLog, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := risk.New(db, risk.Options{Policy: config.DefaultPolicy(), Audit: auditLog, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := visits.New(db, visits.Options{Policy: config.DefaultPolicy(), Audit: auditLog, Location: time.UTC, Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	board, err := jobs.FromConfig(config.Default(), db, modeltest.Cipher(t), auditLog, nil)
	if err != nil {
		t.Fatal(err)
	}
	subsidies, err := subsidy.New(db, store, auditLog, subsidy.Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{DB: db, KV: store, WeChat: wx, Intents: shippedIntents(t), Subsidies: ServiceSubsidies{Service: subsidies},
		Jobs: SQLJobs{DB: db, Matcher: board.Engine()}, Visits: CadreVisits{Service: vs, Location: time.UTC}, Logger: log}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRetriesAcrossInstances is WeChat's retries of one message reaching
// two instances behind a load balancer at once, sharing the kv store
// (Redis in production): one answers, the other waits for that answer,
// and one conversation is kept.
func TestRetriesAcrossInstances(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		db := modeltest.SQLite(t)
		a, b := newTestService(t, db, store), newTestService(t, db, store)
		cases := []struct {
			name string
			in   wechat.InboundMessage
		}{
			{"text", wechat.InboundMessage{ToUserName: "gh_x", OpenID: "oRetry1", MsgType: "text", MsgID: 777001, Content: "今天天气怎么样",
				CreateTime: time.Unix(1789869600, 0)}},
			{"click", wechat.InboundMessage{ToUserName: "gh_x", OpenID: "oRetry2", MsgType: "event", Event: "CLICK", EventKey: "HELP",
				CreateTime: time.Unix(1789869601, 0)}},
			{"unsubscribe", wechat.InboundMessage{ToUserName: "gh_x", OpenID: "oRetry3", MsgType: "event", Event: "unsubscribe",
				CreateTime: time.Unix(1789869602, 0)}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				replies := make([]*wechat.Reply, 6)
				var wg sync.WaitGroup
				for i := range replies {
					svc := a
					if i%2 == 1 {
						svc = b
					}
					wg.Go(func() {
						in := c.in // each delivery is parsed anew
						replies[i] = svc.Answer(t.Context(), &in)
					})
				}
				wg.Wait()
				for i, r := range replies {
					if (r == nil) != (replies[0] == nil) || (r != nil && r.Text != replies[0].Text) {
						t.Fatalf("delivery %d answered %+v, the first %+v", i, r, replies[0])
					}
					if r != nil && r.Text == "系统繁忙，请稍后再试" {
						t.Fatalf("delivery %d answered busy", i)
					}
				}
			})
		}
		a.Close()
		b.Close()
		var n int64
		if err := db.Model(&model.ChatMessage{}).Count(&n).Error; err != nil || n != 3 {
			t.Fatalf("%d conversations, want 3 (%v)", n, err)
		}
	})
}
