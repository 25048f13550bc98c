package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/auth"
)

func TestHealthAndReadiness(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		if w := h.do("GET", "/healthz", nil, ""); w.Code != http.StatusOK {
			t.Fatalf("healthz: %d", w.Code)
		}
		w := h.do("GET", "/readyz", nil, "")
		if w.Code != http.StatusOK {
			t.Fatalf("readyz: %d %s", w.Code, w.Body)
		}
		body := decode[struct {
			Ready  bool                         `json:"ready"`
			Checks map[string]map[string]string `json:"checks"`
		}](t, w)
		if !body.Ready || body.Checks["database"]["status"] != "up" || body.Checks["redis"]["status"] != "not_configured" {
			t.Fatalf("readyz body: %s", w.Body)
		}
		if w := h.do("GET", "/metrics", nil, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "xiangbang_http_requests_total") {
			t.Fatalf("metrics: %d", w.Code)
		}
	})
}

func TestReadyzReportsDatabaseDown(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	h.db.Close()
	w := h.do("GET", "/readyz", nil, "")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("readyz with a closed database: %d %s", w.Code, w.Body)
	}
}

func TestErrorShapes(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	h.srv.engine.GET("/test/panic", func(c *gin.Context) { panic("boom") })
	h.srv.engine.GET("/test/db-down", func(c *gin.Context) {
		h.db.Close()
		writeError(c, h.db.Exec("SELECT 1").Error)
	})
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown path", "GET", "/api/v1/nothing", nil, 404, "no_such_path"},
		{"wrong method", "DELETE", "/healthz", nil, 405, "method_not_allowed"},
		{"panic", "GET", "/test/panic", nil, 500, "internal"},
		{"no token", "GET", "/api/v1/me", nil, 401, "unauthenticated"},
		{"forged token", "GET", "/api/v1/me", nil, 401, "invalid_token"},
		{"body too large", "POST", "/api/v1/auth/logout", strings.Repeat("x", 2<<20), 413, "body_too_large"},
		{"database down", "GET", "/test/db-down", nil, 503, "unavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := ""
			if tc.name == "forged token" {
				token = "xb1.0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAA"
			}
			w := h.do(tc.method, tc.path, tc.body, token)
			wantError(t, w, tc.status, tc.code)
			if tc.status == 503 && w.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	if !strings.Contains(h.logBuf.String(), "boom") {
		t.Error("the panic was not logged")
	}
}

func TestRequestID(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	w := h.do("GET", "/healthz", nil, "", "X-Request-ID", "abc-123")
	if got := w.Header().Get("X-Request-ID"); got != "abc-123" {
		t.Fatalf("request id not echoed: %q", got)
	}
	w = h.do("GET", "/healthz", nil, "", "X-Request-ID", "evil\nlog line")
	if got := w.Header().Get("X-Request-ID"); got == "" || strings.ContainsAny(got, "\n ") {
		t.Fatalf("unsafe request id accepted: %q", got)
	}
}

func TestDevSignIn(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		// Without --demo the path does not exist.
		wantError(t, newHarness(t, db).do("POST", "/api/v1/auth/dev", map[string]string{"role": "household"}, ""), 404, "no_such_path")

		h := newHarness(t, db, demoMode)
		wantError(t, h.do("POST", "/api/v1/auth/dev", map[string]string{"role": "household"}, ""), 404, "demo_not_seeded")
		village := h.fx.Region("419901100201", "测试村").Code
		hh, m := h.fx.Household(village)
		openid := auth.DemoHouseholdOpenID
		if err := db.Create(&model.User{MiniappOpenid: &openid, Role: model.UserHousehold, MemberID: &m.ID, HouseholdID: &hh.ID}).Error; err != nil {
			t.Fatal(err)
		}
		w := h.do("POST", "/api/v1/auth/dev", map[string]string{"role": "household"}, "")
		if w.Code != 200 {
			t.Fatalf("dev sign-in: %d %s", w.Code, w.Body)
		}
		out := decode[auth.SignedIn](t, w)
		if out.User.Role != auth.RoleHousehold || out.User.HouseholdID != hh.ID || out.Token == "" {
			t.Fatalf("dev sign-in user: %+v", out.User)
		}
		me := decode[auth.Me](t, h.do("GET", "/api/v1/me", nil, out.Token))
		if me.Household == nil || me.Household.MemberID != m.ID || me.Household.HouseholdNo != hh.HouseholdNo {
			t.Fatalf("me: %+v", me)
		}
		wantError(t, h.do("POST", "/api/v1/auth/dev", map[string]string{"role": "root"}, ""), 400, "invalid_role")
		wantError(t, h.do("POST", "/api/v1/auth/dev", "{not json", ""), 400, "invalid_json")
		wantError(t, h.do("POST", "/api/v1/auth/dev", "", ""), 400, "empty_body")
	})
}

func TestLogoutRevokesAtOnce(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		token := h.signInUser(h.fx.GuestUser())
		if w := h.do("GET", "/api/v1/me", nil, token); w.Code != 200 {
			t.Fatalf("me before logout: %d", w.Code)
		}
		if w := h.do("POST", "/api/v1/auth/logout", nil, token); w.Code != http.StatusNoContent {
			t.Fatalf("logout: %d %s", w.Code, w.Body)
		}
		wantError(t, h.do("GET", "/api/v1/me", nil, token), 401, "invalid_token")
	})
}
