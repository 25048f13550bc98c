// Package wxmock is a stand-in for WeChat's API servers, written from
// WeChat's published API documentation and independent of any WeChat SDK,
// so that it checks service/wechat honestly: code that passes against it
// should pass against the real thing.
//
// It serves the endpoints xiangbang uses (access tokens, code2session, web
// OAuth, user info, template and subscribe messages, menus) with WeChat's
// JSON shapes and error codes; checks the access token on every call;
// records every message sent; and takes injected faults per endpoint. A
// CallbackClient plays WeChat's side of the message callback: it builds
// signed plain-mode and encrypted safe-mode requests and decrypts replies.
//
// It runs in-process (tests, the demo) or as `xiangbang wxmock`:
//
//	m := wxmock.New(wxmock.Options{})
//	if err := m.Start(); err != nil { ... }
//	defer m.Close()
//	// Point wechat.Options.APIBase (XB_WECHAT_API_BASE) at m.URL() and use
//	// MiniAppID/MiniSecret, OfficialAppID/OfficialSecret; or take both
//	// from wechat.NewDemo.
//	m.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: 45009, Times: 1})
//	m.BadCode("forged")            // jscode2session and OAuth answer 40029
//	sent := m.Messages()           // every template and subscribe message accepted
//
// Openids are derived from the login code (OpenID, UnionID), so a test
// knows who "alice" is without asking.
package wxmock
