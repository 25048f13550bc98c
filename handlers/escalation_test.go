package handlers

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/report"
)

// reachableAdmin makes an official with a WeChat user to push to.
func reachableAdmin(t *testing.T, h *harness, scope, department string) (model.AdminUser, model.User) {
	t.Helper()
	u := h.fx.GuestUser()
	a := h.fx.Admin(scope)
	if err := h.db.Model(&a).Updates(map[string]any{"wechat_user_id": u.ID, "department": department}).Error; err != nil {
		t.Fatal(err)
	}
	return a, u
}

// TestReportEscalation calls EscalateOverdue directly, as the scheduler
// will: late cases go to the town's officials, then the county's; running
// it again changes nothing.
func TestReportEscalation(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		town, townUser := reachableAdmin(t, h, "419901100", "青石镇")
		county, countyUser := reachableAdmin(t, h, "419901", "县民政局")
		_, otherTownUser := reachableAdmin(t, h, "419901200", "白沙镇")
		cst := harnessNow.Location()

		// The county's 民政局 official hears of a new 低保 report; the others do not.
		late := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID),
			report.PaymentReportInput{Kind: "not_received", Text: "没到账"}, w.headTok))
		if got := outboxKeys(t, db, fmt.Sprintf("report:%d:assigned:a", late.ID)); !slices.Equal(got, []string{
			fmt.Sprintf("report:%d:assigned:a%d", late.ID, county.ID)}) {
			t.Errorf("department notices: %v", got)
		}
		var to model.OutboxMessage
		db.Where("dedupe_key = ?", fmt.Sprintf("report:%d:assigned:a%d", late.ID, county.ID)).Take(&to)
		if to.UserID == nil || *to.UserID != countyUser.ID {
			t.Errorf("the official's notice goes to user %v, want %d", to.UserID, countyUser.ID)
		}
		answered := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.failed.ID),
			report.PaymentReportInput{Kind: "other", Text: "卡冻结了"}, w.headTok))
		h.do("POST", reportPath(answered.ID, "resolve"), map[string]string{"answer": "已解冻"}, w.cadreTok)

		escalate := func(at time.Time) int {
			t.Helper()
			n, err := h.reports.EscalateOverdue(t.Context(), at)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		reload := func(id int64) model.Report {
			t.Helper()
			var r model.Report
			if err := db.Take(&r, id).Error; err != nil {
				t.Fatal(err)
			}
			return r
		}
		events := func(id int64) int64 {
			var n int64
			db.Model(&model.ReportEvent{}).Where("report_id = ?", id).Count(&n)
			return n
		}

		// Before Thursday 10:00 nothing is late.
		if n := escalate(time.Date(2026, 11, 26, 9, 59, 0, 0, cst)); n != 0 {
			t.Fatalf("escalated %d before the deadline", n)
		}
		// Friday: the first deadline has passed unacknowledged → the town.
		friday := time.Date(2026, 11, 27, 9, 0, 0, 0, cst)
		if n := escalate(friday); n != 1 {
			t.Fatalf("escalated %d on Friday, want 1", n)
		}
		r := reload(late.ID)
		if r.EscalationLevel != report.LevelFirstMissed || r.EscalatedAt == nil || !r.EscalatedAt.Equal(friday) || r.Status != model.ReportOpen {
			t.Fatalf("after escalation: %+v", r)
		}
		want := []string{fmt.Sprintf("report:%d:escalated:1:a%d", late.ID, town.ID)}
		if got := outboxKeys(t, db, fmt.Sprintf("report:%d:escalated:1:a", late.ID)); !slices.Equal(got, want) {
			t.Errorf("officials told %v, want only the town's %v", got, want)
		}
		var toTown int64
		db.Model(&model.OutboxMessage{}).Where("user_id = ? AND kind = ?", townUser.ID, report.NoticeEscalated).Count(&toTown)
		if toTown != 1 {
			t.Errorf("the town official's WeChat user got %d notices", toTown)
		}
		if n := len(outboxKeys(t, db, fmt.Sprintf("report:%d:escalated:1:cadre", late.ID))); n != 1 {
			t.Errorf("the cadre was told %d times", n)
		}
		if n := len(outboxKeys(t, db, fmt.Sprintf("report:%d:escalated:1:u", late.ID))); n != 2 {
			t.Errorf("the household was told %d times, want once per bound member", n)
		}
		// Running again changes nothing, and tells nobody twice.
		eventsBefore, queuedBefore := events(late.ID), len(outboxKeys(t, db, ""))
		if n := escalate(friday.Add(time.Hour)); n != 0 {
			t.Fatalf("second run escalated %d", n)
		}
		if events(late.ID) != eventsBefore || len(outboxKeys(t, db, "")) != queuedBefore {
			t.Fatal("the second run wrote steps or notices")
		}

		// The household and the official read the step; the list can show escalated and late cases.
		h.payClock.Set(friday)
		v := decode[report.View](t, h.do("GET", reportPath(late.ID, ""), nil, w.headTok))
		if !v.Late || v.EscalationLevel != 1 || v.Steps[len(v.Steps)-1].ActorKind != "system" ||
			v.Steps[len(v.Steps)-1].Message != "超过受理期限（11月26日）仍未受理，已报乡镇督办" {
			t.Fatalf("escalated view: %+v", v)
		}
		townTok := h.signInAdmin(town)
		if p := decode[report.Page](t, h.do("GET", "/admin/api/reports?escalated=true", nil, townTok)); len(p.Items) != 1 || p.Items[0].ID != late.ID {
			t.Fatalf("escalated list: %+v", p.Items)
		}
		if p := decode[report.Page](t, h.do("GET", "/api/v1/reports?late=true", nil, w.cadreTok)); len(p.Items) != 1 {
			t.Fatalf("late list: %d", len(p.Items))
		}

		// Acknowledged late, still not resolved after 15 working days → the county too.
		h.do("POST", reportPath(late.ID, "acknowledge"), map[string]string{"answer": "已受理"}, w.cadreTok)
		if n := escalate(time.Date(2026, 12, 14, 9, 0, 0, 0, cst)); n != 0 {
			t.Fatalf("escalated %d before the final deadline", n)
		}
		if n := escalate(time.Date(2026, 12, 15, 9, 0, 0, 0, cst)); n != 1 {
			t.Fatalf("escalated %d after the final deadline", n)
		}
		if r := reload(late.ID); r.EscalationLevel != report.LevelFinalMissed || r.Status != model.ReportAcknowledged {
			t.Fatalf("level 2: %+v", r)
		}
		got := outboxKeys(t, db, fmt.Sprintf("report:%d:escalated:2:a", late.ID))
		want = []string{
			fmt.Sprintf("report:%d:escalated:2:a%d", late.ID, town.ID),
			fmt.Sprintf("report:%d:escalated:2:a%d", late.ID, county.ID),
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("level 2 told %v, want %v", got, want)
		}
		if n := escalate(time.Date(2027, 6, 1, 0, 0, 0, 0, cst)); n != 0 {
			t.Fatalf("a case at the top level, or closed, was escalated again: %d", n)
		}
		if r := reload(answered.ID); r.EscalationLevel != 0 {
			t.Fatalf("a resolved case was escalated: %+v", r)
		}
		var toOtherTown int64
		db.Model(&model.OutboxMessage{}).Where("user_id = ?", otherTownUser.ID).Count(&toOtherTown)
		if toOtherTown != 0 {
			t.Errorf("another town's official was told %d times", toOtherTown)
		}
		if got := auditActions(t, db, "report"); slices.Index(got, "report.escalate") < 0 {
			t.Errorf("escalations not audited: %v", got)
		}
	})
}

// TestEscalateSkipsBothLevelsAtOnce: a case found late past both deadlines
// (the scheduler was down) goes straight to level 2 in one step.
func TestEscalateSkipsBothLevelsAtOnce(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	w := newSubsidyWorld(t, h)
	r := decode[report.View](t, h.do("POST", "/api/v1/risk-reports", report.RiskReportInput{Kind: "accident", Text: "摔伤了"}, w.headTok))
	n, err := h.reports.EscalateOverdue(t.Context(), harnessNow.AddDate(0, 2, 0))
	if err != nil || n != 1 {
		t.Fatalf("escalated %d: %v", n, err)
	}
	v := decode[report.View](t, h.do("GET", reportPath(r.ID, ""), nil, w.headTok))
	if v.EscalationLevel != 2 || len(v.Steps) != 2 || v.Steps[1].Message != "超过研判认定期限（12月14日）仍未认定，已报乡镇和县督办" {
		t.Fatalf("%+v", v)
	}
}
