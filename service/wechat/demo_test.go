package wechat

import (
	"context"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestNewDemo(t *testing.T) {
	c, mock, err := NewDemo(Options{Store: kv.NewMemory(), Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer mock.Close()
	ctx := context.Background()
	s, err := c.Code2Session(ctx, "household-1")
	if err != nil || s.OpenID != wxmock.OpenID(wxmock.MiniAppID, "household-1") {
		t.Fatalf("Code2Session = %+v, %v", s, err)
	}
	if _, err := c.SendTemplate(ctx, okTemplate(s.OpenID)); err != nil {
		t.Fatal(err)
	}
	if msgs := mock.Messages(); len(msgs) != 1 || msgs[0].ToUser != s.OpenID {
		t.Errorf("messages = %+v", msgs)
	}
	if !strings.HasPrefix(c.route.base.String(), "http://127.0.0.1:") {
		t.Errorf("demo client points at %v", c.route.base)
	}
}

func TestOpen(t *testing.T) {
	standalone := wxmock.New(wxmock.Options{Apps: append(wxmock.DefaultApps(), wxmock.App{AppID: "wxstaging00000001", Secret: "stagingsecret-0001"})})
	if err := standalone.Start(); err != nil {
		t.Fatal(err)
	}
	defer standalone.Close()
	tests := []struct {
		name     string
		cfg      config.Config
		wantMock bool
		wantLog  string
		miniapp  string
	}{
		{"demo", config.Config{}, true, "DEMO MODE", wxmock.MiniAppID},
		{"demo apps at a base", config.Config{WeChatAPIBase: standalone.URL()}, false, "wxmock's demo apps", wxmock.MiniAppID},
		{"real apps at a base", config.Config{WeChatAPIBase: standalone.URL(), MiniappAppID: "wxstaging00000001", MiniappSecret: "stagingsecret-0001"},
			false, "calls go to " + standalone.URL(), "wxstaging00000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logBuf{}
			c, mock, err := Open(&tt.cfg, kv.NewMemory(), newTextLogger(logs))
			if err != nil {
				t.Fatal(err)
			}
			if mock != nil {
				defer mock.Close()
			}
			if (mock != nil) != tt.wantMock || !strings.Contains(logs.String(), tt.wantLog) || c.MiniappAppID() != tt.miniapp {
				t.Errorf("mock %v, appid %s, log %q", mock != nil, c.MiniappAppID(), logs.String())
			}
			before := standalone.Calls(wxmock.PathCode2Session)
			if _, err := c.Code2Session(context.Background(), "staff-"+tt.name[:4]); err != nil {
				t.Fatal(err)
			}
			if reachedStandalone := standalone.Calls(wxmock.PathCode2Session) > before; reachedStandalone == tt.wantMock {
				t.Errorf("reached the standalone wxmock: %v", reachedStandalone)
			}
		})
	}
}
