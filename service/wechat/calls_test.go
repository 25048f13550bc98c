package wechat

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// TestEveryCallReachesWxmock makes each call of the Client once and checks
// it arrived at its wxmock endpoint; the guard fails the test if anything
// goes elsewhere.
func TestEveryCallReachesWxmock(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	c, ctx := f.client, context.Background()
	menu := Menu{Buttons: []Button{{Type: "click", Name: "补贴", Key: "SUBSIDY"}}}
	tests := []struct {
		name string
		path string
		call func() error
	}{
		{"Code2Session", wxmock.PathCode2Session, func() error {
			s, err := c.Code2Session(ctx, "alice")
			if err == nil && s.OpenID != wxmock.OpenID(wxmock.MiniAppID, "alice") {
				err = errors.New("openid " + s.OpenID)
			}
			return err
		}},
		{"SendTemplate", wxmock.PathTemplateSend, func() error {
			_, err := c.SendTemplate(ctx, okTemplate("o-alice"))
			return err
		}},
		{"SendSubscribe", wxmock.PathSubscribeSend, func() error {
			return c.SendSubscribe(ctx, SubscribeMessage{ToUser: "o-alice", TemplateID: "sub-1", Data: map[string]string{"thing1": "补贴"}})
		}},
		{"CreateMenu", wxmock.PathMenuCreate, func() error { return c.CreateMenu(ctx, menu) }},
		{"GetMenu", wxmock.PathMenuGet, func() error {
			got, err := c.GetMenu(ctx)
			if err == nil && !reflect.DeepEqual(got, menu) {
				err = errors.New("menu differs")
			}
			return err
		}},
		{"OAuthExchange", wxmock.PathOAuthToken, func() error {
			openid, unionid, err := c.OAuthExchange(ctx, "bob")
			if err == nil && (openid != wxmock.OpenID(wxmock.OfficialAppID, "bob") || unionid != wxmock.UnionID("bob")) {
				err = errors.New("ids " + openid + " " + unionid)
			}
			return err
		}},
		{"UserInfo", wxmock.PathUserInfo, func() error {
			u, err := c.UserInfo(ctx, wxmock.OpenID(wxmock.OfficialAppID, "bob"))
			if err == nil && (!u.Subscribed || u.UnionID != wxmock.UnionID("bob")) {
				err = errors.New("user info wrong")
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.mock.Calls(tt.path)
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			if got := f.mock.Calls(tt.path) - before; got != 1 {
				t.Errorf("%s reached wxmock %d times, want 1", tt.path, got)
			}
		})
	}
	// The token calls went there too: one per app.
	if got := f.mock.Calls(wxmock.PathStableToken); got != 2 {
		t.Errorf("stable_token calls = %d, want 2 (one per app)", got)
	}
}

// TestGuardCatchesRealHosts shows the guard works: a Client without an
// API base tries WeChat, and the guard sees and stops it.
func TestGuardCatchesRealHosts(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	f.guard.fail = false
	c := f.newClient(t, kv.NewMemory(), func(o *Options) { o.APIBase = "" })
	if _, err := c.Code2Session(context.Background(), "alice"); err == nil {
		t.Fatal("call without API base succeeded")
	}
	if got := f.guard.deniedHosts(); len(got) != 1 || got[0] != "api.weixin.qq.com" {
		t.Errorf("guard denied %v, want [api.weixin.qq.com]", got)
	}
}

// TestUnroutedRequestsRefused: SDK calls that do not come through a
// Client's routed context are refused before any network.
func TestUnroutedRequestsRefused(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	tests := []struct {
		name string
		ctx  context.Context
		url  string
	}{
		{"no route", context.Background(), "https://api.weixin.qq.com/cgi-bin/menu/get"},
		{"not a WeChat host", withRoute(context.Background(), f.client.route), "https://example.org/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := util.HTTPGetContext(tt.ctx, tt.url)
			if !errors.Is(err, errRefused) {
				t.Errorf("err = %v, want errRefused", err)
			}
			if ne := f.client.classify("x", err); IsRetryable(ne) {
				t.Error("a refused request must not look retryable")
			}
		})
	}
	if len(f.guard.deniedHosts()) != 0 {
		t.Error("a refused request reached the transport")
	}
}

