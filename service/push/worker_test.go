package push_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestWorkerSendsOnBothChannels(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		cadre := e.cadreUser()
		withConsent, noConsent, longTerm := e.householdUser(), e.householdUser(), e.householdUser()
		e.consent(withConsent, "payment", 2, false)
		e.consent(longTerm, "payment", 0, true)
		data := map[string]string{"item": "最低生活保障金", "amount": "520.00元", "status": "已到账", "remark": "已发放到您的一卡通", "payment_id": "77"}
		e.enqueue(cadre, "report_assigned", "r1", map[string]string{"title": "新的问题反映", "deadline": "5月7日", "remark": "请在5月7日前受理"})
		e.enqueue(withConsent, "payment_paid", "p1", data)
		e.enqueue(noConsent, "payment_paid", "p2", data)
		e.enqueue(longTerm, "payment_paid", "p3", data)

		if n := e.drain(); n != 4 {
			t.Fatalf("handled %d messages, want 4", n)
		}
		tests := []struct {
			key, state, why string
		}{
			{"r1", model.OutboxSent, ""},
			{"p1", model.OutboxSent, ""},
			{"p2", model.OutboxSkipped, "no_consent"},
			{"p3", model.OutboxSent, ""},
		}
		for _, tt := range tests {
			t.Run(tt.key, func(t *testing.T) {
				r := e.row(tt.key)
				if r.State != tt.state || r.LastError != tt.why || r.LeaseOwner != "" || r.LeaseUntil != nil {
					t.Fatalf("row %+v, want state %s, last error %q, no lease", r, tt.state, tt.why)
				}
				if tt.state == model.OutboxSent && (r.SentAt == nil || r.Attempts != 1) {
					t.Fatalf("sent row without sent_at or with %d attempts", r.Attempts)
				}
			})
		}
		msgs := map[string]wxmock.Message{}
		for _, m := range e.mock.Messages() {
			msgs[m.ToUser] = m
		}
		if len(msgs) != 3 {
			t.Fatalf("wxmock got %d messages, want 3: %+v", len(msgs), msgs)
		}
		tpl := msgs[*cadre.OfficialOpenid]
		if tpl.Kind != "template" || tpl.ToUser != *cadre.OfficialOpenid || tpl.TemplateID != e.tpl.Official["todo"].ID ||
			tpl.ClientMsgID != "r1" || tpl.MiniProgram == nil || tpl.MiniProgram.PagePath != "pages/reports/index" ||
			tpl.MiniProgram.AppID != wxmock.MiniAppID || tpl.Data["thing1"] != "新的问题反映" || tpl.Data["time2"] != "2026年5月7日" {
			t.Errorf("template message %+v %s", tpl, payload(tpl))
		}
		sub := msgs[*withConsent.MiniappOpenid]
		if sub.Kind != "subscribe" || sub.ToUser != *withConsent.MiniappOpenid || sub.TemplateID != e.tpl.Miniapp["payment"].ID ||
			sub.Page != "pages/subsidy/index?id=77" || sub.Data["amount2"] != "520.00元" || sub.Data["phrase3"] != "已到账" {
			t.Errorf("subscribe message %+v %s", sub, payload(sub))
		}
		if got := e.remaining(withConsent, "payment"); got != 1 {
			t.Errorf("consents left %d, want 1 (one spent)", got)
		}
		if got := e.remaining(longTerm, "payment"); got != 0 {
			t.Errorf("long-term subscription changed the count to %d", got)
		}
		if e.row("p1").ConsentSpent != true || e.row("p3").ConsentSpent != true {
			t.Error("sent subscribe messages are not marked as having their consent")
		}
	})
}

