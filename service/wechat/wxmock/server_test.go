package wxmock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

type answer map[string]any

func (a answer) code() int {
	f, _ := a["errcode"].(float64)
	return int(f)
}

func call(t *testing.T, method, u string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("%s %s: status %d, body %q", method, u, resp.StatusCode, raw)
	}
	return a
}

func stableToken(t *testing.T, base, appID, secret string, force bool) answer {
	return call(t, "POST", base+PathStableToken, map[string]any{
		"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": force})
}

func newMock(t *testing.T, o Options) (*Server, string) {
	t.Helper()
	m := New(o)
	ts := httptest.NewServer(m.Handler())
	t.Cleanup(ts.Close)
	return m, ts.URL
}

func TestStableToken(t *testing.T) {
	_, base := newMock(t, Options{})
	first := stableToken(t, base, OfficialAppID, OfficialSecret, false)
	if first["expires_in"] != float64(7200) || first["access_token"] == "" {
		t.Fatalf("first = %v, want a token with expires_in 7200", first)
	}
	if again := stableToken(t, base, OfficialAppID, OfficialSecret, false); again["access_token"] != first["access_token"] {
		t.Error("normal mode issued a new token while the old one is valid")
	}
	forced := stableToken(t, base, OfficialAppID, OfficialSecret, true)
	if forced["access_token"] == first["access_token"] {
		t.Error("force_refresh kept the token")
	}
	old := call(t, "GET", base+PathMenuGet+"?access_token="+url.QueryEscape(first["access_token"].(string)), nil)
	if old.code() != CodeInvalidCredential {
		t.Errorf("superseded token: errcode %d, want 40001", old.code())
	}
	tests := []struct {
		name, appID, secret string
		want                int
	}{
		{"bad secret", OfficialAppID, "nope", CodeInvalidSecret},
		{"unknown app", "wx0000000000000000", "x", CodeInvalidAppID},
		{"no appid", "", "x", CodeAppIDMissing},
		{"no secret", OfficialAppID, "", CodeSecretMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stableToken(t, base, tt.appID, tt.secret, false).code(); got != tt.want {
				t.Errorf("errcode %d, want %d", got, tt.want)
			}
		})
	}
	if got := call(t, "GET", base+PathStableToken, nil).code(); got != CodeRequirePOST {
		t.Errorf("GET stable_token: errcode %d, want 43002", got)
	}
}

func TestClassicToken(t *testing.T) {
	_, base := newMock(t, Options{})
	a := call(t, "GET", base+PathToken+"?grant_type=client_credential&appid="+MiniAppID+"&secret="+MiniSecret, nil)
	if a["expires_in"] != float64(7200) || a["access_token"] == nil {
		t.Fatalf("got %v", a)
	}
	if got := call(t, "GET", base+PathToken+"?grant_type=password&appid="+MiniAppID+"&secret="+MiniSecret, nil).code(); got != CodeInvalidGrantType {
		t.Errorf("errcode %d, want 40002", got)
	}
}

