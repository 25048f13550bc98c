package wechat

import (
	"log/slog"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// NewDemo starts wxmock in-process and returns a Client pointed at it,
// with wxmock's demo apps and callback settings filled into o (o's
// AppIDs, secrets, callback settings and APIBase are replaced). The caller
// closes the mock when done. Tests of other packages use it too: the mock
// records what was sent (Messages) and takes faults (SetFault).
func NewDemo(o Options) (*Client, *wxmock.Server, error) {
	mock := wxmock.New(wxmock.Options{Logger: o.Logger})
	if err := mock.Start(); err != nil {
		return nil, nil, err
	}
	demoApps(&o, mock.URL())
	c, err := New(o)
	if err != nil {
		mock.Close()
		return nil, nil, err
	}
	return c, mock, nil
}

// demoApps fills o with wxmock's demo apps at base.
func demoApps(o *Options, base string) {
	o.MiniappAppID, o.MiniappSecret = wxmock.MiniAppID, wxmock.MiniSecret
	o.OfficialAppID, o.OfficialSecret = wxmock.OfficialAppID, wxmock.OfficialSecret
	o.OfficialToken, o.OfficialAESKey = wxmock.CallbackToken, wxmock.CallbackAESKey
	o.APIBase = base
}

// Open builds the Client the configuration asks for, as `serve` needs it:
//
//   - AppIDs configured: the real apps, at XB_WECHAT_API_BASE if set
//     (staging against a separate `xiangbang wxmock`), else WeChat.
//   - No AppID and XB_WECHAT_API_BASE set: wxmock's demo apps at that base.
//   - Neither: demo mode, wxmock in-process; mock is non-nil and the
//     caller closes it.
//
// It logs which, loudly for the demo: nothing reaches WeChat then.
func Open(cfg *config.Config, store kv.Store, log *slog.Logger) (c *Client, mock *wxmock.Server, err error) {
	o := Options{
		MiniappAppID: cfg.MiniappAppID, MiniappSecret: cfg.MiniappSecret,
		OfficialAppID: cfg.OfficialAppID, OfficialSecret: cfg.OfficialSecret,
		OfficialToken: cfg.OfficialToken, OfficialAESKey: cfg.OfficialAESKey,
		APIBase: cfg.WeChatAPIBase, Store: store, Logger: log,
	}
	switch {
	case !cfg.WeChatDemo():
		c, err = New(o)
		if err == nil {
			target := "WeChat"
			if o.APIBase != "" {
				target = o.APIBase
			}
			log.Info("wechat: calls go to "+target, "miniapp_appid", o.MiniappAppID, "official_appid", o.OfficialAppID)
		}
	case o.APIBase != "":
		demoApps(&o, o.APIBase)
		c, err = New(o)
		if err == nil {
			log.Warn("wechat: no AppID configured: using wxmock's demo apps at "+o.APIBase+"; nothing reaches WeChat",
				"miniapp_appid", o.MiniappAppID, "official_appid", o.OfficialAppID)
		}
	default:
		c, mock, err = NewDemo(o)
		if err == nil {
			log.Warn("wechat: DEMO MODE: no AppID configured, so wxmock stands in for WeChat's servers in this process; nothing reaches WeChat and no real user gets a message",
				"wxmock", mock.URL(), "miniapp_appid", wxmock.MiniAppID, "official_appid", wxmock.OfficialAppID)
		}
	}
	return c, mock, err
}