func TestRewrite(t *testing.T) {
	tests := []struct{ base, in, want string }{
		{"http://127.0.0.1:9700", "https://api.weixin.qq.com/cgi-bin/token?appid=a", "http://127.0.0.1:9700/cgi-bin/token?appid=a"},
		{"http://mock.local/wx/", "https://api.weixin.qq.com/sns/jscode2session?x=1", "http://mock.local/wx/sns/jscode2session?x=1"},
	}
	for _, tt := range tests {
		base, err := parseBase(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", tt.in, nil)
		out := rewrite(req, base)
		if out.URL.String() != tt.want || out.Host != base.Host {
			t.Errorf("rewrite(%s) = %s (Host %s), want %s", tt.in, out.URL, out.Host, tt.want)
		}
		if req.URL.String() != tt.in {
			t.Error("rewrite modified its input")
		}
	}
	for _, bad := range []string{"ftp://x", "127.0.0.1:9700", "http://", "http://x/?q=1"} {
		if _, err := parseBase(bad); err == nil {
			t.Errorf("parseBase(%q) accepted", bad)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	good := func() Options {
		o := Options{Store: kv.NewMemory(), Logger: discard()}
		demoApps(&o, "http://127.0.0.1:1")
		return o
	}
	tests := []struct {
		name string
		edit func(*Options)
	}{
		{"nil store", func(o *Options) { o.Store = nil }},
		{"nil logger", func(o *Options) { o.Logger = nil }},
		{"no app", func(o *Options) { o.MiniappAppID, o.OfficialAppID = "", "" }},
		{"no secret", func(o *Options) { o.MiniappSecret = "" }},
		{"bad AES key", func(o *Options) { o.OfficialAESKey = "short" }},
		{"bad base", func(o *Options) { o.APIBase = "mock:9700" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good()
			tt.edit(&o)
			if _, err := New(o); err == nil {
				t.Error("New accepted")
			}
		})
	}
	if _, err := New(good()); err != nil {
		t.Fatalf("good options: %v", err)
	}
}

func TestNotConfigured(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), func(o *Options) { o.MiniappAppID = "" })
	ctx := context.Background()
	if _, err := f.client.Code2Session(ctx, "a"); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("Code2Session: %v", err)
	}
	if err := f.client.SendSubscribe(ctx, SubscribeMessage{}); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("SendSubscribe: %v", err)
	}
}

func TestCode2SessionCodes(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	f.mock.BadCode("forged")
	ctx := context.Background()
	if _, err := f.client.Code2Session(ctx, "once"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, code string
		want       int
		reaches    bool
	}{
		{"used twice", "once", CodeCodeUsed, true},
		{"bad", "forged", CodeInvalidCode, true},
		{"injection refused locally", "x&js_code=y", CodeInvalidCode, false},
		{"empty refused locally", "", CodeInvalidCode, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.mock.Calls(wxmock.PathCode2Session)
			_, err := f.client.Code2Session(ctx, tt.code)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != tt.want {
				t.Fatalf("err = %v, want errcode %d", err, tt.want)
			}
			if reached := f.mock.Calls(wxmock.PathCode2Session) > before; reached != tt.reaches {
				t.Errorf("reached wxmock: %v, want %v", reached, tt.reaches)
			}
			if IsRetryable(err) || IsPermanent(err) {
				t.Error("a bad login code is neither retryable nor a permanent send failure")
			}
		})
	}
}

