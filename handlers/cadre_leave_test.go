package handlers

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
)

// TestCadreLeavesThroughTheConsole: an official, signed in to the console
// by cookie, marks the household's 帮扶责任人 as left. The call needs the
// CSRF token; afterwards the cadre's mini-program token, which had a cached
// principal, is refused at once with 403 cadre_inactive, and the open case
// is with the work team.
func TestCadreLeavesThroughTheConsole(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		f := h.fx
		f.Region("419901100000", "甲镇")
		f.Region(testVillage, "测试村")
		hh, _ := f.Household(testVillage)
		leaving, team := f.Cadre(testVillage), f.Cadre(testVillage)
		f.Pair(leaving, hh, model.RoleResponsible)
		f.Pair(team, hh, model.RoleWorkTeam)
		open := f.Report(hh, &leaving.ID, model.ReportOpen)
		cadreTok := h.signInUser(f.CadreUser(leaving))
		if w := h.do("GET", "/api/v1/cadre/households", nil, cadreTok); w.Code != http.StatusOK {
			t.Fatalf("before: %d %s", w.Code, w.Body) // and its principal is cached now
		}

		jar := sessionCookie + "=" + h.signInAdmin(f.Admin("419901100"))
		me := h.do("GET", "/admin/api/me", nil, "", "Cookie", jar)
		csrf := decode[struct {
			CSRF string `json:"csrf_token"`
		}](t, me).CSRF
		path := fmt.Sprintf("/admin/api/cadres/%d/leave", leaving.ID)
		today := model.DateOf(time.Now().In(h.cfg.Location()))

		wantError(t, h.do("POST", path, map[string]string{"on": today.String()}, "", "Cookie", jar), 403, "csrf_failed")
		wantError(t, h.do("POST", path, map[string]string{"on": today.AddDays(1).String()}, "", "Cookie", jar, "X-CSRF-Token", csrf),
			400, "invalid_on")
		wantError(t, h.do("POST", path, map[string]string{"on": "明天"}, "", "Cookie", jar, "X-CSRF-Token", csrf), 400, "invalid_json")
		other := h.signInAdmin(f.Admin("419901200"))
		wantError(t, h.do("POST", path, nil, other), 404, "not_found")
		if w := h.do("GET", "/api/v1/cadre/households", nil, cadreTok); w.Code != http.StatusOK {
			t.Fatalf("after refused calls: %d %s", w.Code, w.Body)
		}

		w := h.do("POST", path, map[string]string{"on": today.String()}, "", "Cookie", jar, "X-CSRF-Token", csrf)
		if w.Code != http.StatusOK {
			t.Fatalf("leave: %d %s", w.Code, w.Body)
		}
		got := decode[console.LeaveResult](t, w)
		if got.Status != model.CadreLeft || got.PairingsEnded != 1 || got.ReportsMoved != 1 || got.Paired != 0 ||
			len(got.Pairings) != 1 || got.Pairings[0].Active || got.Phone == "" {
			t.Fatalf("answer %+v", got)
		}
		wantError(t, h.do("GET", "/api/v1/cadre/households", nil, cadreTok), 403, "cadre_inactive")
		wantError(t, h.do("GET", "/api/v1/me", nil, cadreTok), 403, "cadre_inactive")
		var r model.Report
		must(t, db.Take(&r, open.ID).Error)
		if r.AssignedCadreID == nil || *r.AssignedCadreID != team.ID {
			t.Fatalf("case with %v, want the work team's %d", r.AssignedCadreID, team.ID)
		}

		t.Run("again answers as is", func(t *testing.T) {
			w := h.do("POST", path, nil, "", "Cookie", jar, "X-CSRF-Token", csrf)
			if again := decode[console.LeaveResult](t, w); w.Code != http.StatusOK || again.Status != model.CadreLeft || again.PairingsEnded != 0 {
				t.Fatalf("again: %d %s", w.Code, w.Body)
			}
		})
		t.Run("back in post, the same phone works again", func(t *testing.T) {
			back := fmt.Sprintf("/admin/api/cadres/%d/return", leaving.ID)
			if w := h.do("POST", back, nil, "", "Cookie", jar, "X-CSRF-Token", csrf); w.Code != http.StatusOK {
				t.Fatalf("return: %d %s", w.Code, w.Body)
			}
			if w := h.do("GET", "/api/v1/cadre/households", nil, cadreTok); w.Code != http.StatusOK {
				t.Fatalf("after return: %d %s", w.Code, w.Body)
			}
		})
	})
}
