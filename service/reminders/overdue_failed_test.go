package reminders_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestOverduePaymentsCountFailedNotReissued: a failed or returned payment
// past its due date plus the grace days that no later paid payment settles
// is money that never arrived; the notice counts it once and says so.
func TestOverduePaymentsCountFailedNotReissued(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.catalogue()
		today := date(2026, 5, 10) // grace 5 days: due before 5月5日 is overdue
		h, _ := e.fx.Household(village)
		failed := func(item, period string, due model.Date) {
			e.payment(h, item, period, model.PaymentFailed, due, func(p *model.Payment) { p.FailureReason = "账户已冻结" })
		}
		failed("dibao", "2026-04", date(2026, 5, 4))                                            // one day past due + grace: counted
		failed("tekun", "2026-04", date(2026, 5, 5))                                            // exactly due + grace: not yet
		e.payment(h, "disabled_care", "2026-03", model.PaymentReturned, date(2026, 3, 20), nil) // returned: counted
		failed("disabled_living", "2026-03", date(2026, 3, 20))                                 // re-issued and paid below: settled
		e.payment(h, "disabled_living", "2026-03", model.PaymentPaid, date(2026, 3, 20), func(p *model.Payment) {
			p.BatchNo, p.PaidDate = "补发1", date(2026, 4, 2)
		})
		e.payment(h, "public_welfare_job", "2026-04", model.PaymentScheduled, date(2026, 4, 1), nil) // overdue

		secretary := e.fx.Cadre(village)
		us := e.fx.CadreUser(secretary)
		if _, err := e.r.OverduePayments(ctx(), today); err != nil {
			t.Fatal(err)
		}
		got := e.queued("payment_overdue")
		v, ok := got[fmt.Sprintf("payment_overdue:%s:2026-05-04:c%d:u%d", village, secretary.ID, us.ID)]
		if !ok {
			t.Fatalf("no notice for the village: %v", keys(got))
		}
		if v["count"] != "3" || v["failed"] != "2" || v["amount"] != "1560.00元" ||
			!strings.Contains(v["title"], "发放失败未补发") || !strings.HasPrefix(v["remark"], "含2笔发放失败未补发") {
			t.Errorf("notice %v", v)
		}
	})
}
