package wechat

import (
	"context"
	"log/slog"
	"net/url"
	"regexp"

	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
	"github.com/silenceper/wechat/v2/util"
)

// Session is who signed in to the mini-program.
type Session struct {
	OpenID  string
	UnionID string // empty unless the mini-program is bound to an open platform account
	// SessionKey decrypts the user's wx.getUserInfo data; never log it.
	SessionKey string
}

// LogValue keeps the session key out of logs.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(slog.String("openid", s.OpenID), slog.String("unionid", s.UnionID))
}

// codePattern is what WeChat's login codes look like. The SDK pastes the
// code into its URL unescaped, so anything else could add parameters.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func badCode(op string) error {
	return &APIError{Op: op, Code: CodeInvalidCode, Msg: "invalid code (refused before calling WeChat)"}
}

// Code2Session exchanges a wx.login code for the user's openid (jscode2session).
// A code works once: 40029 invalid, 40163 already used.
func (c *Client) Code2Session(ctx context.Context, code string) (Session, error) {
	const op = "Code2Session"
	if c.mini == nil {
		return Session{}, ErrNotConfigured
	}
	if !codePattern.MatchString(code) {
		return Session{}, badCode(op)
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	res, err := c.mini.auth.Code2SessionContext(ctx, code)
	if err != nil {
		return Session{}, c.classify(op, err)
	}
	return Session{OpenID: res.OpenID, UnionID: res.UnionID, SessionKey: res.SessionKey}, nil
}

// SubscribeMessage is a mini-program subscribe message (订阅消息). The user
// must have accepted its template in wx.requestSubscribeMessage: one
// acceptance, one message.
type SubscribeMessage struct {
	ToUser     string            // the user's mini-program openid
	TemplateID string            // the subscribe template's id
	Page       string            // the page it opens, e.g. "pages/subsidy/index?id=1"
	Data       map[string]string // each template key ("thing1", "time2") and its value
	// State is the version it opens: "developer", "trial" or "" (formal).
	State string
}

// SendSubscribe sends a subscribe message. WeChat answers 43101 when the
// user has not accepted (or has used up) the template: IsPermanent.
func (c *Client) SendSubscribe(ctx context.Context, m SubscribeMessage) error {
	const op = "SendSubscribe"
	if c.mini == nil {
		return ErrNotConfigured
	}
	data := make(map[string]*subscribe.DataItem, len(m.Data))
	for k, v := range m.Data {
		data[k] = &subscribe.DataItem{Value: v}
	}
	state := m.State
	if state == "" {
		state = "formal"
	}
	body := &subscribe.Message{ToUser: m.ToUser, TemplateID: m.TemplateID, Page: m.Page, Data: data,
		MiniprogramState: state, Lang: "zh_CN"}
	return c.withToken(ctx, op, c.mini.tokens, func(ctx context.Context, token string) error {
		resp, err := util.PostJSONContext(ctx, urlSubscribeSend+"?access_token="+url.QueryEscape(token), body)
		if err != nil {
			return err
		}
		return util.DecodeWithCommonError(resp, op)
	})
}

// Login is Code2Session for sign-in: the openid and unionid only, so the
// session key never leaves this package.
func (c *Client) Login(ctx context.Context, code string) (openid, unionid string, err error) {
	s, err := c.Code2Session(ctx, code)
	return s.OpenID, s.UnionID, err
}
