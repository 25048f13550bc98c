package handlers

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// outboxKeys lists the dedupe keys of queued notices that start with prefix.
func outboxKeys(t *testing.T, db *model.DB, prefix string) []string {
	t.Helper()
	var keys []string
	if err := db.Model(&model.OutboxMessage{}).Where("dedupe_key LIKE ?", prefix+"%").Order("dedupe_key").
		Pluck("dedupe_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	return keys
}

// auditActions lists the audit log's actions on a target kind, oldest first.
func auditActions(t *testing.T, db *model.DB, targetKind string) []string {
	t.Helper()
	var actions []string
	if err := db.Model(&model.AuditEntry{}).Where("target_kind = ?", targetKind).Order("id").Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	return actions
}

func reportPath(id int64, action string) string {
	if action == "" {
		return fmt.Sprintf("/api/v1/reports/%d", id)
	}
	return fmt.Sprintf("/api/v1/reports/%d/%s", id, action)
}

func TestPaymentReportLifecycle(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		var headUser, sonUser, cadreUser model.User
		db.Where("member_id = ?", w.head.ID).Take(&headUser)
		db.Where("member_id = ?", w.son.ID).Take(&sonUser)
		db.Where("cadre_id = ?", w.cadre.ID).Take(&cadreUser)
		path := fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID)

		// The household files: one tap and a sentence.
		res := h.do("POST", path, report.PaymentReportInput{Kind: "not_received", Text: "  11月的低保还没到卡上  "}, w.headTok)
		if res.Code != 201 {
			t.Fatalf("file: %d %s", res.Code, res.Body)
		}
		r := decode[report.View](t, res)
		cst := harnessNow.Location()
		if r.Type != "payment" || r.Kind != "not_received" || r.KindLabel != "没收到" || r.Text != "11月的低保还没到卡上" ||
			r.Status != "open" || r.StatusLabel != "待受理" || r.Department != "民政局" || r.ReporterRelation != "self" ||
			r.AssignedCadre == nil || r.AssignedCadre.ID != w.cadre.ID || r.AssignedCadre.Name != w.cadre.Name || r.Late {
			t.Fatalf("new report: %+v", r)
		}
		// Deadlines in working days from Monday 10:00: acknowledge by Thursday, resolve in 15.
		if !r.FirstDeadline.Equal(time.Date(2026, 11, 26, 10, 0, 0, 0, cst)) || !r.FinalDeadline.Equal(time.Date(2026, 12, 14, 10, 0, 0, 0, cst)) {
			t.Errorf("deadlines %s, %s", r.FirstDeadline, r.FinalDeadline)
		}
		if !strings.Contains(res.Body.String(), `"first_deadline":"2026-11-26T10:00:00+08:00"`) {
			t.Errorf("times are not shown in +08:00: %s", res.Body)
		}
		if r.Payment == nil || r.Payment.ID != w.overdue.ID || r.Payment.Status != "overdue" || r.Payment.ItemName != "最低生活保障" {
			t.Errorf("payment: %+v", r.Payment)
		}
		if r.HouseholdNo != "" || r.HeadName != "" {
			t.Errorf("the household's own view carries staff fields: %+v", r)
		}
		if len(r.Steps) != 1 || r.Steps[0].ToStatus != "open" || r.Steps[0].ActorKind != "household" || r.Steps[0].ActorName != w.head.Name {
			t.Errorf("steps: %+v", r.Steps)
		}
		// Both bound members hear it is in; the cadre hears of a new case.
		wantKeys := []string{
			fmt.Sprintf("report:%d:assigned:u%d", r.ID, cadreUser.ID),
			fmt.Sprintf("report:%d:open:u%d", r.ID, headUser.ID),
			fmt.Sprintf("report:%d:open:u%d", r.ID, sonUser.ID),
		}
		slices.Sort(wantKeys)
		if got := outboxKeys(t, db, fmt.Sprintf("report:%d:", r.ID)); !slices.Equal(got, wantKeys) {
			t.Errorf("notices %v, want %v", got, wantKeys)
		}
		// The payment list shows the open report (its cache was cleared).
		sv := decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies", nil, w.sonTok))
		if sv.Items[2].ID != w.overdue.ID || sv.Items[2].OpenReportID != r.ID || sv.Items[2].ReportStatus != "open" {
			t.Errorf("payment view: %+v", sv.Items[2])
		}

		// A second report while one is open: 409 with the open one.
		dup := h.do("POST", path, report.PaymentReportInput{Kind: "late", Text: "还没到"}, w.sonTok)
		wantError(t, dup, 409, "report_already_open")
		if got := decode[errorBody](t, dup).Error.Details["report"].(map[string]any)["id"]; got != float64(r.ID) {
			t.Errorf("409 carries report %v, want %d", got, r.ID)
		}

		// The cadre sees it in their list and opens it (both audited).
		list := decode[report.Page](t, h.do("GET", "/api/v1/reports?status=open", nil, w.cadreTok))
		if len(list.Items) != 1 || list.Items[0].ID != r.ID || list.Items[0].HouseholdNo != w.hh.HouseholdNo {
			t.Fatalf("cadre's list: %+v", list)
		}
		if res := h.do("GET", reportPath(r.ID, ""), nil, w.cadreTok); res.Code != 200 {
			t.Fatalf("cadre reads: %d", res.Code)
		}

		// Who may move it, and with what.
		strangerCadre := h.fx.Cadre(h.fx.Region("419901100202", "隔壁村").Code)
		strangerTok := h.signInUser(h.fx.CadreUser(strangerCadre))
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": "好"}, w.headTok), 403, "forbidden")
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": "好"}, strangerTok), 404, "not_found")
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": " "}, w.cadreTok), 400, "empty_answer")
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{}, w.cadreTok), 400, "empty_answer")
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": strings.Repeat("长", 1001)}, w.cadreTok), 400, "answer_too_long")
		wantError(t, h.do("POST", reportPath(r.ID+999, "acknowledge"), map[string]string{"answer": "好"}, w.cadreTok), 404, "not_found")

		// open → acknowledged → resolved, each with an answer.
		res = h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": "已受理，正在与银行核实"}, w.cadreTok)
		if res.Code != 200 {
			t.Fatalf("acknowledge: %d %s", res.Code, res.Body)
		}
		if a := decode[report.View](t, res); a.Status != "acknowledged" || a.AcknowledgedAt == nil || a.Answer != "已受理，正在与银行核实" {
			t.Fatalf("acknowledged: %+v", a)
		}
		wantError(t, h.do("POST", reportPath(r.ID, "acknowledge"), map[string]string{"answer": "再受理"}, w.cadreTok), 409, "report_already_acknowledged")
		res = h.do("POST", reportPath(r.ID, "resolve"), map[string]string{"answer": "银行卡已冻结，已协助解冻，11月补发"}, w.cadreTok)
		if res.Code != 200 {
			t.Fatalf("resolve: %d %s", res.Code, res.Body)
		}
		wantError(t, h.do("POST", reportPath(r.ID, "reject"), map[string]string{"answer": "驳回"}, w.cadreTok), 409, "report_closed")

		// The household reads every step, with who and what was said.
		got := decode[report.View](t, h.do("GET", reportPath(r.ID, ""), nil, w.headTok))
		if got.Status != "resolved" || got.StatusLabel != "已办结" || got.ClosedAt == nil || got.Answer != "银行卡已冻结，已协助解冻，11月补发" {
			t.Fatalf("resolved: %+v", got)
		}
		var steps []string
		for _, s := range got.Steps {
			steps = append(steps, fmt.Sprintf("%s>%s %s %s: %s", s.FromStatus, s.ToStatus, s.ActorKind, s.ActorName, s.Message))
		}
		wantSteps := []string{
			">open household " + w.head.Name + ": 11月的低保还没到卡上",
			"open>acknowledged cadre " + w.cadre.Name + ": 已受理，正在与银行核实",
			"acknowledged>resolved cadre " + w.cadre.Name + ": 银行卡已冻结，已协助解冻，11月补发",
		}
		if !slices.Equal(steps, wantSteps) {
			t.Errorf("steps\n got %q\nwant %q", steps, wantSteps)
		}
		for _, status := range []string{"acknowledged", "resolved"} {
			if n := len(outboxKeys(t, db, fmt.Sprintf("report:%d:%s:", r.ID, status))); n != 2 {
				t.Errorf("%s: %d household notices, want one per bound member", status, n)
			}
		}
		if got := auditActions(t, db, "report"); !slices.Equal(got, []string{"report.create", "report.list", "report.read", "report.acknowledge", "report.resolve"}) {
			t.Errorf("audit: %v", got)
		}
		var stored model.Report
		db.Take(&stored, r.ID)
		if stored.OpenKey != nil {
			t.Errorf("a closed report keeps its open key %q", *stored.OpenKey)
		}
		// Closed, the payment can be reported again; and the list shows it.
		if res := h.do("POST", path, report.PaymentReportInput{Kind: "not_received", Text: "补发的也没到"}, w.headTok); res.Code != 201 {
			t.Fatalf("report again after closing: %d %s", res.Code, res.Body)
		}
		mine := decode[report.Page](t, h.do("GET", "/api/v1/reports", nil, w.sonTok))
		if len(mine.Items) != 2 || mine.Items[0].Status != "open" || mine.Items[1].Status != "resolved" || len(mine.Items[1].Steps) != 3 {
			t.Fatalf("household's list: %+v", mine)
		}
	})
}