// TestErrorClasses injects each kind of WeChat failure and checks what
// becomes of the message.
func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name     string
		channel  string // template (cadre) or subscribe (household with consent)
		fault    wxmock.Fault
		state    string
		attempts int
		errHas   string
		check    func(t *testing.T, e *env, u model.User)
	}{
		{name: "system busy", channel: "template", fault: wxmock.Fault{ErrCode: -1}, state: model.OutboxQueued, attempts: 1, errHas: "errcode -1"},
		{name: "daily quota", channel: "template", fault: wxmock.Fault{ErrCode: 45009}, state: model.OutboxQueued, attempts: 1, errHas: "45009"},
		{name: "frequency limit", channel: "subscribe", fault: wxmock.Fault{ErrCode: 45011}, state: model.OutboxQueued, attempts: 1, errHas: "45011"},
		{name: "bad gateway", channel: "template", fault: wxmock.Fault{HTTPStatus: http.StatusBadGateway}, state: model.OutboxQueued, attempts: 1, errHas: "wechat SendTemplate"},
		{name: "timeout", channel: "template", fault: wxmock.Fault{Latency: 2 * time.Second}, state: model.OutboxQueued, attempts: 1, errHas: "SendTemplate"},
		{name: "token refused once is refreshed within the send", channel: "template", fault: wxmock.Fault{ErrCode: 40001, Times: 1}, state: model.OutboxSent, attempts: 1},
		{name: "token expired twice", channel: "subscribe", fault: wxmock.Fault{ErrCode: 42001, Times: 2}, state: model.OutboxQueued, attempts: 1, errHas: "42001",
			check: func(t *testing.T, e *env, u model.User) {
				r := e.row("m")
				if wait := r.NextAttemptAt.Sub(e.clock.Now()); wait > 3*time.Second {
					t.Errorf("a refused token waits %s; it should be retried within seconds", wait)
				}
				if e.remaining(u, "payment") != 0 || !r.ConsentSpent {
					t.Error("the consent should be spent once, and kept for the retry")
				}
			}},
		{name: "user refused", channel: "subscribe", fault: wxmock.Fault{ErrCode: 43101}, state: model.OutboxDead, attempts: 1, errHas: "43101",
			check: func(t *testing.T, e *env, u model.User) {
				var c model.SubscriptionConsent
				e.db.Where("user_id = ?", u.ID).Take(&c)
				if c.Remaining != 0 || c.RejectedAt == nil {
					t.Errorf("consent after 43101: %+v, want none left and rejected", c)
				}
			}},
		{name: "not following", channel: "template", fault: wxmock.Fault{ErrCode: 43004}, state: model.OutboxDead, attempts: 1, errHas: "43004",
			check: func(t *testing.T, e *env, u model.User) {
				var got model.User
				e.db.Take(&got, u.ID)
				if got.FollowsOfficial {
					t.Error("the user still counts as a follower after 43004")
				}
			}},
		{name: "invalid openid", channel: "template", fault: wxmock.Fault{ErrCode: 40003}, state: model.OutboxDead, attempts: 1, errHas: "40003"},
		{name: "invalid template", channel: "subscribe", fault: wxmock.Fault{ErrCode: 40037}, state: model.OutboxDead, attempts: 1, errHas: "40037"},
		{name: "bad data", channel: "subscribe", fault: wxmock.Fault{ErrCode: 47003}, state: model.OutboxDead, attempts: 1, errHas: "47003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
				e := newEnv(t, db, func(_ *push.Options, w *wechat.Options) { w.HTTPTimeout = 500 * time.Millisecond })
				var u model.User
				path := wxmock.PathTemplateSend
				if tt.channel == "template" {
					u = e.cadreUser()
				} else {
					u = e.householdUser()
					e.consent(u, "payment", 1, false)
					path = wxmock.PathSubscribeSend
				}
				// A first message fetches the token, so faults hit the send.
				e.enqueue(u, "payment_paid", "warm-up", map[string]string{"item": "低保", "amount": "1元", "status": "已到账"})
				e.consent(e.fx.GuestUser(), "payment", 0, false) // unrelated row: must stay untouched
				if tt.channel == "subscribe" {
					e.db.Exec("UPDATE subscription_consents SET remaining = remaining + 1 WHERE user_id = ?", u.ID)
				}
				e.drain()
				e.mock.SetFault(path, tt.fault)
				e.enqueue(u, "payment_paid", "m", map[string]string{"item": "低保", "amount": "1元", "status": "已到账"})
				e.drain()
				r := e.row("m")
				if r.State != tt.state || r.Attempts != tt.attempts || !strings.Contains(r.LastError, tt.errHas) {
					t.Fatalf("row state %s, attempts %d, last error %q; want %s, %d, containing %q",
						r.State, r.Attempts, r.LastError, tt.state, tt.attempts, tt.errHas)
				}
				if tt.state == model.OutboxQueued && !r.NextAttemptAt.After(e.clock.Now()) {
					t.Errorf("a retry is due at once (%s): no backoff", r.NextAttemptAt)
				}
				if tt.check != nil {
					tt.check(t, e, u)
				}
			})
		})
	}
}

