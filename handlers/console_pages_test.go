package handlers

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/wechat"
)

func TestConsolePages(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	get := func(path string, headers ...string) *httptest.ResponseRecorder {
		return h.do("GET", path, nil, "", headers...)
	}

	t.Run("the page carries its import map, allowed by hash and nothing else inline", func(t *testing.T) {
		w := get("/admin/")
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%d %v", w.Code, w.Header())
		}
		csp := w.Header().Get("Content-Security-Policy")
		m := regexp.MustCompile(`<script type="importmap">(.*?)</script>`).FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatalf("no import map in %s", w.Body)
		}
		sum := sha256.Sum256([]byte(m[1]))
		if !strings.Contains(csp, "script-src 'self' 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") ||
			strings.Contains(csp, "unsafe-inline' ;") || strings.Contains(csp, "script-src 'self' 'unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("CSP %q does not allow exactly the import map", csp)
		}
		if strings.Count(w.Body.String(), "<script") != 2 {
			t.Fatalf("the page has other scripts: %s", w.Body)
		}
		if !strings.Contains(w.Body.String(), `/admin/static/console/app.js?v=`) || w.Header().Get("Cache-Control") != "no-cache" {
			t.Fatal("the page does not load versioned modules, or may be cached")
		}
	})
	t.Run("without the slash it redirects", func(t *testing.T) {
		if w := get("/admin"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/admin/" {
			t.Fatalf("%d %v", w.Code, w.Header())
		}
	})
	tests := []struct {
		name, path, ctype, cache string
	}{
		{"a versioned module is cached for good", "", "text/javascript", "public, max-age=31536000, immutable"},
		{"an unversioned module is revalidated", "/admin/static/console/app.js", "text/javascript", "no-cache"},
		{"the stylesheet", "/admin/static/console/app.css", "text/css", "no-cache"},
		{"the charting library", "/admin/static/vendor/echarts/echarts.common.min.js", "text/javascript", "no-cache"},
		{"its licence", "/admin/static/vendor/echarts/LICENSE", "text/plain", "no-cache"},
	}
	page := get("/admin/").Body.String()
	tests[0].path = regexp.MustCompile(`/admin/static/console/app\.js\?v=[0-9a-f]+`).FindString(page)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := get(tc.path)
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.ctype) || w.Header().Get("Cache-Control") != tc.cache {
				t.Fatalf("%s: %d %v", tc.path, w.Code, w.Header())
			}
			etag := w.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if w := get(tc.path, "If-None-Match", etag); w.Code != http.StatusNotModified {
				t.Fatalf("revalidation answered %d", w.Code)
			}
		})
	}
	t.Run("big files are gzipped when the browser takes it", func(t *testing.T) {
		w := get("/admin/static/vendor/echarts/echarts.common.min.js", "Accept-Encoding", "gzip, deflate")
		if w.Header().Get("Content-Encoding") != "gzip" || w.Body.Len() > 300<<10 {
			t.Fatalf("%v, %d bytes", w.Header(), w.Body.Len())
		}
		zr, err := gzip.NewReader(w.Body)
		must(t, err)
		raw, err := io.ReadAll(zr)
		must(t, err)
		if len(raw) < 600<<10 {
			t.Fatalf("unzipped to %d bytes", len(raw))
		}
	})
	for _, p := range []string{"/admin/static/nothing.js", "/admin/static/../../etc/passwd", "/admin/static/embed.go", "/admin/static/console/"} {
		t.Run("no file at "+p, func(t *testing.T) {
			if w := get(p); w.Code != http.StatusNotFound {
				t.Fatalf("%d", w.Code)
			}
		})
	}
}

func TestWxmockMessages(t *testing.T) {
	t.Run("without the in-process wxmock the path does not exist", func(t *testing.T) {
		h := newHarness(t, modeltest.SQLite(t))
		cc := newConsoleCounty(t, h)
		wantError(t, h.do("GET", "/admin/api/demo/wxmock-messages", nil, h.signInAdmin(cc.county)), 404, "no_such_path")
	})
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db, demoMode)
		cc := newConsoleCounty(t, h)
		for _, u := range []model.User{cc.userA1, cc.userB1} {
			must(t, h.wx.SendSubscribe(t.Context(), wechat.SubscribeMessage{ToUser: *u.MiniappOpenid, TemplateID: "tpl-paid",
				Page: "pages/subsidy/index", Data: map[string]string{"thing1": "最低生活保障", "amount2": "500.00元"}}))
		}
		must(t, h.wx.SendSubscribe(t.Context(), wechat.SubscribeMessage{ToUser: "someone-unknown", TemplateID: "tpl-paid", Data: map[string]string{"thing1": "x"}}))
		type item struct {
			Kind      string `json:"kind"`
			Page      string `json:"page"`
			Data      []struct{ Key, Value string }
			Recipient struct {
				HouseholdID int64  `json:"household_id"`
				Name        string `json:"name"`
			} `json:"recipient"`
		}
		list := func(tok, q string) []item {
			w := h.do("GET", "/admin/api/demo/wxmock-messages"+q, nil, tok)
			if w.Code != 200 {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			return decode[struct{ Items []item }](t, w).Items
		}
		if items := list(h.signInAdmin(cc.county), ""); len(items) != 2 || items[0].Recipient.HouseholdID != cc.hB1.ID {
			t.Fatalf("county sees %+v (newest first, the unknown recipient left out)", items)
		}
		items := list(h.signInAdmin(cc.townA), "")
		if len(items) != 1 || items[0].Recipient.HouseholdID != cc.hA1.ID || items[0].Kind != "subscribe" || items[0].Page != "pages/subsidy/index" ||
			len(items[0].Data) != 2 || items[0].Data[0].Key != "amount2" || items[0].Data[0].Value != "500.00元" {
			t.Fatalf("town A sees %+v", items)
		}
		if items := list(h.signInAdmin(cc.county), "?limit=1"); len(items) != 1 {
			t.Fatalf("limit 1 gave %d", len(items))
		}
		wantError(t, h.do("GET", "/admin/api/demo/wxmock-messages?limit=0", nil, h.signInAdmin(cc.county)), 400, "invalid_limit")
	})
}
