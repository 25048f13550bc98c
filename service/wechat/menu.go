package wechat

import (
	"context"
	"net/url"

	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/util"
)

// Menu is the official account's custom menu: up to 3 buttons, each
// either doing something or opening up to 5 sub-buttons.
type Menu struct {
	Buttons []Button
}

// Button is one menu button. Type is "click" (with Key), "view" (with
// URL), "miniprogram" (with URL as the fallback, AppID and PagePath) or
// another of WeChat's types; a button with SubButtons has no Type.
type Button struct {
	Type       string
	Name       string
	Key        string
	URL        string
	AppID      string
	PagePath   string
	MediaID    string
	SubButtons []Button
}

func toSDK(bs []Button) []*menu.Button {
	out := make([]*menu.Button, len(bs))
	for i, b := range bs {
		out[i] = &menu.Button{Type: b.Type, Name: b.Name, Key: b.Key, URL: b.URL, AppID: b.AppID,
			PagePath: b.PagePath, MediaID: b.MediaID, SubButtons: toSDK(b.SubButtons)}
		if len(b.SubButtons) == 0 {
			out[i].SubButtons = nil
		}
	}
	return out
}

func fromSDK(bs []menu.Button) []Button {
	out := make([]Button, len(bs))
	for i, b := range bs {
		subs := make([]menu.Button, len(b.SubButtons))
		for j, s := range b.SubButtons {
			subs[j] = *s
		}
		out[i] = Button{Type: b.Type, Name: b.Name, Key: b.Key, URL: b.URL, AppID: b.AppID,
			PagePath: b.PagePath, MediaID: b.MediaID}
		if len(subs) > 0 {
			out[i].SubButtons = fromSDK(subs)
		}
	}
	return out
}

// CreateMenu replaces the official account's menu.
func (c *Client) CreateMenu(ctx context.Context, m Menu) error {
	const op = "CreateMenu"
	if c.official == nil {
		return ErrNotConfigured
	}
	body := struct {
		Button []*menu.Button `json:"button"`
	}{toSDK(m.Buttons)}
	return c.withToken(ctx, op, c.official.tokens, func(ctx context.Context, token string) error {
		resp, err := util.PostJSONContext(ctx, urlMenuCreate+"?access_token="+url.QueryEscape(token), body)
		if err != nil {
			return err
		}
		return util.DecodeWithCommonError(resp, op)
	})
}

// GetMenu returns the official account's menu; none is an empty Menu.
func (c *Client) GetMenu(ctx context.Context) (Menu, error) {
	const op = "GetMenu"
	if c.official == nil {
		return Menu{}, ErrNotConfigured
	}
	var res menu.ResMenu
	err := c.withToken(ctx, op, c.official.tokens, func(ctx context.Context, token string) error {
		resp, err := util.HTTPGetContext(ctx, urlMenuGet+"?access_token="+url.QueryEscape(token))
		if err != nil {
			return err
		}
		res = menu.ResMenu{}
		return util.DecodeWithError(resp, &res, op)
	})
	if code, ok := apiCode(err); ok && code == CodeMenuNotExist {
		return Menu{}, nil
	}
	if err != nil {
		return Menu{}, err
	}
	return Menu{Buttons: fromSDK(res.Menu.Button)}, nil
}
