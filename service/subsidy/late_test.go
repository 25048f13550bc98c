package subsidy_test

import (
	"slices"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// TestOverdueHoldsUnresolvedFailures: today is 2026-11-23, grace 5 days, so
// a payment due before 11-18 is past due + grace.
func TestOverdueHoldsUnresolvedFailures(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Catalogue()
		village := fx.Region("419901100201", "测试村").Code
		h, _ := fx.Household(village)
		failed := modeltest.FailedWith(model.PaymentFailed, "账户已冻结")
		period := func(p string) modeltest.PaymentOption { return func(x *model.Payment) { x.Period = p } }

		onLastDay := fx.Payment(h, "dibao", 100, d(2026, 11, 18), failed) // due + grace = today: not yet
		dayMore := fx.Payment(h, "tekun", 100, d(2026, 11, 17), failed)   // one day more: unresolved
		reissued := fx.Payment(h, "disabled_care", 100, d(2026, 10, 10), failed)
		fx.Payment(h, "disabled_care", 100, d(2026, 10, 10), modeltest.PaidOn(d(2026, 10, 30))) // the re-issue, same period
		returned := fx.Payment(h, "public_welfare_job", 100, d(2026, 9, 10),
			modeltest.FailedWith(model.PaymentReturned, "资金退回"))
		// 雨露计划: the first semester paid in March does not settle the second, failed in September.
		fx.Payment(h, "education_yulu", 100, d(2026, 3, 10), period("2026"), modeltest.PaidOn(d(2026, 3, 9)))
		secondSemester := fx.Payment(h, "education_yulu", 100, d(2026, 9, 10), period("2026"), failed)
		overdue := fx.Payment(h, "dibao", 100, d(2026, 10, 1))

		s := newService(t, db, kv.NewMemory(), 5, 0)
		page, err := s.Overdue(t.Context(), model.RegionScope("4199"), audit.System, subsidy.PaymentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, it := range page.Items {
			got = append(got, it.ID)
			if it.Unresolved != (it.Status != model.PaymentOverdue) {
				t.Errorf("%d: status %s unresolved %v", it.ID, it.Status, it.Unresolved)
			}
		}
		want := []int64{returned.ID, secondSemester.ID, overdue.ID, dayMore.ID}
		if !slices.Equal(got, want) || page.Total.Count != 4 {
			t.Fatalf("got %v (total %d), want %v; not %d (last day of grace) nor %d (re-issued)",
				got, page.Total.Count, want, onLastDay.ID, reissued.ID)
		}
		if page.Items[3].DaysLate != 6 {
			t.Errorf("days late %d", page.Items[3].DaysLate)
		}
	})
}

// TestLateFilterBoundary: paid on the last day of grace is on time, a day
// more is 迟发.
func TestLateFilterBoundary(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Catalogue()
		h, _ := fx.Household(fx.Region("419901100201", "测试村").Code)
		fx.Payment(h, "dibao", 100, d(2026, 6, 1), modeltest.PaidOn(d(2026, 6, 6)))
		late := fx.Payment(h, "tekun", 100, d(2026, 6, 1), modeltest.PaidOn(d(2026, 6, 7)))
		fx.Payment(h, "disabled_care", 100, d(2026, 6, 1)) // overdue, not paid: not 迟发
		s := newService(t, db, kv.NewMemory(), 5, 0)
		page, err := s.ListPayments(t.Context(), model.RegionScope("4199"), audit.System, subsidy.PaymentFilter{Late: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].ID != late.ID || page.Items[0].DaysLate != 6 {
			t.Fatalf("late: %+v", page.Items)
		}
	})
}
