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

	"github.com/xiangbang/xiangbang/handlers"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
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
	tokens, err := auth.NewTokens(a.db, a.kv, a.tokenSecret, nil)
	if err != nil {
		return nil, nil, err
	}
	authSvc, err := auth.New(a.db, tokens, auth.Options{TokenTTL: a.cfg.TokenTTL, AdminTTL: a.cfg.AdminTTL})
	if err != nil {
		return nil, nil, err
	}
	auditLog, err := audit.New(a.db, nil)
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
	subsidies, err := subsidy.New(a.db, a.kv, auditLog, subsidy.Options{
		GraceDays: a.cfg.PaymentGraceDays, CacheTTL: a.cfg.SubsidyCacheTTL, LocalCacheBytes: int(a.cfg.SubsidyLocalCache),
		Location: a.cfg.Location(), Logger: a.log,
	})
	if err != nil {
		return nil, nil, err
	}
	reports, err := report.New(a.db, subsidies, auditLog, report.Options{Policy: a.policy, Location: a.cfg.Location(), Logger: a.log})
	if err != nil {
		return nil, nil, err
	}
	h, err := handlers.New(handlers.Deps{
		Config: a.cfg, Logger: a.log, DB: a.db, KV: a.kv, Registry: reg, Auth: authSvc, Audit: auditLog, Photos: photos,
		Subsidies: subsidies, Reports: reports,
	})
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       a.cfg.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	loops := []loop{{name: "subsidy cache invalidations", run: subsidies.Listen}}
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
