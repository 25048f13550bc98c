package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
)

// TestEvery503SaysWhenToRetry: a 503 made without a Retry-After (a service
// that only knows its dependency is down) still gets one, as API.md asks.
func TestEvery503SaysWhenToRetry(t *testing.T) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	writeError(c, apperr.New(apperr.Unavailable, "wechat_not_configured", "微信未配置"))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
		t.Fatalf("%d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}
