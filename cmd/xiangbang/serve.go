package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/handlers"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/chatbot"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/employment"
	"github.com/xiangbang/xiangbang/service/jobs"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/subsidy"
	"github.com/xiangbang/xiangbang/service/visits"
)

func runServe(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	demo := fs.Bool("demo", false, "seed the demo county into an empty database and enable demo sign-in")
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	started := time.Now()
	cfg, err := loadConfig(*cfgPath, *demo)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	a.log.Info("starting xiangbang", "config", cfg)

	if cfg.AutoMigrate && !*noMigrate {
		res, err := a.db.Migrate(ctx)
		if err != nil {
			return err
		}
		a.log.Info("schema ready", "version", res.Current, "applied", len(res.Applied), "db", describeDB(cfg))
	}
	if err := a.syncCatalogue(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		if err := a.seedDemoIfEmpty(ctx); err != nil {
			return err
		}
	}

	srv, loops, err := a.buildServer(ctx)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("config: XB_HTTP_ADDR: %w", err)
	}
	a.log.Info("listening", "addr", ln.Addr().String(), "startup", time.Since(started).Round(time.Millisecond))
	if cfg.Demo {
		printDemoHelp(a, ln.Addr())
	}
	return serveUntilDone(ctx, a, srv, ln, loops)
}

// loop is a background worker (push worker, scheduler) that stops when its
// context is cancelled.
type loop struct {
	name string
	run  func(ctx context.Context) error
}

// buildServer wires services and handlers into an http.Server, and returns
// the background loops to run beside it.
func (a *app) buildServer(ctx context.Context) (*http.Server, []loop, error) {
	gin.SetMode(gin.ReleaseMode)
	reg := handlers.NewRegistry()
	if sqlDB, err := a.db.DB.DB(); err == nil {
		reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, string(a.db.Dialect)))
	}
	wx, mock, err := a.openWeChat()
	if err != nil {
		return nil, nil, err
	}
	authSvc, err := a.newAuth(wx)
	if err != nil {
		return nil, nil, err
	}
	disk, err := photo.NewDisk(filepath.Join(a.cfg.DataDir, "photos"))
	if err != nil {
		return nil, nil, err
	}
	photos, err := photo.New(a.db, disk, int64(a.cfg.UploadLimit))
	if err != nil {
		return nil, nil, err
	}
	riskSvc, err := a.newRisk()
	if err != nil {
		return nil, nil, err
	}
	visitSvc, err := visits.New(a.db, visits.Options{Policy: a.policy, Audit: a.audit, Location: a.cfg.Location(),
		PaymentGraceDays: a.cfg.PaymentGraceDays, Flags: riskSvc})
	if err != nil {
		return nil, nil, err
	}
	subs, err := push.NewSubscriptions(a.db, a.templates, nil)
	if err != nil {
		return nil, nil, err
	}
	outbox, err := push.NewOutbox(a.db, a.audit, nil)
	if err != nil {
		return nil, nil, err
	}
	reg.MustRegister(push.NewCollector(outbox, a.log, 10*time.Second))
	loops, err := a.pushLoops(wx, reg, a.cfg.Worker, a.cfg.Scheduler)
	if err != nil {
		return nil, nil, err
	}
	jobBoard, err := a.newJobs()
	if err != nil {
		return nil, nil, err
	}
	intents, err := config.LoadChatbotIntents(a.cfg.ChatbotIntents)
	if err != nil {
		return nil, nil, err
	}
	subsidies, err := a.newSubsidies()
	if err != nil {
		return nil, nil, err
	}
	loc := a.cfg.Location()
	bot, err := chatbot.New(chatbot.Deps{DB: a.db, KV: a.kv, WeChat: wx, Intents: chatbot.NewIntents(intents),
		Subsidies: chatbot.ServiceSubsidies{Service: subsidies},
		Jobs:      chatbot.SQLJobs{DB: a.db, Matcher: jobBoard.Engine()},
		Visits:    chatbot.CadreVisits{Service: visitSvc, Location: loc},
		Logger:    a.log},
		chatbot.Options{Deadline: a.cfg.CallbackDeadline, Location: loc, LinkURL: a.cfg.PublicURL})
	if err != nil {
		return nil, nil, err
	}
	a.closers = append(a.closers, bot.Close) // runs before the database closes
	work, err := employment.New(a.db, a.audit, riskSvc, a.cfg.Location(), nil)
	if err != nil {
		return nil, nil, err
	}
	runner, exportSvc, err := a.newImportsExports()
	if err != nil {
		return nil, nil, err
	}
	consoleSvc, err := console.New(console.Deps{DB: a.db, Audit: a.audit, Policy: a.policy},
		console.Options{GraceDays: a.cfg.PaymentGraceDays, Location: a.cfg.Location()})
	if err != nil {
		return nil, nil, err
	}
	reports, err := a.newReports(subsidies)
	if err != nil {
		return nil, nil, err
	}
	h, err := handlers.New(handlers.Deps{
		Config: a.cfg, Logger: a.log, DB: a.db, KV: a.kv, Registry: reg, Auth: authSvc, Audit: a.audit, Photos: photos,
		Visits: visitSvc, Risk: riskSvc, Subscriptions: subs, WeChat: wx, Chatbot: bot,
		Jobs: jobBoard, Employment: work,
		Imports: runner, Exports: exportSvc,
		Console: consoleSvc, WXMock: mock,
		Subsidies: subsidies, Reports: reports,
	})
	if err != nil {
		return nil, nil, err
	}
	loops = append(loops, loop{name: "imports", run: runner.Run}, loop{name: "job board", run: func(ctx context.Context) error {
		// The matching engine's postings in memory, loaded now rather than by the first recommendation.
		if err := jobBoard.Engine().Warm(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("job board not loaded at start; the first recommendation loads it", "err", err)
		}
		return nil
	}})
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       a.cfg.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	loops = append(loops, loop{name: "subsidy cache invalidations", run: subsidies.Listen},
		loop{name: "sign-in cache invalidations", run: authSvc.Tokens().Listen})
	if a.cfg.DebugAddr != "" {
		loops = append(loops, loop{name: "profiler", run: profiler(a.cfg.DebugAddr)})
		a.log.Info("profiler", "url", "http://"+a.cfg.DebugAddr+"/debug/pprof/")
	}
	return srv, loops, nil
}