func TestCode2Session(t *testing.T) {
	m, base := newMock(t, Options{})
	m.BadCode("bad")
	u := func(code string) string {
		return base + PathCode2Session + "?appid=" + MiniAppID + "&secret=" + MiniSecret + "&js_code=" + code + "&grant_type=authorization_code"
	}
	ok := call(t, "GET", u("alice"), nil)
	if ok["openid"] != OpenID(MiniAppID, "alice") || ok["unionid"] != UnionID("alice") || ok["session_key"] == nil {
		t.Fatalf("got %v", ok)
	}
	if len(OpenID(MiniAppID, "alice")) != 28 || OpenID(MiniAppID, "alice") == OpenID(OfficialAppID, "alice") {
		t.Error("openids should be 28 characters and differ per app")
	}
	tests := []struct {
		name, code string
		want       int
	}{
		{"used twice", "alice", CodeCodeUsed},
		{"told bad", "bad", CodeInvalidCode},
		{"missing", "", CodeCodeMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, "GET", u(tt.code), nil).code(); got != tt.want {
				t.Errorf("errcode %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTemplateSend(t *testing.T) {
	m, base := newMock(t, Options{Templates: map[string][]string{"tpl-ok": nil, "sub-ok": {"thing1", "time2"}}})
	tok := stableToken(t, base, OfficialAppID, OfficialSecret, false)["access_token"].(string)
	miniTok := stableToken(t, base, MiniAppID, MiniSecret, false)["access_token"].(string)
	m.Unfollow("o-gone")
	msg := func(to, tpl string) map[string]any {
		return map[string]any{"touser": to, "template_id": tpl, "data": map[string]any{"first": map[string]string{"value": "你好"}}}
	}
	tests := []struct {
		name, path, token string
		body              any
		want              int
	}{
		{"ok", PathTemplateSend, tok, msg("o-alice", "tpl-ok"), 0},
		{"no token", PathTemplateSend, "", msg("o-alice", "tpl-ok"), CodeTokenMissing},
		{"unknown token", PathTemplateSend, "nope", msg("o-alice", "tpl-ok"), CodeInvalidCredential},
		{"bad template", PathTemplateSend, tok, msg("o-alice", "tpl-unknown"), CodeInvalidTemplateID},
		{"bad openid", PathTemplateSend, tok, msg("not an openid!", "tpl-ok"), CodeInvalidOpenID},
		{"not following", PathTemplateSend, tok, msg("o-gone", "tpl-ok"), CodeRequireSubscribe},
		{"no body", PathTemplateSend, tok, nil, CodeEmptyPostData},
		{"subscribe ok", PathSubscribeSend, miniTok, map[string]any{"touser": "o-bob", "template_id": "sub-ok",
			"data": map[string]any{"thing1": map[string]string{"value": "补贴到账"}, "time2": map[string]string{"value": "2024-05-01"}}}, 0},
		{"subscribe missing key", PathSubscribeSend, miniTok, map[string]any{"touser": "o-bob", "template_id": "sub-ok",
			"data": map[string]any{"thing1": map[string]string{"value": "补贴到账"}}}, CodeArgumentInvalid},
		{"subscribe bad state", PathSubscribeSend, miniTok, map[string]any{"touser": "o-bob", "template_id": "sub-ok", "miniprogram_state": "beta",
			"data": map[string]any{"thing1": map[string]string{"value": "a"}, "time2": map[string]string{"value": "b"}}}, CodeArgumentInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, "POST", base+tt.path+"?access_token="+url.QueryEscape(tt.token), tt.body).code(); got != tt.want {
				t.Errorf("errcode %d, want %d", got, tt.want)
			}
		})
	}
	msgs := m.Messages()
	if len(msgs) != 2 || msgs[0].Kind != "template" || msgs[0].AppID != OfficialAppID || msgs[0].Data["first"] != "你好" ||
		msgs[1].Kind != "subscribe" || msgs[1].AppID != MiniAppID || msgs[1].Data["thing1"] != "补贴到账" {
		t.Fatalf("messages = %+v", msgs)
	}
	var viaHTTP struct{ Messages []Message }
	resp, _ := http.Get(base + "/_mock/messages")
	json.NewDecoder(resp.Body).Decode(&viaHTTP)
	resp.Body.Close()
	if len(viaHTTP.Messages) != 2 || viaHTTP.Messages[0].MsgID != msgs[0].MsgID {
		t.Errorf("/_mock/messages = %+v", viaHTTP.Messages)
	}
	m.ExpireTokens()
	if got := call(t, "POST", base+PathTemplateSend+"?access_token="+url.QueryEscape(tok), msg("o-alice", "tpl-ok")).code(); got != CodeTokenExpired {
		t.Errorf("expired token: errcode %d, want 42001", got)
	}
	if fresh := stableToken(t, base, OfficialAppID, OfficialSecret, false); fresh["access_token"] == tok {
		t.Error("stable_token handed out the expired token")
	}
}

func TestFaults(t *testing.T) {
	m, base := newMock(t, Options{})
	tok := stableToken(t, base, OfficialAppID, OfficialSecret, false)["access_token"].(string)
	send := func() int {
		return call(t, "POST", base+PathTemplateSend+"?access_token="+tok,
			map[string]any{"touser": "o-a", "template_id": "t", "data": map[string]any{}}).code()
	}
	m.SetFault(PathTemplateSend, Fault{ErrCode: CodeDailyQuota, Times: 2})
	if a, b, c := send(), send(), send(); a != CodeDailyQuota || b != CodeDailyQuota || c != 0 {
		t.Errorf("two-time fault: %d %d %d, want 45009 45009 0", a, b, c)
	}

	body := strings.NewReader(`{"endpoint": "` + PathTemplateSend + `", "errcode": 43101, "times": 1}`)
	resp, err := http.Post(base+"/_mock/faults", "application/json", body)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_mock/faults: %v %v", resp.Status, err)
	}
	if got := send(); got != CodeUserRefused {
		t.Errorf("fault set over HTTP: %d, want 43101", got)
	}

	m.SetFault(PathTemplateSend, Fault{RateLimit: 2})
	got := []int{send(), send(), send()}
	if got[0] != 0 || got[1] != 0 || got[2] != CodeMinuteQuota {
		t.Errorf("rate limit 2/s: %v, want [0 0 45011]", got)
	}
	m.SetFault(PathTemplateSend, Fault{Latency: 50 * time.Millisecond, Times: 1})
	start := time.Now()
	if send() != 0 || time.Since(start) < 50*time.Millisecond {
		t.Error("latency fault did not delay")
	}
	m.SetFault(PathTemplateSend, Fault{HTTPStatus: http.StatusBadGateway, Times: 1})
	r, _ := http.Post(base+PathTemplateSend+"?access_token="+tok, "application/json", strings.NewReader("{}"))
	if r.StatusCode != http.StatusBadGateway {
		t.Errorf("http status fault: %d", r.StatusCode)
	}
	if m.Calls(PathTemplateSend) != 9 {
		t.Errorf("calls = %d, want 9", m.Calls(PathTemplateSend))
	}
}

