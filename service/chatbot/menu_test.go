package chatbot

import (
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/config"
)

func TestBuildShippedMenu(t *testing.T) {
	f, err := config.LoadMenu("")
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildMenu(f, shippedIntents(t), MenuOptions{MiniappAppID: "wxmini", PublicURL: "https://xb.example.cn/"})
	if err != nil {
		t.Fatal(err)
	}
	keys, pages := 0, 0
	for _, b := range m.Buttons {
		for _, sb := range b.SubButtons {
			switch sb.Type {
			case "click":
				keys++
			case "miniprogram":
				pages++
				if sb.AppID != "wxmini" || sb.URL != "https://xb.example.cn/" {
					t.Errorf("%s: appid %q url %q", sb.Name, sb.AppID, sb.URL)
				}
			}
		}
	}
	if len(m.Buttons) != 3 || keys != 6 || pages != 3 {
		t.Fatalf("menu has %d buttons, %d click keys, %d mini-program pages: %+v", len(m.Buttons), keys, pages, m)
	}
}

func TestBuildMenuRefuses(t *testing.T) {
	in := shippedIntents(t)
	cases := []struct {
		name string
		f    config.MenuFile
		o    MenuOptions
		want string
	}{
		{"no buttons", config.MenuFile{}, MenuOptions{}, "1 to 3 buttons"},
		{"unknown key", config.MenuFile{Buttons: []config.MenuButton{{Type: "click", Name: "x", Key: "NOPE"}}}, MenuOptions{}, "asks for no intent"},
		{"long name", config.MenuFile{Buttons: []config.MenuButton{{Type: "click", Name: "一二三四五六", Key: "HELP"}}}, MenuOptions{}, "1 to 16 bytes"},
		{"public url unset", config.MenuFile{Buttons: []config.MenuButton{{Type: "view", Name: "网页", URL: "{public_url}/h5"}}}, MenuOptions{}, "XB_PUBLIC_URL"},
		{"no mini-program", config.MenuFile{Buttons: []config.MenuButton{{Type: "miniprogram", Name: "小程序", Page: "pages/index/index", URL: "https://a.cn/"}}}, MenuOptions{}, "needs an appid"},
		{"bad type", config.MenuFile{Buttons: []config.MenuButton{{Type: "dance", Name: "x"}}}, MenuOptions{}, `type "dance"`},
		{"six sub-buttons", config.MenuFile{Buttons: []config.MenuButton{{Name: "多", SubButtons: []config.MenuButton{
			{Type: "click", Name: "1", Key: "HELP"}, {Type: "click", Name: "2", Key: "HELP"}, {Type: "click", Name: "3", Key: "HELP"},
			{Type: "click", Name: "4", Key: "HELP"}, {Type: "click", Name: "5", Key: "HELP"}, {Type: "click", Name: "6", Key: "HELP"}}}}},
			MenuOptions{}, "at most 5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := BuildMenu(&c.f, in, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestBuildMenuWebLink(t *testing.T) {
	f := config.MenuFile{Buttons: []config.MenuButton{
		{Type: "view", Name: "政策", URL: "{public_url}/policy"},
		{Type: "click", Name: "帮助", Key: "HELP"},
	}}
	m, err := BuildMenu(&f, shippedIntents(t), MenuOptions{PublicURL: "https://xb.example.cn/"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Buttons[0].Type != "view" || m.Buttons[0].URL != "https://xb.example.cn/policy" || m.Buttons[1].Key != "HELP" {
		t.Fatalf("%+v", m)
	}
}
