package push_test

import (
	"context"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// TestQuietHoursHoldHouseholds: at night a household's message waits for
// the morning (held, not dropped, attempt not counted); a cadre's goes.
func TestQuietHoursHoldHouseholds(t *testing.T) {
	tests := []struct {
		name     string
		at       time.Time
		held     bool
		releases time.Time
	}{
		{"late evening", time.Date(2026, 5, 4, 22, 30, 0, 0, shanghai), true, time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai)},
		{"small hours", time.Date(2026, 5, 5, 3, 0, 0, 0, shanghai), true, time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai)},
		{"start of the window", time.Date(2026, 5, 4, 21, 0, 0, 0, shanghai), true, time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai)},
		{"end of the window", time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai), false, time.Time{}},
		{"daytime", time.Date(2026, 5, 4, 15, 0, 0, 0, shanghai), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
				e := newEnv(t, db)
				e.clock.Set(tt.at)
				hh, cadre := e.householdUser(), e.cadreUser()
				e.consent(hh, "payment", 1, false)
				data := map[string]string{"item": "低保", "amount": "1元", "status": "已到账"}
				e.enqueue(hh, "payment_paid", "hh", data)
				e.enqueue(cadre, "report_assigned", "cadre", nil)
				e.drain()
				if r := e.row("cadre"); r.State != model.OutboxSent {
					t.Errorf("cadre's message: %s, want sent whatever the hour", r.State)
				}
				r := e.row("hh")
				if !tt.held {
					if r.State != model.OutboxSent {
						t.Fatalf("household's message in the day: %s", r.State)
					}
					return
				}
				if r.State != model.OutboxQueued || r.HoldReason != "quiet_hours" || r.Attempts != 0 || !r.NextAttemptAt.Equal(tt.releases) {
					t.Fatalf("household's message at night: %s %q attempts %d until %s; want held until %s",
						r.State, r.HoldReason, r.Attempts, r.NextAttemptAt.In(shanghai), tt.releases)
				}
				if r.ConsentSpent || e.remaining(hh, "payment") != 1 {
					t.Error("a held message spent a consent")
				}
				e.clock.Set(tt.releases)
				e.drain()
				if r := e.row("hh"); r.State != model.OutboxSent || r.HoldReason != "" || r.Attempts != 1 {
					t.Fatalf("in the morning: %s %q attempts %d; want sent at the first attempt", r.State, r.HoldReason, r.Attempts)
				}
			})
		})
	}
}

// TestJobPushDailyCap: a worker gets at most the cap of job pushes a day;
// the rest wait for the next morning.
func TestJobPushDailyCap(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.JobDailyCap = 2 })
		worker, other := e.householdUser(), e.householdUser()
		e.consent(worker, "job", 10, false)
		e.consent(other, "job", 10, false)
		job := map[string]string{"job": "电子厂普工", "place": "县城产业园", "wage": "4000-5000元/月", "remark": "包吃住"}
		for _, k := range []string{"j1", "j2", "j3", "j4"} {
			e.enqueue(worker, push.KindJobMatch, k, job)
		}
		e.enqueue(other, push.KindJobMatch, "o1", job)
		e.enqueue(worker, "payment_paid", "not-capped", map[string]string{"item": "低保"})
		e.consent(worker, "payment", 1, false)
		e.drain()
		held, sent := 0, 0
		for _, k := range []string{"j1", "j2", "j3", "j4"} {
			switch r := e.row(k); {
			case r.State == model.OutboxSent:
				sent++
			case r.State == model.OutboxQueued && r.HoldReason == "daily_cap":
				held++
				if want := time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai); !r.NextAttemptAt.Equal(want) {
					t.Errorf("held until %s, want %s", r.NextAttemptAt.In(shanghai), want)
				}
			default:
				t.Errorf("%s: %s %q", k, r.State, r.HoldReason)
			}
		}
		if sent != 2 || held != 2 {
			t.Fatalf("sent %d and held %d job pushes, want 2 and 2", sent, held)
		}
		if e.row("o1").State != model.OutboxSent || e.row("not-capped").State != model.OutboxSent {
			t.Error("the cap held another worker's job push or a message of another kind")
		}
		e.clock.Set(time.Date(2026, 5, 5, 8, 0, 0, 0, shanghai))
		e.drain()
		if got := e.states()[model.OutboxSent]; got != 6 {
			t.Fatalf("%d sent the next morning, want all 6", got)
		}
	})
}