// serveUntilDone serves until ctx is cancelled (SIGINT/SIGTERM), then lets
// in-flight requests finish within the shutdown timeout and stops the
// background loops.
func serveUntilDone(ctx context.Context, a *app, srv *http.Server, ln net.Listener, loops []loop) error {
	loopCtx, stopLoops := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.run(loopCtx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("background loop stopped", "loop", l.name, "err", err)
			}
		}()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		stopLoops()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing in-flight requests", "timeout", a.cfg.ShutdownTimeout)
	shutCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	stopLoops()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// newAuth builds the sign-in service; wx may be nil where no WeChat sign-in
// happens (command-line tools).
func (a *app) newAuth(wx auth.WeChatLogin) (*auth.Service, error) {
	tokens, err := auth.NewTokens(a.db, a.kv, a.tokenSecret, nil)
	if err != nil {
		return nil, err
	}
	c := a.cfg
	return auth.New(auth.Deps{DB: a.db, Tokens: tokens, KV: a.kv, Cipher: a.cipher, Audit: a.audit, WeChat: wx},
		auth.Options{TokenTTL: c.TokenTTL, AdminTTL: c.AdminTTL, BindLimit: c.BindLimit, BindWindow: c.BindWindow,
			AdminLoginLimit: c.AdminLoginLimit, InviteTTL: c.InviteTTL, Location: c.Location()})
}

// newRisk builds the flag service.
func (a *app) newRisk() (*risk.Service, error) {
	return risk.New(a.db, risk.Options{Policy: a.policy, Audit: a.audit, Location: a.cfg.Location()})
}

// newJobs builds the job board and its matching engine.
func (a *app) newJobs() (*jobs.Service, error) {
	return jobs.FromConfig(a.cfg, a.db, a.cipher, a.audit, nil)
}

// newSubsidies is the household payment views and their cache; one per
// process, so the in-process cache layer is shared by all its users.
func (a *app) newSubsidies() (*subsidy.Service, error) {
	if a.subsidies != nil {
		return a.subsidies, nil
	}
	s, err := subsidy.New(a.db, a.kv, a.audit, subsidy.Options{
		GraceDays: a.cfg.PaymentGraceDays, CacheTTL: a.cfg.SubsidyCacheTTL, LocalCacheBytes: int(a.cfg.SubsidyLocalCache),
		Location: a.cfg.Location(), Logger: a.log,
	})
	a.subsidies = s
	return s, err
}

// newReports is 问题反映 and 自主申报.
func (a *app) newReports(subsidies *subsidy.Service) (*report.Service, error) {
	return report.New(a.db, subsidies, a.audit, report.Options{Policy: a.policy, Location: a.cfg.Location(), Logger: a.log})
}