func TestPaymentReportBadInput(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		path := fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID)
		var otherPayment model.Payment
		db.Where("household_id = ?", w.otherHH.ID).Take(&otherPayment)

		upload := func(tok string, body []byte) int64 {
			t.Helper()
			res := h.do("POST", "/api/v1/photos", body, tok, "Content-Type", "image/png")
			if res.Code != 201 {
				t.Fatalf("upload: %d %s", res.Code, res.Body)
			}
			return decode[struct{ ID int64 }](t, res).ID
		}
		theirPhoto := upload(w.otherTok, pngBytes(t))
		tenPhotos := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

		tests := []struct {
			name   string
			path   string
			body   any
			token  string
			status int
			code   string
		}{
			{"no body", path, nil, w.headTok, 400, "empty_body"},
			{"not JSON", path, "kind=other", w.headTok, 400, "invalid_json"},
			{"empty report", path, map[string]any{}, w.headTok, 400, "invalid_kind"},
			{"unknown kind", path, report.PaymentReportInput{Kind: "angry", Text: "x"}, w.headTok, 400, "invalid_kind"},
			{"empty text", path, report.PaymentReportInput{Kind: "other", Text: " \n\t "}, w.headTok, 400, "empty_text"},
			{"2,000 characters", path, report.PaymentReportInput{Kind: "other", Text: strings.Repeat("钱", 2000)}, w.headTok, 400, "text_too_long"},
			{"501 characters", path, report.PaymentReportInput{Kind: "other", Text: strings.Repeat("a", 501)}, w.headTok, 400, "text_too_long"},
			{"wrong type of field", path, map[string]any{"kind": "other", "text": "x", "photo_ids": "1"}, w.headTok, 400, "invalid_field"},
			{"photo that does not exist", path, report.PaymentReportInput{Kind: "other", Text: "x", PhotoIDs: []int64{987654}}, w.headTok, 400, "invalid_photo_ids"},
			{"another household's photo", path, report.PaymentReportInput{Kind: "other", Text: "x", PhotoIDs: []int64{theirPhoto}}, w.headTok, 400, "invalid_photo_ids"},
			{"ten photos", path, report.PaymentReportInput{Kind: "other", Text: "x", PhotoIDs: tenPhotos}, w.headTok, 400, "too_many_photos"},
			{"a payment not yet due", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.notYetDue.ID),
				report.PaymentReportInput{Kind: "not_received", Text: "没到"}, w.headTok, 400, "payment_not_due"},
			{"another household's payment", fmt.Sprintf("/api/v1/subsidies/%d/reports", otherPayment.ID),
				report.PaymentReportInput{Kind: "other", Text: "x"}, w.headTok, 404, "not_found"},
			{"no such payment", "/api/v1/subsidies/99999999/reports", report.PaymentReportInput{Kind: "other", Text: "x"}, w.headTok, 404, "not_found"},
			{"not an id", "/api/v1/subsidies/abc/reports", report.PaymentReportInput{Kind: "other", Text: "x"}, w.headTok, 404, "not_found"},
			{"a cadre", path, report.PaymentReportInput{Kind: "other", Text: "x"}, w.cadreTok, 403, "forbidden"},
			{"not signed in", path, report.PaymentReportInput{Kind: "other", Text: "x"}, "", 401, "unauthenticated"},
			{"body over the limit", path, `{"kind":"other","text":"` + strings.Repeat("x", int(h.cfg.BodyLimit)) + `"}`, w.headTok, 413, "body_too_large"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, h.do("POST", tc.path, tc.body, tc.token), tc.status, tc.code)
			})
		}
		// Photos are checked when uploaded: not an image, or over the size limit.
		t.Run("photo not an image", func(t *testing.T) {
			wantError(t, h.do("POST", "/api/v1/photos", []byte("GIF89a not ours"), w.headTok, "Content-Type", "image/gif"), 415, "not_an_image")
		})
		t.Run("photo over the limit", func(t *testing.T) {
			big := append(pngBytes(t), bytes.Repeat([]byte{0}, int(h.cfg.UploadLimit))...)
			wantError(t, h.do("POST", "/api/v1/photos", big, w.headTok, "Content-Type", "image/png"), 413, "photo_too_large")
		})
		var n int64
		db.Model(&model.Report{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d reports written by bad requests", n)
		}

		// A good one with its photo, at the length limit: the photo is the household's now.
		mine := upload(w.headTok, pngBytes(t))
		res := h.do("POST", path, report.PaymentReportInput{Kind: "other", Text: strings.Repeat("字", 500), PhotoIDs: []int64{mine, mine}}, w.headTok)
		if res.Code != 201 {
			t.Fatalf("good report: %d %s", res.Code, res.Body)
		}
		if v := decode[report.View](t, res); !slices.Equal(v.PhotoIDs, []int64{mine}) {
			t.Fatalf("photo ids %v", v.PhotoIDs)
		}
		// The cadre of the household may see the photo now.
		if res := h.do("GET", fmt.Sprintf("/api/v1/photos/%d", mine), nil, w.cadreTok); res.Code != 200 {
			t.Fatalf("cadre reads the report's photo: %d", res.Code)
		}
	})
}

