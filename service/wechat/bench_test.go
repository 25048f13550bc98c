package wechat

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// BenchmarkCallback is the callback's own work for one pushed text
// message: check, (decrypt,) parse, and render (and encrypt) a text reply.
// No network: the request is built once by wxmock and replayed.
func BenchmarkCallback(b *testing.B) {
	cb := demoCallback(b, kv.NewMemory())
	wx := wxmock.NewCallbackClient("http://callback.test/wechat/official")
	push := wxmock.TextPush(wxmock.OpenID(wxmock.OfficialAppID, "bench"), "我的补贴什么时候到账？", 6054768590064713728)
	for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeSafe} {
		b.Run(mode.String(), func(b *testing.B) {
			req, err := wx.Request(context.Background(), mode, push)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				b.Fatal(err)
			}
			reply := &Reply{Text: "您好，已收到。补贴一般在每月 10 日前到账。"}
			rd := bytes.NewReader(body)
			b.ReportAllocs()
			for b.Loop() {
				rd.Reset(body)
				r := req.Clone(req.Context())
				r.Body = io.NopCloser(rd)
				in, err := cb.Parse(r, 0, 0)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := cb.Reply(in, reply); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("safe/over-http", func(b *testing.B) {
		// The same through a real HTTP round trip on loopback, as WeChat
		// would call it (wxmock's client verifies and decrypts the reply).
		srv, _ := callbackServer(b, cb, func(*InboundMessage) *Reply { return &Reply{Text: "收到"} })
		wx := wxmock.NewCallbackClient(srv.URL)
		wx.HTTP = &http.Client{}
		b.ReportAllocs()
		i := int64(0)
		for b.Loop() {
			i++
			p := push
			p.MsgID = i
			if _, err := wx.Send(context.Background(), wxmock.ModeSafe, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
