package wechat

// WeChat endpoints we call with the SDK's util.PostJSONContext and
// util.HTTPGetContext ourselves, because the SDK's methods for them
// (message.Template.Send, subscribe.Subscribe.Send, menu.Menu.SetMenu and
// GetMenu, user.User.GetUserInfo) take no context in v2.1.14: they could
// not be routed, cancelled or bounded. The URLs are the SDK's.
const (
	urlTemplateSend  = "https://api.weixin.qq.com/cgi-bin/message/template/send"
	urlSubscribeSend = "https://api.weixin.qq.com/cgi-bin/message/subscribe/send"
	urlMenuCreate    = "https://api.weixin.qq.com/cgi-bin/menu/create"
	urlMenuGet       = "https://api.weixin.qq.com/cgi-bin/menu/get"
	urlUserInfo      = "https://api.weixin.qq.com/cgi-bin/user/info"
)
