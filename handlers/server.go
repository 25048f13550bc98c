// Package handlers is xiangbang's HTTP surface: the mini-program API, the
// official account's callback, the admin console and its API. Handlers
// decode, call a service, and encode; failures go through writeError.
package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// Deps are what the handlers need; New refuses missing ones.
type Deps struct {
	Config    *config.Config
	Logger    *slog.Logger
	DB        *model.DB
	KV        kv.Store
	Registry  *prometheus.Registry
	Auth      *auth.Service
	Audit     *audit.Log
	Photos    *photo.Service
	Subsidies *subsidy.Service
	Reports   *report.Service
	Now       func() time.Time
}

func (d Deps) check() error {
	if d.Config == nil || d.Logger == nil || d.DB == nil || d.KV == nil || d.Registry == nil || d.Auth == nil ||
		d.Audit == nil || d.Photos == nil || d.Subsidies == nil || d.Reports == nil {
		return errors.New("handlers: Config, Logger, DB, KV, Registry, Auth, Audit, Photos, Subsidies and Reports are required")
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
	s.subsidyRoutes(api)
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }
