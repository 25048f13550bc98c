package subsidy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// StatusLabels are the plain words a household reads for each status.
var StatusLabels = map[string]string{
	model.PaymentScheduled: "待发放",
	model.PaymentPaid:      "已到账",
	model.PaymentFailed:    "发放失败",
	model.PaymentReturned:  "已退回",
	model.PaymentOverdue:   "逾期未发",
}

// ScheduleLabels name the schedules of the catalogue.
var ScheduleLabels = map[string]string{
	model.ScheduleMonthly:   "按月发放",
	model.ScheduleQuarterly: "按季度发放",
	model.ScheduleYearly:    "按年发放",
	model.ScheduleOnce:      "一次性发放",
}

// FormatYuan writes fen as yuan with thousands separators and two decimals:
// 846000 → "8,460.00".
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), fen%100)
}

// PeriodLabel says a payment's period in words: 2026-10 → 2026年10月,
// 2026-Q3 → 2026年第3季度, 2026-H1 → 2026年上半年, 2026 → 2026年度,
// 2026-10-15 → 2026年10月15日. Anything else is shown as it is.
func PeriodLabel(p string) string {
	parts := strings.Split(p, "-")
	if len(parts[0]) != 4 || !digits(parts[0]) {
		return p
	}
	y := parts[0]
	switch {
	case len(parts) == 1:
		return y + "年度"
	case len(parts) == 2 && len(parts[1]) == 2 && parts[1][0] == 'Q' && parts[1][1] >= '1' && parts[1][1] <= '4':
		return y + "年第" + parts[1][1:] + "季度"
	case len(parts) == 2 && parts[1] == "H1":
		return y + "年上半年"
	case len(parts) == 2 && parts[1] == "H2":
		return y + "年下半年"
	case len(parts) == 2 && digits(parts[1]):
		if m, _ := strconv.Atoi(parts[1]); m >= 1 && m <= 12 {
			return fmt.Sprintf("%s年%d月", y, m)
		}
	case len(parts) == 3 && digits(parts[1]) && digits(parts[2]):
		m, _ := strconv.Atoi(parts[1])
		d, _ := strconv.Atoi(parts[2])
		if m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			return fmt.Sprintf("%s年%d月%d日", y, m, d)
		}
	}
	return p
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Summary is the one line a person reads first: what arrived this year and
// what is wrong, e.g. "今年已到账 12 笔，共 8,460.00 元；1 笔逾期".
func Summary(year int, today model.Date, c Counts, paidFen int64) string {
	when := fmt.Sprintf("%d年", year)
	if year == today.Year {
		when = "今年"
	}
	total := c.Paid + c.Scheduled + c.Overdue + c.Failed + c.Returned
	if total == 0 {
		return when + "没有一卡通补贴记录"
	}
	var b strings.Builder
	if c.Paid > 0 {
		fmt.Fprintf(&b, "%s已到账 %d 笔，共 %s 元", when, c.Paid, FormatYuan(paidFen))
	} else {
		b.WriteString(when + "还没有到账的补贴")
	}
	for _, part := range []struct {
		n    int
		what string
	}{
		{c.Overdue, "逾期"},
		{c.Failed, "发放失败"},
		{c.Returned, "被退回"},
		{c.Scheduled, "待发放"},
	} {
		if part.n > 0 {
			fmt.Fprintf(&b, "；%d 笔%s", part.n, part.what)
		}
	}
	return b.String()
}
