package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz says the process is alive; it checks nothing else, so a slow
// database never gets a live instance restarted.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz says whether the instance can serve: the database and, when
// configured, Redis each answer within two seconds.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{}
	ready := true
	check := func(name string, ping func(context.Context) error) {
		if err := ping(ctx); err != nil {
			checks[name] = gin.H{"status": "down", "error": err.Error()}
			ready = false
			return
		}
		checks[name] = gin.H{"status": "up"}
	}
	check("database", s.d.DB.Ping)
	if s.d.KV.Shared() {
		check("redis", s.d.KV.Ping)
	} else {
		checks["redis"] = gin.H{"status": "not_configured"}
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
		c.Header("Retry-After", "5")
	}
	c.JSON(status, gin.H{"ready": ready, "checks": checks})
}

func (s *Server) metricsHandler() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(s.d.Registry, promhttp.HandlerOpts{}))
}
