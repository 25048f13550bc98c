package wxmock

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestControlAPI(t *testing.T) {
	m, base := newMock(t, Options{})
	do := func(method, path, body string) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"set fault", "POST", "/_mock/faults", `{"endpoint": "/sns/jscode2session", "errcode": -1, "latency_ms": 1}`, http.StatusNoContent},
		{"unknown endpoint", "POST", "/_mock/faults", `{"endpoint": "/cgi-bin/nope", "errcode": -1}`, http.StatusBadRequest},
		{"bad JSON", "POST", "/_mock/faults", `{`, http.StatusBadRequest},
		{"bad code", "POST", "/_mock/bad-codes", `{"code": "forged"}`, http.StatusNoContent},
		{"bad code without code", "POST", "/_mock/bad-codes", `{}`, http.StatusBadRequest},
		{"expire tokens", "POST", "/_mock/expire-tokens", ``, http.StatusNoContent},
		{"clear messages", "DELETE", "/_mock/messages", ``, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := do(tt.method, tt.path, tt.body); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	if f := m.Faults()[PathCode2Session]; f.ErrCode != -1 || f.Latency.Milliseconds() != 1 {
		t.Errorf("fault = %+v", f)
	}
	var faults struct{ Faults map[string]Fault }
	resp, _ := http.Get(base + "/_mock/faults")
	json.NewDecoder(resp.Body).Decode(&faults)
	resp.Body.Close()
	if faults.Faults[PathCode2Session].ErrCode != -1 {
		t.Errorf("GET /_mock/faults = %+v", faults)
	}
	if do("DELETE", "/_mock/faults", "") != http.StatusNoContent || len(m.Faults()) != 0 {
		t.Error("faults not cleared")
	}
	u := base + PathCode2Session + "?appid=" + MiniAppID + "&secret=" + MiniSecret + "&grant_type=authorization_code&js_code="
	if got := call(t, "GET", u+"forged", nil).code(); got != CodeInvalidCode {
		t.Errorf("code marked bad over HTTP: %d", got)
	}
	var calls struct{ Calls map[string]int }
	resp, _ = http.Get(base + "/_mock/calls")
	json.NewDecoder(resp.Body).Decode(&calls)
	resp.Body.Close()
	if calls.Calls[PathCode2Session] != 1 || len(calls.Calls) != len(Endpoints()) {
		t.Errorf("calls = %v", calls.Calls)
	}
	m.Reset()
	if m.Calls(PathCode2Session) != 0 {
		t.Error("Reset kept the counts")
	}
}

func TestReadReply(t *testing.T) {
	c := &CallbackClient{Token: CallbackToken, AESKey: CallbackAESKey, AppID: OfficialAppID}
	inner := []byte("<xml><ToUserName><![CDATA[o-a]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>" +
		"<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>")
	enc, err := Encrypt(CallbackAESKey, OfficialAppID, make([]byte, 16), inner)
	if err != nil {
		t.Fatal(err)
	}
	envelope := func(sig string) []byte {
		return []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + sig +
			"]]></MsgSignature><TimeStamp>1</TimeStamp><Nonce><![CDATA[2]]></Nonce></xml>")
	}
	tests := []struct {
		name    string
		mode    Mode
		body    []byte
		content string
		wantErr bool
	}{
		{"success", ModeSafe, []byte("success"), "", false},
		{"empty", ModePlain, nil, "", false},
		{"plain", ModePlain, inner, "hi", false},
		{"encrypted", ModeSafe, envelope(Signature(CallbackToken, "1", "2", enc)), "hi", false},
		{"plaintext accepted in compatible mode", ModeCompatible, inner, "hi", false},
		{"plaintext refused in safe mode", ModeSafe, inner, "", true},
		{"bad reply signature", ModeSafe, envelope("0000"), "", true},
		{"encrypted reply to plain", ModePlain, envelope(Signature(CallbackToken, "1", "2", enc)), "", true},
		{"not XML", ModePlain, []byte("ok!"), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := c.ReadReply(tt.mode, tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && rep.Content != tt.content {
				t.Errorf("content %q, want %q", rep.Content, tt.content)
			}
		})
	}
	if _, err := c.ReadReply(ModeSafe, inner); !errors.Is(err, ErrPlainReply) {
		t.Errorf("want ErrPlainReply, got %v", err)
	}
}