func TestSendTemplateFields(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	id, err := f.client.SendTemplate(context.Background(), TemplateMessage{
		ToUser: "o-alice", TemplateID: "tpl-subsidy", URL: "https://example.org/p",
		MiniProgram: &MiniProgramPage{PagePath: "pages/subsidy/index?id=7"},
		Data:        map[string]string{"first": "补贴已发放", "amount": "300.00元"},
		Colors:      map[string]string{"amount": "#173177"}, ClientMsgID: "outbox-42",
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.mock.Messages()
	if len(msgs) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	m := msgs[0]
	want := wxmock.Message{Kind: "template", AppID: wxmock.OfficialAppID, MsgID: id, ToUser: "o-alice",
		TemplateID: "tpl-subsidy", URL: "https://example.org/p",
		MiniProgram: &wxmock.MiniProgram{AppID: wxmock.MiniAppID, PagePath: "pages/subsidy/index?id=7"},
		ClientMsgID: "outbox-42", Data: map[string]string{"first": "补贴已发放", "amount": "300.00元"}, SentAt: m.SentAt}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("recorded\n%+v\nwant\n%+v", m, want)
	}
}

func TestSubscribeRecorded(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	f.mock.AddTemplate("sub-report", "thing1", "phrase2")
	ctx := context.Background()
	err := f.client.SendSubscribe(ctx, SubscribeMessage{ToUser: "o-bob", TemplateID: "sub-report", Page: "pages/report/index",
		Data: map[string]string{"thing1": "问题反映已受理", "phrase2": "处理中"}, State: "trial"})
	if err != nil {
		t.Fatal(err)
	}
	m := f.mock.Messages()[0]
	if m.Kind != "subscribe" || m.AppID != wxmock.MiniAppID || m.Page != "pages/report/index" || m.State != "trial" || m.Data["phrase2"] != "处理中" {
		t.Errorf("recorded %+v", m)
	}
	err = f.client.SendSubscribe(ctx, SubscribeMessage{ToUser: "o-bob", TemplateID: "sub-report", Data: map[string]string{"thing1": "x"}})
	if !IsPermanent(err) {
		t.Errorf("missing data key: %v, want a permanent error (47003)", err)
	}
}

func TestErrorsClassified(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), func(o *Options) { o.HTTPTimeout = 200 * time.Millisecond })
	f.mock.Unfollow("o-gone")
	f.mock.AddTemplate("tpl-subsidy")
	ctx := context.Background()
	send := func(to, tpl string) error {
		_, err := f.client.SendTemplate(ctx, TemplateMessage{ToUser: to, TemplateID: tpl, Data: map[string]string{"a": "b"}})
		return err
	}
	tests := []struct {
		name      string
		fault     *wxmock.Fault
		to, tpl   string
		code      int // 0: a NetError
		retryable bool
		permanent bool
	}{
		{"busy", &wxmock.Fault{ErrCode: -1, Times: 1}, "o-a", "tpl-subsidy", -1, true, false},
		{"daily quota", &wxmock.Fault{ErrCode: 45009, Times: 1}, "o-a", "tpl-subsidy", 45009, true, false},
		{"rate limited", &wxmock.Fault{RateLimit: 1}, "o-a", "tpl-subsidy", 45011, true, false},
		{"user refused", &wxmock.Fault{ErrCode: 43101, Times: 1}, "o-a", "tpl-subsidy", 43101, false, true},
		{"not following", nil, "o-gone", "tpl-subsidy", 43004, false, true},
		{"bad openid", nil, "o gone!", "tpl-subsidy", 40003, false, true},
		{"bad template", nil, "o-a", "tpl-nope", 40037, false, true},
		{"bad gateway", &wxmock.Fault{HTTPStatus: 502, Times: 1}, "o-a", "tpl-subsidy", 0, true, false},
		{"timeout", &wxmock.Fault{Latency: 500 * time.Millisecond, Times: 1}, "o-a", "tpl-subsidy", 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.mock.ClearFaults()
			if tt.name == "rate limited" {
				f.mock.SetFault(wxmock.PathTemplateSend, *tt.fault)
				_ = send(tt.to, tt.tpl) // the one call the limit allows
			} else if tt.fault != nil {
				f.mock.SetFault(wxmock.PathTemplateSend, *tt.fault)
			}
			err := send(tt.to, tt.tpl)
			if err == nil {
				t.Fatal("no error")
			}
			var ae *APIError
			var ne *NetError
			switch {
			case tt.code != 0 && (!errors.As(err, &ae) || ae.Code != tt.code):
				t.Errorf("err = %v, want errcode %d", err, tt.code)
			case tt.code == 0 && !errors.As(err, &ne):
				t.Errorf("err = %v (%T), want a *NetError", err, err)
			}
			if IsRetryable(err) != tt.retryable || IsPermanent(err) != tt.permanent {
				t.Errorf("%v: retryable %v permanent %v, want %v %v", err, IsRetryable(err), IsPermanent(err), tt.retryable, tt.permanent)
			}
		})
	}
	f.mock.ClearFaults()
}

