package wechat

import (
	"context"
	"errors"
	"testing"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// FuzzCallbackParse sends Parse correctly signed requests (plain mode) and
// correctly encrypted ones (compatible and safe modes) around arbitrary bodies: whatever
// WeChat, or someone who has the token, sends, Parse answers with a
// message or one of its error classes, and never panics. A message it
// accepts has what the bot needs to answer and to deduplicate retries.
func FuzzCallbackParse(f *testing.F) {
	for _, s := range []string{
		"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o-fuzz]]></FromUserName><CreateTime>1789869600</CreateTime>" +
			"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[补贴]]></Content><MsgId>1</MsgId></xml>",
		"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName>o</FromUserName><MsgType>event</MsgType><Event>CLICK</Event></xml>",
		"<xml><MsgType>text", "", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><xml>&a;</xml>",
		"<xml><FromUserName>o</FromUserName><MsgType>voice</MsgType><Recognition>我的钱</Recognition><CreateTime>-1</CreateTime></xml>",
	} {
		f.Add(s)
	}
	cb := demoCallback(f, kv.NewMemory())
	client := wxmock.NewCallbackClient("http://callback.test/wechat/official")
	f.Fuzz(func(t *testing.T, body string) {
		for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeCompatible, wxmock.ModeSafe} {
			r, err := client.RawRequest(context.Background(), mode, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			m, err := cb.Parse(r, 0, 0)
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
					t.Fatalf("mode %v: error %v is none of the classes", mode, err)
				}
				continue
			}
			if m.OpenID == "" || m.MsgType == "" || m.DedupKey() == "" {
				t.Fatalf("mode %v: accepted %+v", mode, m)
			}
		}
	})
}