// TestDailyCapSurvivesRestart: the count starts from what the outbox says
// was sent today, so a new process (a fresh in-memory count) keeps the cap.
func TestDailyCapSurvivesRestart(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.JobDailyCap = 2 })
		u := e.householdUser()
		e.consent(u, "job", 10, false)
		e.enqueue(u, push.KindJobMatch, "j1", nil)
		e.enqueue(u, push.KindJobMatch, "j2", nil)
		e.drain()
		// Sent at the test clock's day: mark them so in real time too.
		db.Exec("UPDATE push_outbox SET sent_at = ? WHERE state = ?", e.clock.Now().UTC(), model.OutboxSent)
		restarted := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.JobDailyCap = 2 })
		restarted.clock.Set(e.clock.Now())
		restarted.enqueue(u, push.KindJobMatch, "j3", nil)
		restarted.drain()
		if r := restarted.row("j3"); r.State != model.OutboxQueued || r.HoldReason != "daily_cap" {
			t.Fatalf("after a restart the third job push of the day is %s %q, want held", r.State, r.HoldReason)
		}
	})
}

// TestRateLimitKeepsUnderWeChatsLimit: with our rate under WeChat's
// frequency limit, WeChat never answers 45011 and every message goes at
// the first attempt.
func TestRateLimitKeepsUnderWeChatsLimit(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.AppRate = 10; o.Concurrency = 16 })
		u := e.cadreUser()
		e.enqueue(u, "report_status", "warm-up", nil)
		e.drain()
		// wxmock counts in whole-second windows; a bucket of 10/s with a
		// burst of 10 puts at most 20 in any one of them.
		e.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{RateLimit: 20})
		for i := 0; i < 30; i++ {
			e.enqueue(u, "report_status", "r"+itoa(i), nil)
		}
		e.drain()
		var retried int64
		db.Model(&model.OutboxMessage{}).Where("state <> ? OR attempts <> 1", model.OutboxSent).Count(&retried)
		if retried != 0 {
			t.Fatalf("%d messages were not sent at the first attempt: WeChat's limit was hit", retried)
		}
	})
}

// TestRateLimitIsSharedThroughRedis: two workers, each with its own Redis
// connection as two instances would have, take from one bucket.
func TestRateLimitIsSharedThroughRedis(t *testing.T) {
	c := kvtest.Client(t)
	prefix := kvtest.Prefix(t, c)
	e := newEnv(t, modeltest.SQLite(t), func(o *push.Options, _ *wechat.Options) { o.AppRate = 10; o.Concurrency = 8; o.Batch = 10 })
	u := e.cadreUser()
	e.enqueue(u, "report_status", "warm-up", nil)
	e.drain()
	e.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{RateLimit: 20})
	for i := 0; i < 30; i++ {
		e.enqueue(u, "report_status", "r"+itoa(i), nil)
	}
	done := make(chan error, 2)
	for _, id := range []string{"a", "b"} {
		o := e.opts
		o.ID = id
		w, err := push.NewWorker(push.Deps{DB: e.db, WeChat: e.wx, KV: kv.NewRedis(c, prefix), Templates: e.tpl, Logger: quiet}, o)
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, err := w.Drain(context.Background()); done <- err }()
	}
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	var retried int64
	e.db.Model(&model.OutboxMessage{}).Where("state <> ? OR attempts <> 1", model.OutboxSent).Count(&retried)
	if retried != 0 {
		t.Fatalf("%d messages hit WeChat's limit: the workers did not share the rate", retried)
	}
}