// TestRetriesThenDead retries with growing waits and gives up after the
// configured attempts; the message stays, dead and visible.
func TestRetriesThenDead(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.MaxAttempts = 4 })
		u := e.cadreUser()
		e.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: -1})
		e.enqueue(u, "report_escalated", "esc", map[string]string{"title": "问题反映超期未办"})
		var waits []time.Duration
		for i := 1; i <= 4; i++ {
			if n := e.drain(); n != 1 {
				t.Fatalf("round %d handled %d messages", i, n)
			}
			r := e.row("esc")
			if r.Attempts != i {
				t.Fatalf("round %d: attempts %d", i, r.Attempts)
			}
			if i < 4 {
				if r.State != model.OutboxQueued {
					t.Fatalf("round %d: state %s", i, r.State)
				}
				waits = append(waits, r.NextAttemptAt.Sub(e.clock.Now()))
				if e.drain() != 0 {
					t.Fatal("a message waiting out its backoff was sent early")
				}
				e.clock.Set(r.NextAttemptAt)
			} else if r.State != model.OutboxDead || !strings.Contains(r.LastError, "gave up after 4 attempts") {
				t.Fatalf("after 4 attempts: %s %q", r.State, r.LastError)
			}
		}
		for i, w := range waits {
			lo, hi := 15*time.Second<<i, 30*time.Second<<i
			if w < lo || w > hi {
				t.Errorf("wait %d is %s, want between %s and %s", i+1, w, lo, hi)
			}
		}
	})
}

// TestTokenStormRefreshesOnce expires the access token under many
// concurrent sends: WeChat answers 42001 to each, and one refresh serves
// them all.
func TestTokenStormRefreshesOnce(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.Concurrency = 32; o.Batch = 200 })
		users := make([]model.User, 20)
		for i := range users {
			users[i] = e.cadreUser()
		}
		e.enqueue(users[0], "report_status", "warm-up", nil)
		e.drain()
		for i := 0; i < 300; i++ {
			e.enqueue(users[i%len(users)], "report_status", "storm-"+itoa(i), map[string]string{"title": "进度"})
		}
		before := e.mock.Calls(wxmock.PathStableToken)
		e.mock.ExpireTokens()
		e.drain()
		if got := e.states(); got[model.OutboxSent] != 301 {
			t.Fatalf("states %v, want all 301 sent", got)
		}
		if n := e.mock.Calls(wxmock.PathStableToken) - before; n != 1 {
			t.Fatalf("%d token fetches for one expiry, want 1", n)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestExpiredLeaseIsTakenOver: messages leased by a worker that died are
// due again when the lease ends, and another worker sends them.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		u := e.cadreUser()
		for _, k := range []string{"a", "b", "c"} {
			e.enqueue(u, "report_status", k, nil)
		}
		now := e.clock.Now().UTC()
		// "a" was leased by a dead worker whose lease has passed; "b" by one still alive.
		db.Exec("UPDATE push_outbox SET state = ?, lease_owner = ?, lease_until = ?, next_attempt_at = ?, attempts = 1 WHERE dedupe_key = ?",
			model.OutboxLeased, "dead-worker", now.Add(-time.Second), now.Add(-time.Second), "a")
		db.Exec("UPDATE push_outbox SET state = ?, lease_owner = ?, lease_until = ?, next_attempt_at = ?, attempts = 1 WHERE dedupe_key = ?",
			model.OutboxLeased, "live-worker", now.Add(time.Minute), now.Add(time.Minute), "b")
		if n := e.drain(); n != 2 {
			t.Fatalf("handled %d, want 2 (a and c)", n)
		}
		if r := e.row("a"); r.State != model.OutboxSent || r.Attempts != 2 {
			t.Errorf("a: %s after %d attempts, want sent after 2", r.State, r.Attempts)
		}
		if r := e.row("b"); r.State != model.OutboxLeased || r.LeaseOwner != "live-worker" {
			t.Errorf("b was taken from a live lease: %+v", r)
		}
		e.clock.Advance(2 * time.Minute)
		if n := e.drain(); n != 1 || e.row("b").State != model.OutboxSent {
			t.Error("b was not taken over after its lease ended")
		}
	})
}

