package reminders_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
)

func TestDigest(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		today := model.Date{Year: 2026, Month: time.May, Day: 4}
		a, b, noUser := e.fx.Cadre(village), e.fx.Cadre(village), e.fx.Cadre(village)
		ua, ub := e.fx.CadreUser(a), e.fx.CadreUser(b)
		type hh struct {
			name     string
			visits   []time.Time // current visits
			old      time.Time   // a superseded revision
			elevated bool
			want     string // overdue, soon, or ""
		}
		cases := []hh{
			{name: "二月走访", visits: []time.Time{local(2026, 3, 1, 9, 0)}, want: "overdue"},
			{name: "到期三天", visits: []time.Time{local(2026, 4, 1, 10, 0)}, want: "overdue"},
			{name: "即将到期", visits: []time.Time{local(2026, 4, 6, 10, 0)}, want: "soon"},
			{name: "刚走访过", visits: []time.Time{local(2026, 4, 30, 10, 0)}, want: ""},
			{name: "提级帮扶", visits: []time.Time{local(2026, 3, 10, 10, 0)}, elevated: true, want: "overdue"},
			{name: "从未走访", want: "overdue"},
			{name: "修正记录", visits: []time.Time{local(2026, 4, 2, 10, 0)}, old: local(2026, 4, 29, 10, 0), want: "overdue"},
			{name: "昨日到期", visits: []time.Time{local(2026, 4, 3, 23, 59)}, want: "overdue"},
			{name: "今日到期", visits: []time.Time{local(2026, 4, 4, 0, 0)}, want: "soon"},
			{name: "多次走访", visits: []time.Time{local(2026, 2, 1, 9, 0), local(2026, 4, 28, 9, 0)}, want: ""},
		}
		for _, c := range cases {
			h, _ := e.fx.Household(village)
			h.HeadName = c.name
			if c.elevated {
				h.SupportLevel = model.SupportElevated
			}
			db.Save(&h)
			p := e.fx.Pair(a, h, model.RoleResponsible)
			db.Model(&p).Update("started_on", "2025-11-01")
			for _, v := range c.visits {
				e.visit(a, h, v, true)
			}
			if !c.old.IsZero() {
				e.visit(a, h, c.old, false)
			}
		}
		// Not counted: an ended pairing, a household no longer active, a cadre without WeChat.
		ended, _ := e.fx.Household(village)
		p := e.fx.Pair(a, ended, model.RoleWorkTeam)
		db.Model(&p).Update("ended_on", "2026-04-01")
		gone, _ := e.fx.Household(village)
		db.Model(&gone).Update("status", "moved_out")
		e.fx.Pair(a, gone, model.RoleResponsible)
		fresh, _ := e.fx.Household(village)
		e.fx.Pair(b, fresh, model.RoleResponsible)
		e.visit(b, fresh, local(2026, 5, 1, 9, 0), true)
		e.fx.Pair(noUser, ended, model.RoleResponsible)

		n, err := e.r.Digest(ctx(), today)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("queued %d digests, want 1 (cadre a only)", n)
		}
		got := e.queued("visit_digest")
		data, ok := got[fmt.Sprintf("visit_digest:2026-05-04:c%d:u%d", a.ID, ua.ID)]
		if !ok {
			t.Fatalf("no digest for cadre a: %v", got)
		}
		overdue, soon := 0, 0
		for _, c := range cases {
			switch c.want {
			case "overdue":
				overdue++
			case "soon":
				soon++
			}
		}
		if data["overdue"] != fmt.Sprint(overdue) || data["soon"] != fmt.Sprint(soon) || data["title"] != "今日走访提醒" {
			t.Errorf("digest %v, want %d overdue and %d soon of %d", data, overdue, soon, len(cases))
		}
		// Due dates: 从未走访 12月1日, 提级帮扶 3月25日 (15 days), 二月走访 3月31日 (30 days).
		wantNames := "优先走访：" + pii.MaskName("从未走访") + "户、" + pii.MaskName("提级帮扶") + "户、" + pii.MaskName("二月走访") + "户"
		if data["households"] != wantNames {
			t.Errorf("households %q, want %q (the longest overdue first)", data["households"], wantNames)
		}
		if _, ok := got[fmt.Sprintf("visit_digest:2026-05-04:c%d:u%d", b.ID, ub.ID)]; ok {
			t.Error("a cadre with nothing due got a digest")
		}
		if n, err := e.r.Digest(ctx(), today); err != nil || n != 0 {
			t.Fatalf("second run the same day queued %d, %v; want 0", n, err)
		}
		if n, _ := e.r.Digest(ctx(), today.AddDays(1)); n != 1 {
			t.Fatalf("the next day queued %d, want 1", n)
		}
	})
}

func TestDigestFollowsRegionalPeriods(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		c := e.fx.Cadre(village)
		e.fx.CadreUser(c)
		h, _ := e.fx.Household(village)
		e.fx.Pair(c, h, model.RoleResponsible)
		e.visit(c, h, local(2026, 4, 12, 9, 0), true)
		today := model.Date{Year: 2026, Month: time.May, Day: 4}
		if n, err := e.r.Digest(ctx(), today); n != 0 || err != nil {
			t.Fatalf("a household visited 22 days ago is due under the default 30 days: %d, %v", n, err)
		}
		// 乡级半月研判: this county visits every 20 days.
		e.pol.VisitPeriods = append(e.pol.VisitPeriods, config.VisitPeriod{Region: "410122", Class: "default", Days: 20})
		e.build()
		if n, err := e.r.Digest(ctx(), today); n != 1 || err != nil {
			t.Fatalf("the county's 20-day period was not applied: %d, %v", n, err)
		}
	})
}
