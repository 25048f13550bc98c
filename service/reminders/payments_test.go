package reminders_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// payment adds a payment to a household.
func (e *env) payment(h model.Household, item, period, status string, due model.Date, mod func(*model.Payment)) model.Payment {
	e.t.Helper()
	p := model.Payment{HouseholdID: h.ID, RegionCode: h.RegionCode, ItemCode: item, Period: period, AmountFen: 52000,
		DueDate: due, Status: status}
	if mod != nil {
		mod(&p)
	}
	if err := e.db.Create(&p).Error; err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) catalogue() {
	e.t.Helper()
	items, _ := config.LoadSubsidyItems("")
	if err := e.db.SyncSubsidyItems(ctx(), model.SubsidyItemRows(items)); err != nil {
		e.t.Fatal(err)
	}
}

func date(y int, m time.Month, d int) model.Date { return model.Date{Year: y, Month: m, Day: d} }

func TestOverduePayments(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.catalogue()
		other := "410122100202"
		e.fx.Region(other, "邻村")
		today := date(2026, 5, 10) // grace 5 days: due before 5月5日 is overdue
		late, _ := e.fx.Household(village)
		onTime, _ := e.fx.Household(village)
		elsewhere, _ := e.fx.Household(other)
		e.payment(late, "dibao", "2026-04", model.PaymentScheduled, date(2026, 4, 20), nil)
		e.payment(late, "dibao", "2026-03", model.PaymentScheduled, date(2026, 3, 20), nil)
		e.payment(onTime, "dibao", "2026-04", model.PaymentScheduled, date(2026, 5, 8), nil) // overdue from 5月14日
		e.payment(onTime, "dibao", "2026-03", model.PaymentPaid, date(2026, 3, 20), nil)
		e.payment(elsewhere, "dibao", "2026-04", model.PaymentScheduled, date(2026, 4, 25), nil)

		responsible := e.fx.Cadre("410122100202") // serves the other village, paired with the late household
		e.fx.Pair(responsible, late, model.RoleResponsible)
		ur := e.fx.CadreUser(responsible)
		secretary := e.fx.Cadre(village)
		us := e.fx.CadreUser(secretary)
		unpairedElsewhere := e.fx.Cadre("410122100203")
		e.fx.CadreUser(unpairedElsewhere)
		town := e.fx.Admin("410122100")
		county := e.fx.Admin("410122")
		noWechat := e.fx.Admin("410122100")
		_ = noWechat
		for _, a := range []*model.AdminUser{&town, &county} {
			u := e.fx.GuestUser()
			db.Model(a).Update("wechat_user_id", u.ID)
			a.WechatUserID = &u.ID
		}

		n, err := e.r.OverduePayments(ctx(), today)
		if err != nil {
			t.Fatal(err)
		}
		got := e.queued("payment_overdue")
		want := []string{
			fmt.Sprintf("payment_overdue:%s:2026-04-20:c%d:u%d", village, responsible.ID, ur.ID), // paired with the late household
			fmt.Sprintf("payment_overdue:%s:2026-04-25:c%d:u%d", other, responsible.ID, ur.ID),   // serving in the other village

			fmt.Sprintf("payment_overdue:%s:2026-04-20:c%d:u%d", village, secretary.ID, us.ID),
			fmt.Sprintf("payment_overdue:410122100:2026-04-25:a%d:u%d", town.ID, *town.WechatUserID),
		}
		if n != len(want) || len(got) != len(want) {
			t.Fatalf("queued %d: %v; want %v", n, keys(got), want)
		}
		for _, k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("missing %s (have %v)", k, keys(got))
			}
		}
		v := got[want[2]]
		if v["village"] != "测试村" || v["count"] != "2" || v["amount"] != "1040.00元" || !strings.Contains(v["remark"], "4月20日") {
			t.Errorf("village notice %v", v)
		}
		if tn := got[want[3]]; tn["village"] != "测试镇2个村" || tn["count"] != "3" || tn["amount"] != "1560.00元" {
			t.Errorf("town notice %v", tn)
		}
		if n, _ := e.r.OverduePayments(ctx(), today); n != 0 {
			t.Fatalf("a rerun queued %d", n)
		}
		if n, _ := e.r.OverduePayments(ctx(), today.AddDays(1)); n != 0 {
			t.Fatalf("the next day with nothing newly overdue queued %d", n)
		}
		// 5月8日's payment is overdue from 5月14日 on: the village and the town hear again.
		if n, _ := e.r.OverduePayments(ctx(), date(2026, 5, 13)); n != 0 {
			t.Fatalf("queued %d before anything new was overdue", n)
		}
		if n, _ := e.r.OverduePayments(ctx(), date(2026, 5, 14)); n != 3 {
			t.Fatalf("a newly overdue payment queued %d notices, want 3 (two cadres of the village, the town)", n)
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPaymentChanges(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.catalogue()
		h, head := e.fx.Household(village)
		son := e.fx.Member(h, "儿子", "之子", e.fx.IDCard(1995))
		u1, u2 := e.fx.HouseholdUser(head), e.fx.HouseholdUser(son)
		today := model.DateOf(time.Now().In(shanghai))

		paid := e.payment(h, "dibao", "2026-04", model.PaymentPaid, today.AddDays(-3), func(p *model.Payment) {
			p.PaidDate, p.CardLast4 = today.AddDays(-1), "1234"
		})
		failed := e.payment(h, "disabled_living", "2026-04", model.PaymentFailed, today.AddDays(-3), func(p *model.Payment) {
			p.FailureReason = "账户已销户"
		})
		e.payment(h, "dibao", "2025-01", model.PaymentPaid, today.AddDays(-400), func(p *model.Payment) { p.PaidDate = today.AddDays(-395) })
		e.payment(h, "dibao", "2026-05", model.PaymentScheduled, today.AddDays(10), nil)

		now := time.Now()
		n, err := e.r.PaymentChanges(ctx(), now)
		if err != nil {
			t.Fatal(err)
		}
		got := e.queued("payment_paid")
		for k, v := range e.queued("payment_failed") {
			got[k] = v
		}
		if n != 4 || len(got) != 4 {
			t.Fatalf("queued %d: %v; want 2 payments × 2 users (not last year's, not the scheduled one)", n, keys(got))
		}
		p := got[fmt.Sprintf("payment:%d:paid:%s:u%d", paid.ID, today.AddDays(-1), u2.ID)]
		if p["status"] != "已到账" || p["remark"] != "已发放到尾号1234的一卡通" || p["amount"] != "520.00元" || p["item"] == "" {
			t.Errorf("paid notice %v", p)
		}
		var f map[string]string
		for k, v := range got {
			if strings.HasPrefix(k, fmt.Sprintf("payment:%d:failed:", failed.ID)) && strings.HasSuffix(k, fmt.Sprintf(":u%d", u1.ID)) {
				f = v
			}
		}
		if f["status"] != "发放失败" || f["reason"] != "账户已销户" || !strings.Contains(f["advice"], "注销") {
			t.Errorf("failed notice %v", f)
		}
		if n, _ := e.r.PaymentChanges(ctx(), now.Add(time.Minute)); n != 0 {
			t.Fatalf("a second scan queued %d", n)
		}
		// The bank returns the re-issued payment for another reason: news.
		db.Model(&failed).Updates(map[string]any{"status": model.PaymentReturned, "failure_reason": "户名不符", "updated_at": time.Now().UTC().Add(2 * time.Minute)})
		if n, _ := e.r.PaymentChanges(ctx(), now.Add(3*time.Minute)); n != 2 {
			t.Fatalf("a return after the failure queued %d, want 2", n)
		}
		// Touching a paid payment (an import correcting the period) tells nothing new.
		db.Model(&paid).Updates(map[string]any{"batch_no": "B2", "updated_at": time.Now().UTC().Add(4 * time.Minute)})
		if n, _ := e.r.PaymentChanges(ctx(), now.Add(5*time.Minute)); n != 0 {
			t.Fatalf("an unrelated change to a paid payment queued %d", n)
		}
	})
}

// TestPaymentChangesCommittedLate: a change whose updated_at is before the
// last scan's end but was committed after it is caught by the next scan's
// overlap.
func TestPaymentChangesCommittedLate(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.catalogue()
		h, head := e.fx.Household(village)
		e.fx.HouseholdUser(head)
		now := time.Now()
		if _, err := e.r.PaymentChanges(ctx(), now); err != nil {
			t.Fatal(err)
		}
		today := model.DateOf(now.In(shanghai))
		e.payment(h, "dibao", "2026-04", model.PaymentPaid, today, func(p *model.Payment) {
			p.PaidDate = today
			p.UpdatedAt = now.Add(-3 * time.Minute) // stamped before the scan, committed after it
		})
		if n, _ := e.r.PaymentChanges(ctx(), now.Add(5*time.Minute)); n != 1 {
			t.Fatalf("the late commit queued %d, want 1", n)
		}
	})
}
