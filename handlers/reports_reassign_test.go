package handlers

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/report"
)

// TestReportFollowsReplacedCadre: a household's open 问题反映 goes with the
// 帮扶责任人 an official pairs in its place. The new cadre finds it in GET
// /api/v1/reports and the household's file; a replaced cadre no longer
// does, unless stationed in the village (the scope rules stay as they are).
func TestReportFollowsReplacedCadre(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h) // w.cadre is stationed in the village as well as paired
		res := h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID),
			report.PaymentReportInput{Kind: "not_received", Text: "11月的低保还没到"}, w.headTok)
		if res.Code != http.StatusCreated {
			t.Fatalf("file: %d %s", res.Code, res.Body)
		}
		filed := decode[report.View](t, res)
		// Cadres of the town, not stationed in a village: they see paired households only.
		b, c := h.fx.Cadre("419901100000"), h.fx.Cadre("419901100000")
		bTok, cTok := h.signInUser(h.fx.CadreUser(b)), h.signInUser(h.fx.CadreUser(c))
		official := h.signInAdmin(h.fx.Admin("419901"))

		sees := func(tok string) (bool, *report.CadreRef) {
			t.Helper()
			res := h.do("GET", "/api/v1/reports?status=active", nil, tok)
			if res.Code != http.StatusOK {
				t.Fatalf("list: %d %s", res.Code, res.Body)
			}
			for _, v := range decode[report.Page](t, res).Items {
				if v.ID == filed.ID {
					return true, v.AssignedCadre
				}
			}
			return false, nil
		}
		fileStatus := func(tok string) int {
			return h.do("GET", fmt.Sprintf("/api/v1/cadre/households/%d", w.hh.ID), nil, tok).Code
		}
		replace := func(cadre model.Cadre) {
			t.Helper()
			res := h.do("POST", "/admin/api/pairings", map[string]any{"cadre_id": cadre.ID, "household_id": w.hh.ID,
				"role": "responsible", "replace": true}, official)
			if res.Code != http.StatusCreated {
				t.Fatalf("replace: %d %s", res.Code, res.Body)
			}
		}
		if ok, _ := sees(bTok); ok {
			t.Fatal("B sees the case before being paired")
		}

		replace(b)
		ok, assigned := sees(bTok)
		if !ok || assigned == nil || assigned.ID != b.ID || assigned.Name != b.Name {
			t.Fatalf("B after the replacement: sees %v, assigned %+v", ok, assigned)
		}
		if code := fileStatus(bTok); code != http.StatusOK {
			t.Fatalf("B's file of the household: %d", code)
		}
		if ok, _ := sees(w.cadreTok); !ok {
			t.Fatal("the replaced cadre, stationed in the village, lost sight of it")
		}
		v := decode[report.View](t, h.do("GET", fmt.Sprintf("/api/v1/reports/%d", filed.ID), nil, w.headTok))
		last := v.Steps[len(v.Steps)-1]
		if want := "帮扶责任人变更，由 " + w.cadre.Name + " 转交 " + b.Name; last.Message != want || last.ActorKind != "official" ||
			!v.FirstDeadline.Equal(filed.FirstDeadline) || v.Status != "open" {
			t.Fatalf("the household's view: last step %+v, deadline %s", last, v.FirstDeadline)
		}

		replace(c)
		if ok, _ := sees(bTok); ok {
			t.Fatal("B, replaced and not stationed in the village, still sees the case")
		}
		if code := fileStatus(bTok); code != http.StatusNotFound {
			t.Fatalf("B's file of the household after the replacement: %d", code)
		}
		if ok, assigned := sees(cTok); !ok || assigned.ID != c.ID {
			t.Fatalf("C: sees %v, assigned %+v", ok, assigned)
		}
		if keys := outboxKeys(t, db, fmt.Sprintf("report:%d:assigned:s", filed.ID)); len(keys) != 2 {
			t.Fatalf("notices of the moves: %v", keys)
		}
	})
}