func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	ctx := context.Background()
	if _, err := f.client.SendTemplate(ctx, okTemplate("o-a")); err != nil { // caches a token
		t.Fatal(err)
	}
	token, _ := f.client.official.tokens.Token(ctx)
	var errs []string
	f.mock.SetFault(wxmock.PathCode2Session, wxmock.Fault{HTTPStatus: 500, Times: 1})
	_, err := f.client.Code2Session(ctx, "secretcode123")
	errs = append(errs, err.Error())
	f.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{HTTPStatus: 503})
	_, err = f.client.SendTemplate(ctx, okTemplate("o-a"))
	errs = append(errs, err.Error())
	f.mock.SetFault(wxmock.PathStableToken, wxmock.Fault{HTTPStatus: 500})
	f.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: 40001, Times: 1})
	_, err = f.client.SendTemplate(ctx, okTemplate("o-a"))
	errs = append(errs, err.Error())
	bad := f.newClient(t, kv.NewMemory(), func(o *Options) { o.OfficialSecret = "wrongsecret-9f8e7d" })
	f.mock.ClearFaults()
	_, err = bad.SendTemplate(ctx, okTemplate("o-a"))
	errs = append(errs, err.Error())

	secrets := []string{wxmock.MiniSecret, wxmock.OfficialSecret, "wrongsecret-9f8e7d", "secretcode123", token}
	for _, e := range append(errs, f.logs.String()) {
		for _, s := range secrets {
			if strings.Contains(e, s) || strings.Contains(e, url.QueryEscape(s)) {
				t.Errorf("secret %.12s... leaked in %q", s, e)
			}
		}
	}
	if !strings.Contains(errs[0], "REDACTED") || !strings.Contains(errs[0], "statusCode=500") {
		t.Errorf("expected a redacted URL with the status in %q", errs[0])
	}
}

func TestRedact(t *testing.T) {
	known := secretReplacer("s3cr3t-value")
	tests := []struct{ in, want string }{
		{`Get "https://api.weixin.qq.com/sns/jscode2session?appid=wx1&secret=abc&js_code=xyz&grant_type=authorization_code"`,
			`Get "https://api.weixin.qq.com/sns/jscode2session?appid=wx1&secret=REDACTED&js_code=REDACTED&grant_type=authorization_code"`},
		{`uri=https://x/cgi-bin/menu/get?access_token=TOKEN , statusCode=502`, `uri=https://x/cgi-bin/menu/get?access_token=REDACTED , statusCode=502`},
		{`{"appid":"wx1","secret":"abc","force_refresh":false}`, `{"appid":"wx1","secret":"REDACTED","force_refresh":false}`},
		{`errcode=40029 , errmsg=invalid code`, `errcode=40029 , errmsg=invalid code`},
		{`oauth ?code=abc&state=1`, `oauth ?code=REDACTED&state=1`},
		{`leaked s3cr3t-value here`, `leaked REDACTED here`},
	}
	for _, tt := range tests {
		if got := redact(tt.in, known); got != tt.want {
			t.Errorf("redact(%q)\n= %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
