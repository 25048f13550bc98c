// Package handlers is xiangbang's HTTP surface: the mini-program API, the
// official account's callback, the admin console and its API. Handlers
// decode, call a service, and encode; failures go through writeError.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/chatbot"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/employment"
	"github.com/xiangbang/xiangbang/service/exports"
	"github.com/xiangbang/xiangbang/service/imports"
	"github.com/xiangbang/xiangbang/service/jobs"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/subsidy"
	"github.com/xiangbang/xiangbang/service/visits"
	"github.com/xiangbang/xiangbang/service/wechat"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// Deps are what the handlers need; New refuses missing ones.
type Deps struct {
	Config   *config.Config
	Logger   *slog.Logger
	DB       *model.DB
	KV       kv.Store
	Registry *prometheus.Registry
	Auth     *auth.Service
	Audit    *audit.Log
	Photos   *photo.Service
	Visits   *visits.Service
	Risk     *risk.Service
	// Subscriptions records what users accept in wx.requestSubscribeMessage.
	Subscriptions *push.Subscriptions
	WeChat        *wechat.Client   // the official account's callback
	Chatbot       *chatbot.Service // answers what the callback receives
	Jobs          *jobs.Service
	Employment    *employment.Service
	Imports       *imports.Runner
	Exports       *exports.Service
	Console       *console.Service
	Subsidies     *subsidy.Service
	Reports       *report.Service
	// WXMock is the in-process stand-in for WeChat when the server runs the
	// demo without any AppID; nil otherwise. The console shows what it got.
	WXMock *wxmock.Server
	Now    func() time.Time
}

func (d Deps) check() error {
	present := []struct {
		name string
		ok   bool
	}{
		{"Config", d.Config != nil}, {"Logger", d.Logger != nil}, {"DB", d.DB != nil}, {"KV", d.KV != nil},
		{"Registry", d.Registry != nil}, {"Auth", d.Auth != nil}, {"Audit", d.Audit != nil}, {"Photos", d.Photos != nil},
		{"Visits", d.Visits != nil}, {"Risk", d.Risk != nil}, {"Subscriptions", d.Subscriptions != nil},
		{"WeChat", d.WeChat != nil}, {"Chatbot", d.Chatbot != nil}, {"Jobs", d.Jobs != nil},
		{"Employment", d.Employment != nil}, {"Imports", d.Imports != nil}, {"Exports", d.Exports != nil},
		{"Console", d.Console != nil}, {"Subsidies", d.Subsidies != nil}, {"Reports", d.Reports != nil},
	}
	var missing []string
	for _, p := range present {
		if !p.ok {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("handlers: Deps lacks %s", strings.Join(missing, ", "))
	}
	return nil
}

// Server is the HTTP handler of the whole product.
type Server struct {
	d      Deps
	engine *gin.Engine
}

// New builds the router.
func New(d Deps) (*Server, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{d: d, engine: gin.New()}
	e := s.engine
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, err
	}
	e.Use(withRequestID(d.Logger), recoverPanics(), accessLog(), measure(newMetrics(d.Registry)), securityHeaders())
	e.NoRoute(func(c *gin.Context) { writeError(c, apperr.New(apperr.NotFound, "no_such_path", "接口不存在")) })
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
			Code: "method_not_allowed", Message: "不支持的请求方法", RequestID: requestIDOf(c)}})
	})

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())

	api := e.Group("/api/v1", limitBody(int64(d.Config.BodyLimit)))
	s.authRoutes(api)
	s.photoRoutes(api)
	s.pushRoutes(api)

	adm := e.Group("/admin/api", limitBody(int64(d.Config.BodyLimit)))
	s.adminAuthRoutes(adm)
	s.cadreRoutes(api, adm)
	s.wechatRoutes(e, adm)
	s.jobRoutes(api)
	s.importRoutes(adm)
	s.consoleRoutes(adm)
	s.subsidyRoutes(api)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }
