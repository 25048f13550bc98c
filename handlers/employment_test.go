package handlers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/employment"
	"github.com/xiangbang/xiangbang/service/jobs"
)

// day is a date offset from today where the service judges dates (Asia/Shanghai).
func dayOffset(offset int) string {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Now().In(loc).AddDate(0, 0, offset).Format("2006-01-02")
}

func TestEmploymentReports(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		job := w.publish(posting("包装工"))
		h, m := w.fx.Household(tVillage)
		spouse := w.fx.Member(h, "测试配偶", "配偶", w.fx.IDCard(1975))
		worker := w.fx.HouseholdUser(m)
		tok := w.signInUser(worker)
		c1, c2 := w.fx.Cadre(tVillage), w.fx.Cadre(tCounty)
		w.fx.Pair(c1, h, model.RoleResponsible)
		w.fx.Pair(c2, h, model.RoleResponsible)
		u1, u2 := w.fx.CadreUser(c1), w.fx.CadreUser(c2)
		cadre := w.signInUser(u1)
		if r := w.do("PUT", "/api/v1/me/job-profile", profile(), tok); r.Code != 200 {
			t.Fatalf("profile: %d %s", r.Code, r.Body)
		}
		targets := func() int64 {
			var n int64
			db.Model(&model.JobProfileTarget{}).Count(&n)
			return n
		}
		outbox := func(userID int64) int64 {
			var n int64
			db.Model(&model.OutboxMessage{}).Where("user_id = ? AND kind = 'job_lost'", userID).Count(&n)
			return n
		}
		activeFlags := func() []model.HouseholdFlag {
			var fs []model.HouseholdFlag
			db.Where("household_id = ? AND flag = ? AND cleared_at IS NULL", h.ID, model.FlagJobLost).Find(&fs)
			return fs
		}
		report := func(token string, body map[string]any, status int) employment.EventView {
			t.Helper()
			r := w.do("POST", "/api/v1/me/employment", body, token)
			if r.Code != status {
				t.Fatalf("report %v: %d %s", body, r.Code, r.Body)
			}
			return decode[employment.EventView](t, r)
		}

		// Starting work takes the worker out of matching; the report names the posting's employer.
		start := map[string]any{"event": "started", "job_id": job.ID, "occurred_on": dayOffset(-30)}
		v := report(tok, start, 201)
		if v.EmploymentStatus != "employed" || v.Employer != job.Employer || v.FlagRaised || v.RecordedBy != "household" {
			t.Fatalf("started %+v", v)
		}
		if n := targets(); n != 0 {
			t.Fatalf("a worker in work still has %d index rows", n)
		}
		if p := decode[jobs.ProfileView](t, w.do("GET", "/api/v1/me/job-profile", nil, tok)); p.Matching {
			t.Fatal("profile still matching while in work")
		}
		// The same report again is recorded once.
		if again := report(tok, start, 200); !again.Duplicate || again.ID != v.ID {
			t.Fatalf("replay %+v", again)
		}

		// Coming home raises the flag once, tells both responsible cadres, and puts the worker back into matching.
		back := report(tok, map[string]any{"event": "returned", "occurred_on": dayOffset(-1), "place": "深圳"}, 201)
		if back.EmploymentStatus != "returned" || !back.FlagRaised {
			t.Fatalf("returned %+v", back)
		}
		if fs := activeFlags(); len(fs) != 1 || fs[0].ActiveKey == nil || *fs[0].ActiveKey != employment.JobLostKey(h.ID) ||
			!strings.Contains(fs[0].Detail, "返乡") {
			t.Fatalf("flags %+v", fs)
		}
		if outbox(u1.ID) != 1 || outbox(u2.ID) != 1 {
			t.Fatalf("notices: cadre 1 %d, cadre 2 %d", outbox(u1.ID), outbox(u2.ID))
		}
		if targets() == 0 {
			t.Fatal("a worker back home is not in matching")
		}
		report(tok, map[string]any{"event": "returned", "occurred_on": dayOffset(-1), "place": "深圳"}, 200)

		// The cadre reports for the spouse: still one flag; the other cadre is told, the reporter is not.
		sp := report(cadre, map[string]any{"member_id": spouse.ID, "event": "ended", "employer": "县城饭店"}, 201)
		if sp.RecordedBy != "cadre" || sp.EmploymentStatus != "unemployed" || !sp.FlagRaised {
			t.Fatalf("spouse %+v", sp)
		}
		if len(activeFlags()) != 1 || outbox(u1.ID) != 1 || outbox(u2.ID) != 2 {
			t.Fatalf("after the cadre's report: %d flags, notices %d and %d", len(activeFlags()), outbox(u1.ID), outbox(u2.ID))
		}

		// A late report of an older job ending does not undo a newer start.
		report(cadre, map[string]any{"member_id": spouse.ID, "event": "started", "occurred_on": dayOffset(0), "employer": "新单位"}, 201)
		if len(activeFlags()) != 0 {
			t.Fatal("a member back in work did not clear the flag")
		}
		late := report(cadre, map[string]any{"member_id": spouse.ID, "event": "ended", "occurred_on": dayOffset(-60), "employer": "旧单位"}, 201)
		if late.EmploymentStatus != "employed" || late.FlagRaised {
			t.Fatalf("late report %+v", late)
		}
		var mem model.Member
		db.Take(&mem, spouse.ID)
		if mem.EmploymentStatus != "employed" {
			t.Fatalf("spouse status %s", mem.EmploymentStatus)
		}
		var audits int64
		db.Model(&model.AuditEntry{}).Where("action = 'employment.record'").Count(&audits)
		if audits != 5 {
			t.Fatalf("%d audit entries for 5 new reports", audits)
		}

		// Bad reports.
		otherHH, stranger := w.fx.Household(tOther)
		_ = otherHH
		bad := []struct {
			name   string
			token  string
			body   any
			status int
			code   string
		}{
			{"unknown event", tok, map[string]any{"event": "fired"}, 400, "invalid_event"},
			{"no event", tok, map[string]any{}, 400, "invalid_event"},
			{"in the future", tok, map[string]any{"event": "started", "occurred_on": dayOffset(2)}, 400, "date_in_future"},
			{"too long ago", tok, map[string]any{"event": "started", "occurred_on": dayOffset(-400)}, 400, "date_too_old"},
			{"unknown posting", tok, map[string]any{"event": "started", "job_id": 99999}, 400, "unknown_job"},
			{"employer too long", tok, map[string]any{"event": "started", "employer": strings.Repeat("厂", 65)}, 400, "invalid_employer"},
			{"another household's member", tok, map[string]any{"event": "started", "member_id": stranger.ID}, 404, "not_found"},
			{"cadre without a member", cadre, map[string]any{"event": "started"}, 400, "missing_member_id"},
			{"cadre outside scope", cadre, map[string]any{"event": "started", "member_id": stranger.ID}, 404, "not_found"},
			{"guest", w.signInUser(w.fx.GuestUser()), map[string]any{"event": "started"}, 403, "forbidden"},
			{"official", w.official, map[string]any{"event": "started", "member_id": m.ID}, 403, "forbidden"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, w.do("POST", "/api/v1/me/employment", tt.body, tt.token), tt.status, tt.code)
			})
		}
		var events int64
		db.Model(&model.EmploymentEvent{}).Where("member_id = ?", stranger.ID).Count(&events)
		if events != 0 {
			t.Fatal("a rejected report was stored")
		}
	})
}

