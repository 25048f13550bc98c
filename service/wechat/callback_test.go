package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// demoCallback is the Callback of a Client with wxmock's demo settings.
func demoCallback(t testing.TB, store kv.Store) *Callback {
	o := Options{Store: store, Logger: discard()}
	demoApps(&o, "http://127.0.0.1:1")
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c.Callback()
}

// callbackServer serves cb the way a handler would, answering with reply.
func callbackServer(t testing.TB, cb *Callback, reply func(*InboundMessage) *Reply) (*httptest.Server, func() *InboundMessage) {
	var mu sync.Mutex
	var last *InboundMessage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			echo, err := cb.VerifyURL(r.URL.Query())
			if err != nil {
				http.Error(w, err.Error(), http.StatusForbidden)
				return
			}
			w.Write([]byte(echo))
			return
		}
		in, err := cb.Parse(r, 0, 0)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		last = in
		mu.Unlock()
		body, ct, err := cb.Reply(in, reply(in))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() *InboundMessage { mu.Lock(); defer mu.Unlock(); return last }
}

// TestCallbackRoundTrip: wxmock, as WeChat, pushes a message in each mode;
// the callback parses it and replies; wxmock checks and decrypts the reply.
func TestCallbackRoundTrip(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	articles := []Article{{Title: "补贴政策", Description: "2024 年", PicURL: "https://example.org/a.jpg", URL: "https://example.org/a"},
		{Title: "就业岗位", URL: "https://example.org/b"}}
	replies := []struct {
		name  string
		reply *Reply
	}{
		{"none", nil},
		{"text", &Reply{Text: "您好，已收到：<来信> & 谢谢"}},
		{"news", &Reply{Articles: articles}},
	}
	for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeCompatible, wxmock.ModeSafe} {
		for _, rr := range replies {
			t.Run(mode.String()+"/"+rr.name, func(t *testing.T) {
				srv, last := callbackServer(t, cb, func(*InboundMessage) *Reply { return rr.reply })
				wx := wxmock.NewCallbackClient(srv.URL)
				openid := wxmock.OpenID(wxmock.OfficialAppID, "dave")
				rep, err := wx.Send(context.Background(), mode, wxmock.TextPush(openid, "我的补贴什么时候到？", 6054768590064713728))
				if err != nil {
					t.Fatal(err)
				}
				in := last()
				if in.OpenID != openid || in.Content != "我的补贴什么时候到？" || in.MsgID != 6054768590064713728 ||
					in.MsgType != "text" || in.ToUserName != wxmock.OfficialOriginalID || in.Encrypted != (mode != wxmock.ModePlain) {
					t.Errorf("parsed %+v", in)
				}
				if rr.reply == nil {
					if !rep.Success {
						t.Errorf("no reply should be success, got %+v", rep)
					}
					return
				}
				if rep.Encrypted != (mode != wxmock.ModePlain) || rep.ToUserName != openid || rep.FromUserName != wxmock.OfficialOriginalID {
					t.Errorf("reply %+v", rep)
				}
				switch {
				case rr.reply.Text != "" && (rep.MsgType != "text" || rep.Content != rr.reply.Text):
					t.Errorf("text reply %+v", rep)
				case len(rr.reply.Articles) > 0 && (rep.MsgType != "news" || len(rep.Articles) != 2 ||
					rep.Articles[0].Title != "补贴政策" || rep.Articles[0].PicURL != articles[0].PicURL):
					t.Errorf("news reply %+v", rep)
				}
			})
		}
	}
}

func TestEventParsed(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	wx := wxmock.NewCallbackClient("http://callback.test/wechat/official")
	req, err := wx.Request(context.Background(), wxmock.ModeSafe, wxmock.EventPush("o-erin", "CLICK", "SUBSIDY"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := cb.Parse(req, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if in.MsgType != "event" || in.Event != "CLICK" || in.EventKey != "SUBSIDY" || in.OpenID != "o-erin" {
		t.Errorf("parsed %+v", in)
	}
	if !strings.HasPrefix(in.DedupKey(), "event:o-erin:") {
		t.Errorf("DedupKey = %q", in.DedupKey())
	}
}

// TestVoiceAndDeliveryReportParsed reads what the bot needs of a voice
// message (WeChat's transcript) and of TEMPLATESENDJOBFINISH (the template
// message's msgid, sent as MsgID, and the result).
func TestVoiceAndDeliveryReportParsed(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	wx := wxmock.NewCallbackClient("http://callback.test/wechat/official")
	for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			req, err := wx.Request(context.Background(), mode, wxmock.VoicePush("o-fang", "我的钱到了没。", 6054768590064713729))
			if err != nil {
				t.Fatal(err)
			}
			in, err := cb.Parse(req, 0, 0)
			if err != nil || in.MsgType != "voice" || in.Recognition != "我的钱到了没。" || in.DedupKey() != "msg:6054768590064713729" {
				t.Fatalf("voice parsed %+v, %v", in, err)
			}
			req, err = wx.Request(context.Background(), mode, wxmock.TemplateFinishPush("o-fang", 2000000042, "failed:user block"))
			if err != nil {
				t.Fatal(err)
			}
			in, err = cb.Parse(req, 0, 0)
			if err != nil || in.Event != "TEMPLATESENDJOBFINISH" || in.MsgID != 2000000042 || in.Status != "failed:user block" ||
				!strings.HasPrefix(in.DedupKey(), "event:o-fang:") {
				t.Fatalf("delivery report parsed %+v, %v", in, err)
			}
		})
	}
}