func TestMenu(t *testing.T) {
	_, base := newMock(t, Options{})
	tok := stableToken(t, base, OfficialAppID, OfficialSecret, false)["access_token"].(string)
	if got := call(t, "GET", base+PathMenuGet+"?access_token="+tok, nil).code(); got != CodeMenuNotExist {
		t.Errorf("no menu yet: %d, want 46003", got)
	}
	good := map[string]any{"button": []any{
		map[string]any{"type": "click", "name": "补贴", "key": "SUBSIDY"},
		map[string]any{"name": "服务", "sub_button": []any{map[string]any{"type": "view", "name": "就业", "url": "https://example.org/jobs"}}},
	}}
	tests := []struct {
		name string
		body any
		want int
	}{
		{"ok", good, 0},
		{"no buttons", map[string]any{"button": []any{}}, CodeButtonSize},
		{"four buttons", map[string]any{"button": []any{
			map[string]any{"type": "click", "name": "a", "key": "a"}, map[string]any{"type": "click", "name": "b", "key": "b"},
			map[string]any{"type": "click", "name": "c", "key": "c"}, map[string]any{"type": "click", "name": "d", "key": "d"}}}, CodeButtonSize},
		{"click without key", map[string]any{"button": []any{map[string]any{"type": "click", "name": "a"}}}, CodeButtonKeySize},
		{"bad type", map[string]any{"button": []any{map[string]any{"type": "dance", "name": "a"}}}, CodeButtonType},
		{"name too long", map[string]any{"button": []any{map[string]any{"type": "click", "name": "一二三四五六", "key": "k"}}}, CodeButtonNameSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, "POST", base+PathMenuCreate+"?access_token="+tok, tt.body).code(); got != tt.want {
				t.Errorf("errcode %d, want %d", got, tt.want)
			}
		})
	}
	got := call(t, "GET", base+PathMenuGet+"?access_token="+tok, nil)
	buttons := got["menu"].(map[string]any)["button"].([]any)
	if len(buttons) != 2 || buttons[0].(map[string]any)["key"] != "SUBSIDY" {
		t.Errorf("menu = %v", got)
	}
}