// TestReportsByOfficials: officials list and answer cases of their region
// through the admin API; others' regions are 404.
func TestReportsByOfficials(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		r := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.failed.ID),
			report.PaymentReportInput{Kind: "wrong_amount", Text: "残疾人补贴少了"}, w.headTok))
		county := h.signInAdmin(h.fx.Admin("419901"))
		elsewhere := h.signInAdmin(h.fx.Admin("419902"))

		list := decode[report.Page](t, h.do("GET", "/admin/api/reports?type=payment&status=active", nil, county))
		if len(list.Items) != 1 || list.Items[0].ID != r.ID || list.Items[0].RegionCode != w.village || list.Items[0].Department != "残联" {
			t.Fatalf("county's list: %+v", list)
		}
		if l := decode[report.Page](t, h.do("GET", "/admin/api/reports?department=民政局", nil, county)); len(l.Items) != 0 {
			t.Fatalf("department filter: %+v", l)
		}
		if l := decode[report.Page](t, h.do("GET", "/admin/api/reports", nil, elsewhere)); len(l.Items) != 0 {
			t.Fatalf("another county sees %d reports", len(l.Items))
		}
		wantError(t, h.do("GET", fmt.Sprintf("/admin/api/reports/%d", r.ID), nil, elsewhere), 404, "not_found")
		wantError(t, h.do("POST", fmt.Sprintf("/admin/api/reports/%d/reject", r.ID), map[string]string{"answer": "no"}, elsewhere), 404, "not_found")
		wantError(t, h.do("GET", "/admin/api/reports", nil, w.cadreTok), 403, "forbidden")
		wantError(t, h.do("GET", "/admin/api/reports?status=lost", nil, county), 400, "invalid_status")
		wantError(t, h.do("GET", "/admin/api/reports?type=gossip", nil, county), 400, "invalid_type")
		wantError(t, h.do("GET", "/admin/api/reports?late=maybe", nil, county), 400, "invalid_late")
		wantError(t, h.do("GET", "/admin/api/reports?cursor=x", nil, county), 400, "invalid_cursor")

		res := h.do("POST", fmt.Sprintf("/admin/api/reports/%d/reject", r.ID), map[string]string{"answer": "经核实，按标准每月 80 元，金额无误"}, county)
		if res.Code != 200 {
			t.Fatalf("reject: %d %s", res.Code, res.Body)
		}
		v := decode[report.View](t, res)
		if v.Status != "rejected" || v.StatusLabel != "不予受理" || len(v.Steps) != 2 || v.Steps[1].ActorKind != "official" {
			t.Fatalf("rejected: %+v", v)
		}
		if l := decode[report.Page](t, h.do("GET", "/admin/api/reports?status=closed", nil, county)); len(l.Items) != 1 {
			t.Fatalf("closed: %+v", l)
		}
	})
}

