package subsidy

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
)

func TestFormatYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{846000, "8,460.00"},
		{123456789, "1,234,567.89"},
		{100000, "1,000.00"},
		{99999, "999.99"},
		{-150, "-1.50"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := FormatYuan(tc.fen); got != tc.want {
				t.Fatalf("FormatYuan(%d) = %q, want %q", tc.fen, got, tc.want)
			}
		})
	}
}

func TestPeriodLabel(t *testing.T) {
	tests := map[string]string{
		"2026-10":    "2026年10月",
		"2026-01":    "2026年1月",
		"2026-Q3":    "2026年第3季度",
		"2026-H1":    "2026年上半年",
		"2026-H2":    "2026年下半年",
		"2026":       "2026年度",
		"2026-10-15": "2026年10月15日",
		"2026-13":    "2026-13",
		"2026-Q5":    "2026-Q5",
		"第一批":        "第一批",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := PeriodLabel(in); got != want {
				t.Fatalf("PeriodLabel(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestSummaryWording(t *testing.T) {
	today := model.Date{Year: 2026, Month: 11, Day: 23}
	tests := []struct {
		name string
		year int
		c    Counts
		paid int64
		want string
	}{
		{"the issue's example", 2026, Counts{Paid: 12, Overdue: 1}, 846000, "今年已到账 12 笔，共 8,460.00 元；1 笔逾期"},
		{"all paid", 2026, Counts{Paid: 3}, 150000, "今年已到账 3 笔，共 1,500.00 元"},
		{"every problem", 2026, Counts{Paid: 1, Overdue: 2, Failed: 1, Returned: 1, Scheduled: 1}, 50000,
			"今年已到账 1 笔，共 500.00 元；2 笔逾期；1 笔发放失败；1 笔被退回；1 笔待发放"},
		{"nothing paid yet", 2026, Counts{Scheduled: 2}, 0, "今年还没有到账的补贴；2 笔待发放"},
		{"no payments this year", 2026, Counts{}, 0, "今年没有一卡通补贴记录"},
		{"another year", 2025, Counts{Paid: 2, Failed: 1}, 123456, "2025年已到账 2 笔，共 1,234.56 元；1 笔发放失败"},
		{"another year, none", 2024, Counts{}, 0, "2024年没有一卡通补贴记录"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Summary(tc.year, today, tc.c, tc.paid); got != tc.want {
				t.Fatalf("Summary = %q, want %q", got, tc.want)
			}
		})
	}
}