func TestOAuthAndUserInfo(t *testing.T) {
	m, base := newMock(t, Options{})
	a := call(t, "GET", base+PathOAuthToken+"?appid="+OfficialAppID+"&secret="+OfficialSecret+"&code=carol&grant_type=authorization_code", nil)
	if a["openid"] != OpenID(OfficialAppID, "carol") || a["unionid"] != UnionID("carol") || a["expires_in"] != float64(7200) {
		t.Fatalf("oauth = %v", a)
	}
	tok := stableToken(t, base, OfficialAppID, OfficialSecret, false)["access_token"].(string)
	info := call(t, "GET", base+PathUserInfo+"?access_token="+tok+"&openid="+OpenID(OfficialAppID, "carol")+"&lang=zh_CN", nil)
	if info["subscribe"] != float64(1) || info["unionid"] != UnionID("carol") {
		t.Errorf("user/info = %v", info)
	}
	m.Unfollow(OpenID(OfficialAppID, "carol"))
	info = call(t, "GET", base+PathUserInfo+"?access_token="+tok+"&openid="+OpenID(OfficialAppID, "carol"), nil)
	if info["subscribe"] != float64(0) || info["language"] != nil {
		t.Errorf("unfollowed user/info = %v", info)
	}
}

func TestStartClose(t *testing.T) {
	m := New(Options{})
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %q", m.URL())
	}
	if a := stableToken(t, m.URL(), MiniAppID, MiniSecret, false); a["access_token"] == nil {
		t.Errorf("got %v", a)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(m.URL() + PathMenuGet); err == nil {
		t.Error("still serving after Close")
	}
}

func TestTemplateClientMsgIDSendsOnce(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	m, base := newMock(t, Options{Now: func() time.Time { return now }})
	tok := stableToken(t, base, OfficialAppID, OfficialSecret, false)["access_token"].(string)
	send := func(to, id string) answer {
		return call(t, "POST", base+PathTemplateSend+"?access_token="+tok, map[string]any{"touser": to, "template_id": "t",
			"client_msg_id": id, "data": map[string]any{"thing1": map[string]string{"value": "x"}}})
	}
	first := send("o-a", "k1")
	tests := []struct {
		name      string
		to, id    string
		advance   time.Duration
		wantDup   bool
		wantMsgs  int
		wantDupsN int
	}{
		{"same openid and id", "o-a", "k1", time.Minute, true, 1, 1},
		{"another openid", "o-b", "k1", 0, false, 2, 1},
		{"another id", "o-a", "k2", 0, false, 3, 1},
		{"no id is never a duplicate", "o-a", "", 0, false, 4, 1},
		{"after ten minutes", "o-a", "k1", 10 * time.Minute, false, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = now.Add(tt.advance)
			a := send(tt.to, tt.id)
			if a.code() != 0 {
				t.Fatalf("errcode %d", a.code())
			}
			if dup := a["msgid"] == first["msgid"]; dup != tt.wantDup {
				t.Errorf("answered msgid %v (first %v): duplicate %v, want %v", a["msgid"], first["msgid"], dup, tt.wantDup)
			}
			if n := len(m.Messages()); n != tt.wantMsgs {
				t.Errorf("%d messages, want %d", n, tt.wantMsgs)
			}
			if d := m.Duplicates(); d != tt.wantDupsN {
				t.Errorf("%d duplicates, want %d", d, tt.wantDupsN)
			}
		})
	}
}
