// Package wechattest holds test helpers that need the WeChat SDK itself,
// which only service/wechat and its sub-packages may import.
package wechattest

import (
	"net/http"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/sirupsen/logrus"
)

// SDKEcho is the SDK's own callback server answering every text message
// with its content: the least a callback can do, as a baseline for
// benchmarks of ours. It checks signatures (plain and safe mode) the SDK's
// way and nothing else.
func SDKEcho(appID, token, aesKey string) http.Handler {
	// The SDK logs every message at debug level through logrus.
	logrus.SetLevel(logrus.WarnLevel)
	oa := officialaccount.NewOfficialAccount(&offconfig.Config{AppID: appID, AppSecret: "unused", Token: token,
		EncodingAESKey: aesKey, Cache: cache.NewMemory()}) // never used: echoing needs no access token
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = srv.Send()
	})
}