// TestReportListPaging walks a cadre's list page by page.
func TestReportListPaging(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		var filed []int64
		for _, p := range []model.Payment{w.paid, w.overdue, w.failed, w.returned, w.withinGrace} {
			v := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", p.ID),
				report.PaymentReportInput{Kind: "other", Text: "请核实"}, w.headTok))
			filed = append(filed, v.ID)
		}
		var seen []int64
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			page := decode[report.Page](t, h.do("GET", "/api/v1/reports?limit=2&cursor="+cursor, nil, w.cadreTok))
			for _, it := range page.Items {
				seen = append(seen, it.ID)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		slices.Reverse(filed)
		if !slices.Equal(seen, filed) {
			t.Fatalf("paged %v, want %v (newest first, each once)", seen, filed)
		}
	})
}

// TestPaymentReportDoubleTap: many identical filings at once (a double tap,
// a retry over a bad network) open one case; the rest get 409 with it.
func TestPaymentReportDoubleTap(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		path := fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID)
		const n = 8
		codes := make([]int, n)
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok := w.headTok
				if i%2 == 1 {
					tok = w.sonTok
				}
				res := h.do("POST", path, report.PaymentReportInput{Kind: "not_received", Text: "没到账"}, tok)
				codes[i], bodies[i] = res.Code, res.Body.String()
			}()
		}
		wg.Wait()
		var created int
		for i, c := range codes {
			switch c {
			case 201:
				created++
			case 409:
				if !strings.Contains(bodies[i], `"report_already_open"`) || !strings.Contains(bodies[i], `"report":{"id":`) {
					t.Errorf("409 without the open case: %s", bodies[i])
				}
			default:
				t.Errorf("status %d: %s", c, bodies[i])
			}
		}
		var stored, steps int64
		db.Model(&model.Report{}).Count(&stored)
		db.Model(&model.ReportEvent{}).Count(&steps)
		if created != 1 || stored != 1 || steps != 1 {
			t.Fatalf("created %d, stored %d reports with %d steps; want exactly one", created, stored, steps)
		}
	})
}

// TestReportAnsweredTwiceAtOnce: two staff answering one case at the same
// moment: one wins, the other is told it changed; one step is kept.
func TestReportAnsweredTwiceAtOnce(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		r := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID),
			report.PaymentReportInput{Kind: "late", Text: "晚了"}, w.headTok))
		official := h.signInAdmin(h.fx.Admin("419901"))
		codes := make([]int, 6)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				path, tok := reportPath(r.ID, "acknowledge"), w.cadreTok
				if i%2 == 1 {
					path, tok = fmt.Sprintf("/admin/api/reports/%d/acknowledge", r.ID), official
				}
				codes[i] = h.do("POST", path, map[string]string{"answer": "已受理"}, tok).Code
			}()
		}
		wg.Wait()
		slices.Sort(codes)
		if !slices.Equal(codes, []int{200, 409, 409, 409, 409, 409}) {
			t.Fatalf("statuses %v, want one 200 and the rest 409", codes)
		}
		var steps int64
		db.Model(&model.ReportEvent{}).Where("report_id = ?", r.ID).Count(&steps)
		if steps != 2 {
			t.Fatalf("%d steps, want open and one acknowledgement", steps)
		}
	})
}
