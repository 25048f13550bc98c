package chatbot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// MenuOptions fill what a menu file leaves to the deployment.
type MenuOptions struct {
	MiniappAppID string // for miniprogram buttons without an appid
	PublicURL    string // replaces {public_url} in URLs
}

// BuildMenu checks a menu file against WeChat's limits and the bot's
// intents (every click key must ask for an intent, so no button answers
// "help" by mistake) and turns it into the menu to create. All problems
// are reported together.
func BuildMenu(f *config.MenuFile, in *Intents, o MenuOptions) (wechat.Menu, error) {
	var errs []error
	bad := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf(where+": "+format, args...))
	}
	if n := len(f.Buttons); n < 1 || n > 3 {
		bad("buttons", "WeChat allows 1 to 3 buttons, got %d", n)
	}
	leaf := func(where string, b config.MenuButton) wechat.Button {
		out := wechat.Button{Type: b.Type, Name: b.Name, Key: b.Key, AppID: b.AppID, PagePath: b.Page, URL: b.URL}
		urlOK := func() bool { return strings.HasPrefix(out.URL, "http://") || strings.HasPrefix(out.URL, "https://") }
		if strings.Contains(b.URL, "{public_url}") {
			if o.PublicURL == "" {
				bad(where, "url uses {public_url} but XB_PUBLIC_URL is not set")
				urlOK = func() bool { return true } // said once is enough
			}
			out.URL = strings.ReplaceAll(b.URL, "{public_url}", strings.TrimRight(o.PublicURL, "/"))
		}
		switch b.Type {
		case "click":
			switch {
			case b.Key == "" || len(b.Key) > 128:
				bad(where, "a click button needs a key of 1 to 128 bytes")
			case in.Clicked(b.Key) == nil:
				bad(where, "key %q asks for no intent (click keys of config/chatbot_intents.yaml)", b.Key)
			}
		case "view":
			if !urlOK() {
				bad(where, "a view button needs an http(s) url")
			}
		case "miniprogram":
			if out.AppID == "" {
				out.AppID = o.MiniappAppID
			}
			switch {
			case out.AppID == "":
				bad(where, "a miniprogram button needs an appid (or XB_MINIAPP_APPID)")
			case b.Page == "":
				bad(where, "a miniprogram button needs a page")
			case !urlOK():
				bad(where, "a miniprogram button needs an http(s) url as the fallback for old clients")
			}
		default:
			bad(where, "type %q: want click, miniprogram or view", b.Type)
		}
		return out
	}
	var m wechat.Menu
	for i, b := range f.Buttons {
		where := fmt.Sprintf("buttons[%d] %s", i, b.Name)
		if b.Name == "" || len(b.Name) > 16 {
			bad(where, "a top button's name is 1 to 16 bytes (5 Chinese characters)")
		}
		if len(b.SubButtons) == 0 {
			m.Buttons = append(m.Buttons, leaf(where, b))
			continue
		}
		if b.Type != "" || len(b.SubButtons) > 5 {
			bad(where, "a button with sub_buttons has no type and at most 5 of them")
		}
		top := wechat.Button{Name: b.Name}
		for j, sb := range b.SubButtons {
			w := fmt.Sprintf("%s.sub_buttons[%d] %s", where, j, sb.Name)
			if sb.Name == "" || len(sb.Name) > 60 {
				bad(w, "a sub-button's name is 1 to 60 bytes")
			}
			if len(sb.SubButtons) > 0 {
				bad(w, "sub-buttons cannot have sub-buttons")
			}
			top.SubButtons = append(top.SubButtons, leaf(w, sb))
		}
		m.Buttons = append(m.Buttons, top)
	}
	if err := errors.Join(errs...); err != nil {
		return wechat.Menu{}, err
	}
	return m, nil
}
