package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// appFlags collects repeated --app appid:secret flags.
type appFlags []wxmock.App

func (a *appFlags) String() string { return fmt.Sprint(len(*a), " apps") }

func (a *appFlags) Set(v string) error {
	id, secret, ok := strings.Cut(v, ":")
	if !ok || id == "" || secret == "" {
		return fmt.Errorf("want appid:secret, got %q", v)
	}
	*a = append(*a, wxmock.App{AppID: id, Secret: secret})
	return nil
}

// runWxmock serves the stand-in of WeChat's servers until ctx ends. Point
// XB_WECHAT_API_BASE at it (staging, load tests).
func runWxmock(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("wxmock", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9700", "listen address")
	var apps appFlags
	fs.Var(&apps, "app", "an AppID and secret to accept, as appid:secret (repeatable; the demo apps are always accepted)")
	verbose := fs.Bool("v", false, "log every request")
	anyTemplate := fs.Bool("any-template", false, "accept any template id (default: only those of the push template file, XB_PUSH_TEMPLATES_FILE or the shipped one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var templates map[string][]string
	if !*anyTemplate {
		t, err := config.LoadPushTemplates(os.Getenv("XB_PUSH_TEMPLATES_FILE"))
		if err != nil {
			return err
		}
		templates = t.MockTemplates()
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	m := wxmock.New(wxmock.Options{Addr: *addr, Apps: append(wxmock.DefaultApps(), apps...), Templates: templates, Logger: log})
	if err := m.Start(); err != nil {
		return err
	}
	log.Info("wxmock: serving a stand-in of WeChat's API; nothing here is WeChat",
		"url", m.URL(), "miniapp_appid", wxmock.MiniAppID, "official_appid", wxmock.OfficialAppID,
		"extra_apps", len(apps), "control", m.URL()+"/_mock/messages")
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	log.Info("wxmock: stopping")
	return m.Shutdown(shutdown)
}
