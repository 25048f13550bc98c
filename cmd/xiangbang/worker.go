package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/handlers"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/reminders"
	"github.com/xiangbang/xiangbang/service/scheduler"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// runWorker runs the push worker (and, with XB_SCHEDULER, takes part in
// the scheduler's election) without serving HTTP: the background half of
// a deployment that splits API and background nodes.
func runWorker(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics on this address (host:port), e.g. 127.0.0.1:9100")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	if a.cfg.AutoMigrate && !*noMigrate {
		if _, err := a.db.Migrate(ctx); err != nil {
			return err
		}
	}
	reg := handlers.NewRegistry()
	wx, _, err := a.openWeChat()
	if err != nil {
		return err
	}
	loops, err := a.pushLoops(wx, reg, true, a.cfg.Scheduler)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		stop, err := serveMetrics(a, reg, *metricsAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	a.log.Info("worker running; stop with SIGTERM", "scheduler", a.cfg.Scheduler)
	var wg sync.WaitGroup
	errs := make(chan error, len(loops))
	for _, l := range loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("%s: %w", l.name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// openWeChat builds the WeChat client the configuration asks for, and in
// the demo the in-process wxmock (nil otherwise), which knows the shipped
// push templates, so an unknown template id fails as it would at WeChat.
func (a *app) openWeChat() (*wechat.Client, *wxmock.Server, error) {
	wx, mock, err := wechat.Open(a.cfg, a.kv, a.log)
	if err != nil {
		return nil, nil, err
	}
	if mock != nil {
		a.closers = append(a.closers, mock.Close)
		knowTemplates(mock, a)
	}
	return wx, mock, nil
}

func knowTemplates(mock *wxmock.Server, a *app) {
	for id, keys := range a.templates.MockTemplates() {
		mock.AddTemplate(id, keys...)
	}
}

// pushLoops builds the push worker and the scheduler as background loops.
func (a *app) pushLoops(wx *wechat.Client, reg prometheus.Registerer, withWorker, withScheduler bool) ([]loop, error) {
	var loops []loop
	if withWorker {
		w, err := push.NewWorker(push.Deps{DB: a.db, WeChat: wx, KV: a.kv, Templates: a.templates, Logger: a.log,
			Metrics: push.NewMetrics(reg)}, push.OptionsFrom(a.cfg))
		if err != nil {
			return nil, err
		}
		loops = append(loops, loop{name: "push worker", run: w.Run})
	}
	if withScheduler {
		s, err := a.newScheduler(reg)
		if err != nil {
			return nil, err
		}
		loops = append(loops, loop{name: "scheduler", run: s.Run})
	}
	return loops, nil
}

// newScheduler builds the scheduler with its jobs; reg may be nil.
func (a *app) newScheduler(reg prometheus.Registerer) (*scheduler.Scheduler, error) {
	s, err := scheduler.New(scheduler.Deps{DB: a.db, KV: a.kv, Logger: a.log, Metrics: reg}, scheduler.Options{})
	if err != nil {
		return nil, err
	}
	r, err := reminders.New(reminders.Deps{DB: a.db, Policy: a.policy, Templates: a.templates, Logger: a.log},
		reminders.Options{Location: a.cfg.Location(), GraceDays: a.cfg.PaymentGraceDays})
	if err != nil {
		return nil, err
	}
	if err := r.Register(s, reminders.TimesFrom(a.cfg)); err != nil {
		return nil, err
	}
	// Jobs whose logic other services own (see service/reminders/hooks.go).
	riskSvc, err := a.newRisk()
	if err != nil {
		return nil, err
	}
	if err := reminders.RegisterRiskFlags(s, riskSvc, config.Clock(6*60+30), a.cfg.Location()); err != nil {
		return nil, err
	}
	board, err := a.newJobs()
	if err != nil {
		return nil, err
	}
	if err := r.RegisterJobMatches(s, board.Engine(), 10*time.Minute, 200); err != nil {
		return nil, err
	}
	if err := s.Register(scheduler.Job{Name: "close_expired_jobs", Schedule: scheduler.Daily{At: config.Clock(1 * 60), Location: a.cfg.Location()},
		Run: func(ctx context.Context, _ scheduler.Run) (scheduler.Result, error) {
			n, err := board.CloseExpired(ctx)
			return scheduler.Result{Detail: fmt.Sprintf("%d postings closed", n)}, err
		}}); err != nil {
		return nil, err
	}
	subsidies, err := a.newSubsidies()
	if err != nil {
		return nil, err
	}
	reports, err := a.newReports(subsidies)
	if err != nil {
		return nil, err
	}
	if err := reminders.RegisterReportDeadlines(s, reports, 15*time.Minute, a.cfg.Location()); err != nil {
		return nil, err
	}
	return s, nil
}

// serveMetrics serves /metrics for a process without the HTTP API.
func serveMetrics(a *app, reg *prometheus.Registry, addr string) (func(), error) {
	ob, err := push.NewOutbox(a.db, a.audit, nil)
	if err != nil {
		return nil, err
	}
	reg.MustRegister(push.NewCollector(ob, a.log, 10*time.Second))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	a.log.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { srv.Close() }, nil
}