func TestCallbackRejects(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	noAES := demoCallback(t, kv.NewMemory())
	noAES.aesKey = ""
	const target = "http://callback.test/wechat/official"
	ctx := context.Background()
	client := func(edit func(*wxmock.CallbackClient)) *wxmock.CallbackClient {
		c := wxmock.NewCallbackClient(target)
		if edit != nil {
			edit(c)
		}
		return c
	}
	push := wxmock.TextPush("o-frank", "你好", 1)
	big := wxmock.TextPush("o-frank", strings.Repeat("长", 30000), 2)
	tests := []struct {
		name    string
		cb      *Callback
		req     func() (*http.Request, error)
		maxBody int64
		want    error
	}{
		{"plain, wrong token", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) { c.Token = "guessed" }).Request(ctx, wxmock.ModePlain, push)
		}, 0, ErrBadSignature},
		{"safe, wrong token", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) { c.Token = "guessed" }).Request(ctx, wxmock.ModeSafe, push)
		}, 0, ErrBadSignature},
		{"safe, tampered msg_signature", cb, func() (*http.Request, error) {
			r, err := client(nil).Request(ctx, wxmock.ModeSafe, push)
			if err == nil {
				q := r.URL.Query()
				q.Set("msg_signature", strings.Repeat("0", 40))
				r.URL.RawQuery = q.Encode()
			}
			return r, err
		}, 0, ErrBadSignature},
		{"stale", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) {
				c.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
			}).Request(ctx, wxmock.ModePlain, push)
		}, 0, ErrStale},
		{"from the future", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) {
				c.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
			}).Request(ctx, wxmock.ModeSafe, push)
		}, 0, ErrStale},
		{"too large", cb, func() (*http.Request, error) { return client(nil).Request(ctx, wxmock.ModePlain, big) }, 0, ErrTooLarge},
		{"over the given cap", cb, func() (*http.Request, error) { return client(nil).Request(ctx, wxmock.ModeSafe, push) }, 100, ErrTooLarge},
		{"too large, length unknown", cb, func() (*http.Request, error) {
			r, err := client(nil).Request(ctx, wxmock.ModePlain, big)
			if err == nil {
				r.ContentLength = -1
			}
			return r, err
		}, 0, ErrTooLarge},
		{"plain, malformed XML", cb, func() (*http.Request, error) {
			return client(nil).RawRequest(ctx, wxmock.ModePlain, []byte("<xml><MsgType>text"))
		}, 0, ErrMalformed},
		{"safe, malformed inner XML", cb, func() (*http.Request, error) {
			return client(nil).RawRequest(ctx, wxmock.ModeSafe, []byte("<xml><MsgType><![CDATA[text]]"))
		}, 0, ErrMalformed},
		{"no sender", cb, func() (*http.Request, error) {
			return client(nil).RawRequest(ctx, wxmock.ModePlain, []byte("<xml><MsgType>text</MsgType></xml>"))
		}, 0, ErrMalformed},
		{"safe, for another AppID", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) { c.AppID = "wx5823bf96d3bd56c7" }).Request(ctx, wxmock.ModeSafe, push)
		}, 0, ErrMalformed},
		{"safe, another key", cb, func() (*http.Request, error) {
			return client(func(c *wxmock.CallbackClient) { c.AESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" }).Request(ctx, wxmock.ModeSafe, push)
		}, 0, ErrMalformed},
		{"safe, no Encrypt element", cb, func() (*http.Request, error) {
			r, err := client(nil).Request(ctx, wxmock.ModeSafe, push)
			if err == nil {
				body := []byte("<xml><ToUserName>gh</ToUserName></xml>")
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			}
			return r, err
		}, 0, ErrMalformed},
		{"bad timestamp", cb, func() (*http.Request, error) {
			r, err := client(nil).Request(ctx, wxmock.ModePlain, push)
			if err == nil {
				q := r.URL.Query()
				q.Set("timestamp", "yesterday")
				r.URL.RawQuery = q.Encode()
			}
			return r, err
		}, 0, ErrMalformed},
		{"GET", cb, func() (*http.Request, error) { return client(nil).VerifyRequest(ctx, "echo") }, 0, ErrMalformed},
		{"safe mode without an AES key", noAES, func() (*http.Request, error) { return client(nil).Request(ctx, wxmock.ModeSafe, push) }, 0, ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := tt.req()
			if err != nil {
				t.Fatal(err)
			}
			in, err := tt.cb.Parse(req, tt.maxBody, 0)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %+v, %v; want %v", in, err, tt.want)
			}
		})
	}
	// The errors carry their HTTP meaning for handlers.
	if !errors.Is(ErrBadSignature, apperr.Forbidden) || !errors.Is(ErrTooLarge, apperr.TooLarge) || !errors.Is(ErrMalformed, apperr.Invalid) {
		t.Error("callback errors lost their apperr kinds")
	}
}

