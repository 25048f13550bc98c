package handlers

import (
	"slices"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// TestAdminPaymentsLate: late=true lists the payments paid after their due
// date plus the grace days (5 here), each with its days late; paid on the
// last day of grace is on time, one day later is late. paid_late_days is
// the generated column of 0017 on both databases.
func TestAdminPaymentsLate(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		onLastDay := h.fx.Payment(w.hh, "tekun", 20000, date(2026, 10, 1), modeltest.PaidOn(date(2026, 10, 6)))
		dayAfter := h.fx.Payment(w.hh, "county_employment", 30000, date(2026, 10, 1), modeltest.PaidOn(date(2026, 10, 7)))
		county := h.signInAdmin(h.fx.Admin("419901"))

		res := h.do("GET", "/admin/api/payments?late=true", nil, county)
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		page := decode[subsidy.PaymentPage](t, res)
		if len(page.Items) != 1 || page.Items[0].ID != dayAfter.ID || page.Total.Count != 1 {
			t.Fatalf("late: %+v (total %+v)", page.Items, page.Total)
		}
		if it := page.Items[0]; it.DaysLate != 6 || it.Status != "paid" {
			t.Errorf("late row: %+v", it)
		}
		if p := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments?late=true&status=paid&item=tekun", nil, county)); len(p.Items) != 0 {
			t.Errorf("paid on the last day of grace is not late: %+v", p.Items)
		}
		// Every row says how late it is: overdue and paid late, not on time.
		days := map[int64]int{}
		for _, it := range decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments?limit=200", nil, county)).Items {
			days[it.ID] = it.DaysLate
		}
		if days[onLastDay.ID] != 0 || days[dayAfter.ID] != 6 || days[w.overdue.ID] != 13 || days[w.paid.ID] != 0 {
			t.Errorf("days late %v", days)
		}
		var ids []int64
		for _, it := range decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments?late=false&item=tekun", nil, county)).Items {
			ids = append(ids, it.ID)
		}
		if !slices.Equal(ids, []int64{onLastDay.ID}) {
			t.Errorf("late=false filters nothing: %v", ids)
		}
		wantError(t, h.do("GET", "/admin/api/payments?late=true&status=overdue", nil, county), 400, "invalid_status")
		wantError(t, h.do("GET", "/admin/api/payments?late=yes", nil, county), 400, "invalid_late")
		wantError(t, h.do("GET", "/admin/api/payments?late=true&status=failed", nil, county), 400, "invalid_status")
		if p := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments?late=true&status=paid", nil, county)); len(p.Items) != 1 || p.Items[0].ID != dayAfter.ID {
			t.Errorf("late=true&status=paid: %+v", p.Items)
		}
		// Counts and sums follow the filter too.
		if p := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments?late=true", nil, county)); p.ByStatus["paid"].Count != 1 || p.Total.AmountFen != 30000 {
			t.Errorf("late tallies %+v %+v", p.Total, p.ByStatus)
		}
	})
}
