package model_test

import (
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestPaidLateDays: the generated column of 0017 counts the days from due to
// paid alike on both databases, across month and year ends, and is NULL
// while a payment is unpaid or when it was paid on or before its due date. Payments are written without it (gorm does
// not know the column).
func TestPaidLateDays(t *testing.T) {
	d := func(s string) model.Date {
		v, err := model.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Catalogue()
		fx.Region("419901100000", "青石镇")
		hh, _ := fx.Household(fx.Region("419901100201", "测试村").Code)
		cases := []struct {
			due, paid string
			want      *int
		}{
			{"2026-10-01", "2026-10-06", ptr(5)},
			{"2026-10-01", "2026-10-07", ptr(6)},
			{"2026-10-10", "2026-10-09", nil},
			{"2026-10-10", "2026-10-10", nil},
			{"2026-02-27", "2026-03-01", ptr(2)},
			{"2025-12-30", "2026-01-02", ptr(3)},
			{"2026-10-01", "", nil},
		}
		for _, c := range cases {
			var opts []modeltest.PaymentOption
			if c.paid != "" {
				opts = append(opts, modeltest.PaidOn(d(c.paid)))
			}
			p := fx.Payment(hh, "dibao", 100, d(c.due), opts...)
			var got *int
			if err := db.Raw("SELECT paid_late_days FROM payments WHERE id = ?", p.ID).Row().Scan(&got); err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
				t.Errorf("due %s paid %q: paid_late_days %v, want %v", c.due, c.paid, deref(got), deref(c.want))
			}
		}
	})
}

func ptr(n int) *int { return &n }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestMySQLOnlyStatement: 0017's index is MariaDB's only; SQLite gets the
// column alone.
func TestMySQLOnlyStatement(t *testing.T) {
	all, err := model.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version != 17 {
			continue
		}
		lite, maria := m.Statements(model.SQLite), m.Statements(model.MySQL)
		if len(lite) != 1 || len(maria) != 2 || !strings.HasPrefix(maria[1], "CREATE INDEX idx_payments_paid_late") {
			t.Fatalf("sqlite %q\nmariadb %q", lite, maria)
		}
		return
	}
	t.Fatal("no migration 0017")
}