func TestVerifyURL(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	srv, _ := callbackServer(t, cb, func(*InboundMessage) *Reply { return nil })
	tests := []struct {
		name, token string
		status      int
	}{
		{"good", wxmock.CallbackToken, http.StatusOK},
		{"wrong token", "guessed", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wx := wxmock.NewCallbackClient(srv.URL)
			wx.Token = tt.token
			req, _ := wx.VerifyRequest(context.Background(), "4915726253958829543")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			if resp.StatusCode != tt.status || (tt.status == http.StatusOK && body.String() != "4915726253958829543") {
				t.Errorf("status %d body %q", resp.StatusCode, body.String())
			}
		})
	}
}

func TestReplyLimits(t *testing.T) {
	cb := demoCallback(t, kv.NewMemory())
	in := &InboundMessage{OpenID: "o-a", ToUserName: "gh", Encrypted: true}
	if body, ct, err := cb.Reply(in, &Reply{}); err != nil || string(body) != "success" || ct != ContentTypeText {
		t.Errorf("empty reply in safe mode = %q %q %v, want plain success (the SDK encrypts an empty string)", body, ct, err)
	}
	if _, _, err := cb.Reply(in, &Reply{Text: "a", Articles: []Article{{Title: "b"}}}); err == nil {
		t.Error("text and articles accepted")
	}
	if _, _, err := cb.Reply(in, &Reply{Articles: make([]Article, 9)}); err == nil {
		t.Error("nine articles accepted")
	}
}

func TestFirstDelivery(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		cb := demoCallback(t, store)
		ctx := context.Background()
		msg := &InboundMessage{OpenID: "o-a", MsgType: "text", MsgID: 42}
		other := &InboundMessage{OpenID: "o-a", MsgType: "text", MsgID: 43}
		for i, want := range []bool{true, false, false} {
			if got, err := cb.FirstDelivery(ctx, msg); err != nil || got != want {
				t.Errorf("delivery %d: %v %v, want %v", i+1, got, err, want)
			}
		}
		if got, _ := cb.FirstDelivery(ctx, other); !got {
			t.Error("another message was taken for a retry")
		}
	})
}

// vector is one of testdata/msgcrypt_vectors.json: WeChat's published
// sample values (see testdata/README.md).
type vector struct {
	Name         string `json:"name"`
	Token        string `json:"token"`
	AESKey       string `json:"encoding_aes_key"`
	AppID        string `json:"appid"`
	Timestamp    string `json:"timestamp"`
	Nonce        string `json:"nonce"`
	MsgSignature string `json:"msg_signature"`
	Body         string `json:"body"`
	Encrypt      string `json:"encrypt"`
	Plaintext    string `json:"plaintext"`
	Random       string `json:"random"`
	FromUser     string `json:"from_user"`
	Content      string `json:"content"`
	MsgID        int64  `json:"msg_id"`
}

func TestMessageCryptoVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/msgcrypt_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			if got := util.Signature(v.Token, v.Timestamp, v.Nonce, v.Encrypt); got != v.MsgSignature {
				t.Errorf("signature %s, want %s", got, v.MsgSignature)
			}
			enc, err := util.EncryptMsg([]byte(v.Random), []byte(v.Plaintext), v.AppID, v.AESKey)
			if err != nil || string(enc) != v.Encrypt {
				t.Errorf("encrypting the sample's plaintext with its random: %v\n got %s\nwant %s", err, enc, v.Encrypt)
			}

			// The sample request through Parse, at the sample's time.
			sec, err := strconv.ParseInt(v.Timestamp, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(sec, 0)
			cb := &Callback{appID: v.AppID, token: v.Token, aesKey: v.AESKey, store: kv.NewMemory(),
				now: func() time.Time { return now }, log: discard()}
			req := httptest.NewRequest(http.MethodPost, "/wechat/official?encrypt_type=aes&timestamp="+v.Timestamp+
				"&nonce="+v.Nonce+"&msg_signature="+v.MsgSignature, strings.NewReader(v.Body))
			in, err := cb.Parse(req, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if in.OpenID != v.FromUser || in.Content != v.Content || in.MsgID != v.MsgID || !in.Encrypted {
				t.Errorf("parsed %+v", in)
			}

			// Our encrypted reply, read by wxmock's independent code.
			body, _, err := cb.Reply(in, &Reply{Text: "收到"})
			if err != nil {
				t.Fatal(err)
			}
			wx := &wxmock.CallbackClient{Token: v.Token, AESKey: v.AESKey, AppID: v.AppID}
			rep, err := wx.ReadReply(wxmock.ModeSafe, body)
			if err != nil || rep.Content != "收到" || rep.ToUserName != v.FromUser {
				t.Errorf("wxmock read %+v, %v", rep, err)
			}
		})
	}
}
