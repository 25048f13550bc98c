package handlers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/report"
)

func TestRiskReports(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		cst := harnessNow.Location()

		// A household reports an illness with a photo of the hospital bill.
		res := h.do("POST", "/api/v1/photos", pngBytes(t), w.headTok, "Content-Type", "image/png")
		bill := decode[struct{ ID int64 }](t, res).ID
		res = h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "illness", Text: "老伴住院，花了三万多", PhotoIDs: []int64{bill}}, w.headTok)
		if res.Code != 201 {
			t.Fatalf("file: %d %s", res.Code, res.Body)
		}
		ill := decode[report.View](t, res)
		if ill.Type != "risk" || ill.KindLabel != "因病" || ill.Status != "open" || ill.StatusLabel != "待村里核实" ||
			ill.Department != "青石镇人民政府" || ill.ReporterRelation != "self" || ill.ReporterLabel != "本人" ||
			ill.AssignedCadre == nil || ill.AssignedCadre.ID != w.cadre.ID || !slices.Equal(ill.PhotoIDs, []int64{bill}) || ill.Payment != nil {
			t.Fatalf("risk report: %+v", ill)
		}
		// Checked by the village in 5 working days, decided in 15.
		if !ill.FirstDeadline.Equal(time.Date(2026, 11, 30, 10, 0, 0, 0, cst)) || !ill.FinalDeadline.Equal(time.Date(2026, 12, 14, 10, 0, 0, 0, cst)) {
			t.Errorf("deadlines %s, %s", ill.FirstDeadline, ill.FinalDeadline)
		}
		if n := len(outboxKeys(t, db, fmt.Sprintf("report:%d:open:", ill.ID))); n != 2 {
			t.Errorf("%d household notices, want 2", n)
		}

		// The same difficulty again while open: 409 with the open case; another kind is a new case.
		dup := h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "illness", Text: "又住院了"}, w.sonTok)
		wantError(t, dup, 409, "report_already_open")
		if got := decode[errorBody](t, dup).Error.Details["report"].(map[string]any)["id"]; got != float64(ill.ID) {
			t.Errorf("409 carries %v", got)
		}
		res = h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "job_loss", Text: "厂子关门，儿子回家了", ReporterRelation: "relative"}, w.sonTok)
		if res.Code != 201 {
			t.Fatalf("relative: %d %s", res.Code, res.Body)
		}
		if v := decode[report.View](t, res); v.ReporterRelation != "relative" || v.ReporterLabel != "亲属代报" {
			t.Fatalf("relative: %+v", v)
		}

		// The paired cadre files for the household; recorded as such.
		res = h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "disaster", Text: "暴雨冲坏了大棚", HouseholdID: w.hh.ID}, w.cadreTok)
		if res.Code != 201 {
			t.Fatalf("cadre on behalf: %d %s", res.Code, res.Body)
		}
		byCadre := decode[report.View](t, res)
		if byCadre.ReporterRelation != "cadre" || byCadre.ReporterLabel != "帮扶干部代报" || byCadre.Steps[0].ActorKind != "cadre" {
			t.Fatalf("by cadre: %+v", byCadre)
		}
		var stored model.Report
		db.Take(&stored, byCadre.ID)
		if stored.ReporterCadreID == nil || *stored.ReporterCadreID != w.cadre.ID {
			t.Fatalf("reporter cadre not kept: %+v", stored)
		}

		// A cadre stationed in the village but not paired may not file for it.
		stationed := h.fx.Cadre(w.village)
		stationedTok := h.signInUser(h.fx.CadreUser(stationed))
		tests := []struct {
			name   string
			body   any
			token  string
			status int
			code   string
		}{
			{"unknown kind", report.RiskReportInput{Kind: "bored", Text: "x"}, w.headTok, 400, "invalid_kind"},
			{"empty", map[string]any{}, w.headTok, 400, "invalid_kind"},
			{"empty text", report.RiskReportInput{Kind: "other", Text: ""}, w.headTok, 400, "empty_text"},
			{"2,000 characters", report.RiskReportInput{Kind: "other", Text: strings.Repeat("病", 2000)}, w.headTok, 400, "text_too_long"},
			{"unknown relation", report.RiskReportInput{Kind: "other", Text: "x", ReporterRelation: "neighbour"}, w.headTok, 400, "invalid_relation"},
			{"for another household", report.RiskReportInput{Kind: "other", Text: "x", HouseholdID: w.otherHH.ID}, w.headTok, 404, "not_found"},
			{"cadre without a household", report.RiskReportInput{Kind: "other", Text: "x"}, w.cadreTok, 400, "missing_household"},
			{"cadre for an unpaired household", report.RiskReportInput{Kind: "other", Text: "x", HouseholdID: w.otherHH.ID}, w.cadreTok, 404, "not_found"},
			{"stationed but not paired", report.RiskReportInput{Kind: "other", Text: "x", HouseholdID: w.hh.ID}, stationedTok, 404, "not_found"},
			{"cadre for no household", report.RiskReportInput{Kind: "other", Text: "x", HouseholdID: 99999999}, w.cadreTok, 404, "not_found"},
			{"guest", report.RiskReportInput{Kind: "other", Text: "x"}, h.signInUser(h.fx.GuestUser()), 403, "forbidden"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, h.do("POST", "/api/v1/risk-reports", tc.body, tc.token), tc.status, tc.code)
			})
		}
		var n int64
		db.Model(&model.Report{}).Count(&n)
		if n != 3 {
			t.Fatalf("%d reports, want the 3 good ones", n)
		}

		// The village checks, the town decides; the household is told each step.
		for _, step := range []struct{ action, answer string }{
			{"acknowledge", "已入户核实，住院属实"},
			{"resolve", "已纳入监测对象，落实医疗救助"},
		} {
			if res := h.do("POST", reportPath(ill.ID, step.action), map[string]string{"answer": step.answer}, w.cadreTok); res.Code != 200 {
				t.Fatalf("%s: %d %s", step.action, res.Code, res.Body)
			}
		}
		for _, status := range []string{"acknowledged", "resolved"} {
			if n := len(outboxKeys(t, db, fmt.Sprintf("report:%d:%s:", ill.ID, status))); n != 2 {
				t.Errorf("%s: %d household notices, want 2", status, n)
			}
		}

		// The household's cases, with their steps; payment reports are not among them.
		h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID), report.PaymentReportInput{Kind: "late", Text: "晚了"}, w.headTok)
		page := decode[report.Page](t, h.do("GET", "/api/v1/risk-reports", nil, w.headTok))
		if len(page.Items) != 3 {
			t.Fatalf("%d cases, want 3", len(page.Items))
		}
		last := page.Items[2]
		if last.ID != ill.ID || last.StatusLabel != "已研判，落实帮扶" || len(last.Steps) != 3 || last.Steps[2].Message != "已纳入监测对象，落实医疗救助" {
			t.Fatalf("the illness case: %+v", last)
		}
		for _, it := range page.Items {
			if it.Type != "risk" {
				t.Fatalf("a %s report in the risk list", it.Type)
			}
		}
		if p := decode[report.Page](t, h.do("GET", "/api/v1/risk-reports?status=active", nil, w.cadreTok)); len(p.Items) != 2 {
			t.Fatalf("cadre's active cases: %d", len(p.Items))
		}
		if p := decode[report.Page](t, h.do("GET", "/api/v1/reports?type=all", nil, w.cadreTok)); len(p.Items) != 4 {
			t.Fatalf("cadre's cases of every type: %d", len(p.Items))
		}
		if p := decode[report.Page](t, h.do("GET", "/api/v1/risk-reports", nil, w.otherTok)); len(p.Items) != 0 {
			t.Fatalf("another household sees %d cases", len(p.Items))
		}
		// Once decided, the same kind can be reported anew.
		if res := h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "illness", Text: "又病了"}, w.headTok); res.Code != 201 {
			t.Fatalf("new illness after the first was decided: %d", res.Code)
		}
	})
}

func TestReportKinds(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	res := h.do("GET", "/api/v1/report-kinds", nil, h.signInUser(h.fx.GuestUser()))
	kinds := decode[struct{ Payment, Risk []report.Kind }](t, res)
	if res.Code != 200 || len(kinds.Payment) != 4 || kinds.Payment[0] != (report.Kind{Code: "not_received", Label: "没收到"}) || len(kinds.Risk) != 7 {
		t.Fatalf("%d %+v", res.Code, kinds)
	}
}
