package wechat

import (
	"context"
	"net/url"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/officialaccount/user"
	"github.com/silenceper/wechat/v2/util"
)

// TemplateMessage is an official account template message (模板消息).
type TemplateMessage struct {
	ToUser     string // the user's official account openid
	TemplateID string
	URL        string // the page it opens, if any
	// MiniProgram, when set, opens a mini-program page instead of URL; an
	// empty AppID means the configured mini-program.
	MiniProgram *MiniProgramPage
	Data        map[string]string // each template key and its value
	Colors      map[string]string // optional colour per key, e.g. "#173177"
	// ClientMsgID makes WeChat send at most one message per openid and id
	// within ten minutes: give the outbox row's dedupe key.
	ClientMsgID string
}

// MiniProgramPage is a mini-program page a template message opens.
type MiniProgramPage struct {
	AppID    string
	PagePath string
}

// templateSendResult is WeChat's answer to template/send.
type templateSendResult struct {
	util.CommonError
	MsgID int64 `json:"msgid"`
}

// SendTemplate sends a template message and returns WeChat's msgid. The
// user must follow the account (else 43004).
func (c *Client) SendTemplate(ctx context.Context, m TemplateMessage) (int64, error) {
	const op = "SendTemplate"
	if c.official == nil {
		return 0, ErrNotConfigured
	}
	body := &message.TemplateMessage{ToUser: m.ToUser, TemplateID: m.TemplateID, URL: m.URL,
		ClientMsgID: m.ClientMsgID, Data: make(map[string]*message.TemplateDataItem, len(m.Data))}
	for k, v := range m.Data {
		body.Data[k] = &message.TemplateDataItem{Value: v, Color: m.Colors[k]}
	}
	if m.MiniProgram != nil {
		body.MiniProgram.AppID, body.MiniProgram.PagePath = m.MiniProgram.AppID, m.MiniProgram.PagePath
		if body.MiniProgram.AppID == "" {
			body.MiniProgram.AppID = c.MiniappAppID()
		}
	}
	var res templateSendResult
	err := c.withToken(ctx, op, c.official.tokens, func(ctx context.Context, token string) error {
		resp, err := util.PostJSONContext(ctx, urlTemplateSend+"?access_token="+url.QueryEscape(token), body)
		if err != nil {
			return err
		}
		res = templateSendResult{}
		return util.DecodeWithError(resp, &res, op)
	})
	if err != nil {
		return 0, err
	}
	return res.MsgID, nil
}

// OAuthExchange exchanges a web OAuth code (snsapi_base or snsapi_userinfo)
// for the user's official account openid, and unionid when bound.
func (c *Client) OAuthExchange(ctx context.Context, code string) (openid, unionid string, err error) {
	const op = "OAuthExchange"
	if c.official == nil {
		return "", "", ErrNotConfigured
	}
	if !codePattern.MatchString(code) {
		return "", "", badCode(op)
	}
	ctx, cancel := c.callCtx(ctx)
	defer cancel()
	res, err := c.official.oauth.GetUserAccessTokenContext(ctx, code)
	if err != nil {
		return "", "", c.classify(op, err)
	}
	return res.OpenID, res.UnionID, nil
}

// UserInfo is what the official account knows of a user.
type UserInfo struct {
	OpenID     string
	UnionID    string
	Subscribed bool      // follows the account; if not, WeChat tells nothing more
	Since      time.Time // when they followed
}

// UserInfo looks up a user of the official account (cgi-bin/user/info).
func (c *Client) UserInfo(ctx context.Context, openid string) (UserInfo, error) {
	const op = "UserInfo"
	if c.official == nil {
		return UserInfo{}, ErrNotConfigured
	}
	var res user.Info
	err := c.withToken(ctx, op, c.official.tokens, func(ctx context.Context, token string) error {
		q := url.Values{"access_token": {token}, "openid": {openid}, "lang": {"zh_CN"}}
		resp, err := util.HTTPGetContext(ctx, urlUserInfo+"?"+q.Encode())
		if err != nil {
			return err
		}
		res = user.Info{}
		return util.DecodeWithError(resp, &res, op)
	})
	if err != nil {
		return UserInfo{}, err
	}
	out := UserInfo{OpenID: res.OpenID, UnionID: res.UnionID, Subscribed: res.Subscribe == 1}
	if res.SubscribeTime > 0 {
		out.Since = time.Unix(int64(res.SubscribeTime), 0)
	}
	return out, nil
}