func TestZeroEmployment(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		zero, zm := w.fx.Household(tVillage) // a worker, nobody in work
		working, _ := w.fx.Household(tVillage)
		w.fx.Member(working, "在外务工", "之子", w.fx.IDCard(1995))
		db.Model(&model.Member{}).Where("household_id = ? AND relation = ?", working.ID, "之子").Update("employment_status", "employed")
		noWish, nm := w.fx.Household(tVillage)
		db.Model(&model.Member{}).Where("id = ?", nm.ID).Update("wish_to_work", false)
		student, sm := w.fx.Household(tVillage)
		db.Model(&model.Member{}).Where("id = ?", sm.ID).Update("in_school", true)
		noLabour, lm := w.fx.Household(tVillage)
		db.Model(&model.Member{}).Where("id = ?", lm.ID).Update("labour_capacity", "none")
		far, _ := w.fx.Household(tOther)
		gone, gm := w.fx.Household(tOther)
		db.Model(&model.Household{}).Where("id = ?", gone.ID).Update("status", "removed")
		_ = gm
		weak := w.fx.Member(zero, "弱劳力", "配偶", w.fx.IDCard(1960))
		db.Model(&model.Member{}).Where("id = ?", weak.ID).Update("labour_capacity", "weak")
		_, _, _ = noWish, student, noLabour

		c := w.fx.Cadre(tCounty)
		for _, h := range []model.Household{zero, working, noWish, far} {
			w.fx.Pair(c, h, model.RoleResponsible)
		}
		cadre := w.signInUser(w.fx.CadreUser(c))
		r := w.do("GET", "/api/v1/cadre/zero-employment", nil, cadre)
		if r.Code != 200 {
			t.Fatalf("cadre: %d %s", r.Code, r.Body)
		}
		groups := decode[struct {
			Items []employment.VillageHouseholds `json:"items"`
		}](t, r).Items
		if len(groups) != 2 || groups[0].RegionCode != tVillage || groups[0].RegionName != "青石村" ||
			len(groups[0].Households) != 1 || groups[0].Households[0].ID != zero.ID || groups[1].Households[0].ID != far.ID {
			t.Fatalf("cadre groups %+v", groups)
		}
		ws := groups[0].Households[0].Workers
		if len(ws) != 2 || ws[0].MemberID != zm.ID || ws[1].LabourCapacity != "weak" || ws[0].HasJobProfile {
			t.Fatalf("workers %+v", ws)
		}

		sum := decode[employment.Summary](t, w.do("GET", "/admin/api/zero-employment", nil, w.official))
		if sum.TotalHouseholds != 2 || sum.TotalWorkers != 3 || len(sum.Items) != 2 || sum.Items[0].Households != 1 || sum.Items[0].Workers != 2 {
			t.Fatalf("summary %+v", sum)
		}
		if s := decode[employment.Summary](t, w.do("GET", "/admin/api/zero-employment?region="+tTown, nil, w.official)); s.TotalHouseholds != 1 {
			t.Fatalf("town summary %+v", s)
		}
		if s := decode[employment.Summary](t, w.do("GET", "/admin/api/zero-employment", nil, w.signInAdmin(w.fx.Admin("419902")))); len(s.Items) != 0 {
			t.Fatalf("another county's official sees %+v", s)
		}
		page := decode[employment.HouseholdPage](t, w.do("GET", "/admin/api/zero-employment/households?village="+tOther, nil, w.official))
		if len(page.Items) != 1 || page.Items[0].ID != far.ID || page.NextCursor != "" {
			t.Fatalf("village page %+v", page)
		}

		// Paging: three more zero-employment households in the other village, two a page.
		for range 3 {
			w.fx.Household(tOther)
		}
		var ids []int64
		cursor := ""
		for range 5 {
			p := decode[employment.HouseholdPage](t, w.do("GET", "/admin/api/zero-employment/households?limit=2&village="+tOther+"&cursor="+cursor, nil, w.official))
			for _, h := range p.Items {
				ids = append(ids, h.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(ids) != 4 || !slices.IsSorted(ids) || ids[0] != far.ID {
			t.Fatalf("paged %v", ids)
		}

		// A member starting work takes the household off the list.
		report := w.do("POST", "/api/v1/me/employment", map[string]any{"member_id": zm.ID, "event": "started"}, cadre)
		if report.Code != 201 {
			t.Fatalf("report: %d %s", report.Code, report.Body)
		}
		if s := decode[employment.Summary](t, w.do("GET", "/admin/api/zero-employment?region="+tVillage, nil, w.official)); s.TotalHouseholds != 0 {
			t.Fatalf("after a start: %+v", s)
		}

		wantError(t, w.do("GET", "/admin/api/zero-employment/households?village="+tTown, nil, w.official), 400, "invalid_region")
		wantError(t, w.do("GET", "/admin/api/zero-employment/households?village="+tOther+"&cursor=x", nil, w.official), 400, "invalid_cursor")
		wantError(t, w.do("GET", "/admin/api/zero-employment?region=12", nil, w.official), 400, "invalid_region")
		wantError(t, w.do("GET", "/api/v1/cadre/zero-employment", nil, w.official), 403, "forbidden")
		var audits int64
		db.Model(&model.AuditEntry{}).Where("action = 'zero_employment.read'").Count(&audits)
		if audits < 4 {
			t.Fatalf("%d audited reads", audits)
		}
		_ = fmt.Sprint
	})
}
