package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/service/chatbot"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat"
)

const wechatUsage = `usage: xiangbang wechat menu [--file menu.yaml] [--dry-run]

  menu  create the official account's custom menu from config/menu.yaml (or --file):
        mini-program pages, web links, and click keys that ask the bot for an intent`

func runWechat(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "menu" {
		fmt.Fprintln(os.Stderr, wechatUsage)
		if len(args) == 0 {
			return flag.ErrHelp
		}
		return fmt.Errorf("unknown wechat command %q", args[0])
	}
	fs := flag.NewFlagSet("wechat menu", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	file := fs.String("file", "", "menu YAML (default: the shipped config/menu.yaml)")
	dry := fs.Bool("dry-run", false, "check the menu and print what would be sent, without calling WeChat")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, false)
	if err != nil {
		return err
	}
	if cfg.WeChatDemo() && cfg.WeChatAPIBase == "" && !*dry {
		return errors.New("no official account configured (XB_OFFICIAL_APPID, or XB_WECHAT_API_BASE for a wxmock): nothing to create the menu on")
	}
	log := newLogger(cfg, os.Stderr)
	// A one-off command: stable tokens do not displace the servers' ones,
	// so it needs no shared store.
	wx, mock, err := wechat.Open(cfg, kv.NewMemory(), log)
	if err != nil {
		return err
	}
	if mock != nil {
		defer mock.Close()
	}
	intents, err := config.LoadChatbotIntents(cfg.ChatbotIntents)
	if err != nil {
		return err
	}
	f, err := config.LoadMenu(*file)
	if err != nil {
		return err
	}
	menu, err := chatbot.BuildMenu(f, chatbot.NewIntents(intents),
		chatbot.MenuOptions{MiniappAppID: wx.MiniappAppID(), PublicURL: cfg.PublicURL})
	if err != nil {
		return fmt.Errorf("menu: %w", err)
	}
	if *dry {
		printMenu(menu)
		fmt.Println("menu checked (dry run: nothing sent)")
		return nil
	}
	if err := wx.CreateMenu(ctx, menu); err != nil {
		return err
	}
	got, err := wx.GetMenu(ctx)
	if err != nil {
		return fmt.Errorf("menu created, but reading it back failed: %w", err)
	}
	printMenu(got)
	fmt.Printf("menu created on %s: %d buttons\n", wx.OfficialAppID(), len(got.Buttons))
	return nil
}

// printMenu lists buttons as WeChat will show them, with what each does.
func printMenu(m wechat.Menu) {
	what := func(b wechat.Button) string {
		switch b.Type {
		case "click":
			return "key " + b.Key
		case "miniprogram":
			return "page " + b.PagePath + " (fallback " + b.URL + ")"
		}
		return b.URL
	}
	for _, b := range m.Buttons {
		if len(b.SubButtons) == 0 {
			fmt.Printf("%s  [%s] %s\n", b.Name, b.Type, what(b))
			continue
		}
		fmt.Println(b.Name)
		for _, sb := range b.SubButtons {
			fmt.Printf("  %s  [%s] %s\n", sb.Name, sb.Type, what(sb))
		}
	}
}
