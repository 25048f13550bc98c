package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/service/audit"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogger
)

// requestIDOf returns the request's id (set by withRequestID).
func requestIDOf(c *gin.Context) string {
	id, _ := c.Request.Context().Value(keyRequestID).(string)
	return id
}

// loggerOf returns the request's logger, carrying its id.
func loggerOf(c *gin.Context) *slog.Logger {
	if l, ok := c.Request.Context().Value(keyLogger).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// validRequestID accepts a caller's id only when it is short and plain, so
// a log line cannot be forged through it.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestID gives every request an id (the caller's X-Request-ID when
// sensible), echoes it, and puts a logger carrying it in the context.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Header("X-Request-ID", id)
		ctx := context.WithValue(c.Request.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyLogger, base.With("request_id", id))
		ctx = audit.WithRequest(ctx, audit.Request{IP: c.ClientIP(), Endpoint: c.Request.Method + " " + c.FullPath(), RequestID: id})
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// accessLog writes one line per request.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		level := slog.LevelInfo
		switch {
		case c.Writer.Status() >= 500:
			level = slog.LevelError
		case route == "/healthz" || route == "/readyz" || route == "/metrics":
			level = slog.LevelDebug
		}
		loggerOf(c).Log(c.Request.Context(), level, "request",
			"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"bytes", c.Writer.Size(), "ip", c.ClientIP())
	}
}

// recoverPanics turns a panic into API.md's 500 shape and a logged stack,
// instead of a dropped connection.
func recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if err, ok := r.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(r) // the server's own signal to drop the connection
			}
			loggerOf(c).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			writeError(c, errInternal)
		}()
		c.Next()
	}
}

// limitBody caps the request body; reading past the cap fails with
// *http.MaxBytesError, which writeError answers with 413.
func limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			writeError(c, errTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// measure records each request in the Prometheus metrics.
func measure(m *Metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := strconv.Itoa(c.Writer.Status())
		m.requests.WithLabelValues(c.Request.Method, route, status).Inc()
		m.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// securityHeaders are cheap defences for the console pages and API alike.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		c.Next()
	}
}
