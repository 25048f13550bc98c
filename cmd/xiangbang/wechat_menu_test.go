package main

import (
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// TestWechatMenu creates the shipped menu on a wxmock standing in for
// WeChat, as an operator would on staging, and checks what WeChat got.
func TestWechatMenu(t *testing.T) {
	mock := wxmock.New(wxmock.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mock.Close() })
	dir := t.TempDir()
	badMenu := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badMenu, []byte("buttons:\n  - {type: click, name: 查, key: MONEY}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(extra ...string) []string {
		return append(os.Environ(), append([]string{"XB_DATA_DIR=" + dir, "XB_WECHAT_API_BASE=" + mock.URL()}, extra...)...)
	}
	cases := []struct {
		name    string
		args    []string
		env     []string
		ok      bool
		output  string
		created bool
	}{
		{"dry run", []string{"wechat", "menu", "--dry-run"}, env("XB_PUBLIC_URL=https://xb.example.cn"), true, "key SUBSIDY", false},
		{"no public URL", []string{"wechat", "menu"}, env(), false, "XB_PUBLIC_URL is not set", false},
		{"a key no intent has", []string{"wechat", "menu", "--file", badMenu}, env(), false, `key "MONEY" asks for no intent`, false},
		{"no such file", []string{"wechat", "menu", "--file", filepath.Join(dir, "none.yaml")}, env(), false, "no such file", false},
		{"unknown subcommand", []string{"wechat", "send"}, env(), false, "usage: xiangbang wechat menu", false},
		{"created", []string{"wechat", "menu"}, env("XB_PUBLIC_URL=https://xb.example.cn"), true, "menu created on " + wxmock.OfficialAppID, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binary, c.args...)
			cmd.Env = c.env
			out, err := cmd.CombinedOutput()
			if (err == nil) != c.ok || !strings.Contains(string(out), c.output) {
				t.Fatalf("err %v, output:\n%s\nwant it to contain %q", err, out, c.output)
			}
			menu := mock.Menu(wxmock.OfficialAppID)
			if !c.created {
				if len(menu) != 0 {
					t.Fatalf("a menu was created: %+v", menu)
				}
				return
			}
			if len(menu) != 3 || menu[0].Name != "补贴查询" || menu[0].SubButton[0].Key != "SUBSIDY" ||
				menu[0].SubButton[1].AppID != wxmock.MiniAppID || menu[0].SubButton[1].URL != "https://xb.example.cn/" {
				t.Fatalf("menu on WeChat: %+v", menu)
			}
		})
	}
}