// TestWorkersShareTheOutbox runs three workers at once on one outbox:
// every message goes exactly once.
func TestWorkersShareTheOutbox(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db, func(o *push.Options, _ *wechat.Options) { o.Batch = 20; o.Concurrency = 4 })
		e.opts.Now = time.Now
		e.clock.Set(time.Now())
		users := []model.User{e.cadreUser(), e.cadreUser(), e.cadreUser()}
		const total = 600
		var rows []push.UserNotice
		for i := 0; i < total; i++ {
			rows = append(rows, push.UserNotice{UserID: users[i%3].ID, Notice: push.Notice{Kind: "report_status", DedupeKey: "share-" + itoa(i)}})
		}
		if n, err := push.EnqueueUsers(context.Background(), db, rows); err != nil || n != total {
			t.Fatalf("enqueued %d, %v", n, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 3)
		for _, id := range []string{"w1", "w2", "w3"} {
			w := e.worker(id)
			go func() { done <- w.Run(ctx) }()
		}
		deadline := time.Now().Add(60 * time.Second)
		for e.states()[model.OutboxSent] < total && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		for i := 0; i < 3; i++ {
			<-done
		}
		if got := e.states(); got[model.OutboxSent] != total {
			t.Fatalf("states %v, want %d sent", got, total)
		}
		if n := len(e.mock.Messages()); n != total || e.mock.Duplicates() != 0 {
			t.Fatalf("wxmock got %d messages and %d duplicates, want %d and 0", n, e.mock.Duplicates(), total)
		}
		var over int64
		db.Model(&model.OutboxMessage{}).Where("attempts <> 1").Count(&over)
		if over != 0 {
			t.Errorf("%d messages were claimed more than once", over)
		}
	})
}

// TestChannelChosenWhenSending: the worker addresses the person as they
// are when it sends, not as they were when the notice was queued.
func TestChannelChosenWhenSending(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		data := map[string]string{"item": "低保", "amount": "1元", "status": "已到账"}

		// A household member known to the mini-program, and as a follower of
		// the official account through a user row of its own with the same unionid.
		twin := e.householdUser()
		union := "union-twin"
		db.Model(&twin).Update("unionid", union)
		follower := model.User{OfficialOpenid: ptr("off-twin"), Unionid: &union, FollowsOfficial: true, Role: model.UserGuest}
		db.Create(&follower)
		e.enqueue(twin, "payment_paid", "twin", data)

		// A cadre who unfollowed after the notice was queued, with a consent in the mini-program.
		gone := e.cadreUser()
		e.enqueue(gone, "report_status", "gone", nil)
		db.Model(&gone).Update("follows_official", false)
		e.consent(gone, "case", 1, false)

		// Someone with no WeChat identity left to reach.
		nobody := e.cadreUser()
		e.enqueue(nobody, "report_status", "nobody", nil)
		db.Model(&nobody).Updates(map[string]any{"follows_official": false, "miniapp_openid": nil})

		e.drain()
		tests := []struct {
			key, state, channel, openid string
		}{
			{"twin", model.OutboxSent, model.ChannelTemplate, "off-twin"},
			{"gone", model.OutboxSent, model.ChannelSubscribe, *gone.MiniappOpenid},
			{"nobody", model.OutboxSkipped, model.ChannelTemplate, *nobody.OfficialOpenid},
		}
		for _, tt := range tests {
			t.Run(tt.key, func(t *testing.T) {
				r := e.row(tt.key)
				if r.State != tt.state || r.Channel != tt.channel || r.Openid != tt.openid {
					t.Fatalf("row %s via %s to %s (%q); want %s via %s to %s", r.State, r.Channel, r.Openid, r.LastError, tt.state, tt.channel, tt.openid)
				}
			})
		}
		if e.row("nobody").LastError != "no_channel" {
			t.Error("the skipped message does not say why")
		}
	})
}

func ptr(s string) *string { return &s }
