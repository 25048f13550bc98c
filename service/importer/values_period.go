package importer

import (
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Period is what a payment pays for: a year, a quarter, a month or, for
// one-off items, a day. Fields finer than the precision are zero.
type Period struct {
	Year, Quarter, Month, Day int
}

// String is the form payments.period stores: 2024, 2024-Q3, 2024-09 or
// 2024-09-15.
func (p Period) String() string {
	// Built by hand: fmt costs more than the rest of a payment row's period.
	b := make([]byte, 0, 10)
	b = appendPadded(b, p.Year, 4)
	switch {
	case p.Day > 0:
		b = appendPadded(append(appendPadded(append(b, '-'), p.Month, 2), '-'), p.Day, 2)
	case p.Month > 0:
		b = appendPadded(append(b, '-'), p.Month, 2)
	case p.Quarter > 0:
		b = append(b, '-', 'Q', byte('0'+p.Quarter))
	}
	return string(b)
}

// appendPadded appends n with leading zeros to width digits.
func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// End is the last day of the period.
func (p Period) End() model.Date {
	switch {
	case p.Day > 0:
		return model.Date{Year: p.Year, Month: time.Month(p.Month), Day: p.Day}
	case p.Month > 0:
		return model.DateOf(time.Date(p.Year, time.Month(p.Month)+1, 0, 0, 0, 0, 0, time.UTC))
	case p.Quarter > 0:
		return model.DateOf(time.Date(p.Year, time.Month(p.Quarter*3)+1, 0, 0, 0, 0, 0, time.UTC))
	}
	return model.Date{Year: p.Year, Month: time.December, Day: 31}
}

// periodOfDate is the day period of d.
func periodOfDate(d model.Date) Period {
	return Period{Year: d.Year, Month: int(d.Month), Quarter: (int(d.Month)-1)/3 + 1, Day: d.Day}
}

// quarterNumber reads a quarter written as 1-4 or 一 to 四.
func quarterNumber(s string) (int, bool) {
	switch s {
	case "1", "一":
		return 1, true
	case "2", "二":
		return 2, true
	case "3", "三":
		return 3, true
	case "4", "四":
		return 4, true
	}
	return 0, false
}

// ParsePeriod reads 2024-09, 2024/9, 2024年9月, 202409, 2024年第三季度,
// 2024Q3, 2024-Q3, 2024年, 2024年度, 2024 or a full date (which a
// spreadsheet may have made of "2024-09").
func ParsePeriod(s string) (Period, error) {
	s = strings.ToUpper(strings.ReplaceAll(narrow(cleanCell(s)), " ", ""))
	bad := invalid("无法识别的发放期间（应如 2024-09、2024年第三季度 或 2024）")
	if s == "" {
		return Period{}, invalid("发放期间为空")
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "份"), "度")
	if len(s) < 4 || !allDigits(s[:4]) {
		if allDigits(s) || isSerial(s) { // an Excel serial date such as 45536
			return periodFromDate(s)
		}
		return Period{}, bad
	}
	year, _ := strconv.Atoi(s[:4])
	if year < 1990 || year > 2100 {
		if allDigits(s) && len(s) == 5 {
			return periodFromDate(s)
		}
		return Period{}, invalid("发放期间的年份不合理")
	}
	rest := strings.TrimLeft(s[4:], "年-/._")
	switch {
	case rest == "":
		if len(s) > 4 && !strings.HasSuffix(s, "年") {
			return Period{}, bad
		}
		return Period{Year: year}, nil
	case strings.Contains(rest, "Q") || strings.Contains(rest, "季"):
		q := strings.NewReplacer("Q", "", "第", "", "季度", "", "季", "").Replace(rest)
		n, ok := quarterNumber(q)
		if !ok {
			return Period{}, invalid("季度应为 1 到 4（如 2024年第三季度 或 2024Q3）")
		}
		return Period{Year: year, Quarter: n}, nil
	}
	var fields []string
	if allDigits(s) {
		switch len(s) {
		case 6:
			fields = []string{s[4:]}
		case 8:
			return periodFromDate(s)
		}
	} else {
		fields = strings.FieldsFunc(rest, func(r rune) bool {
			return r == '-' || r == '/' || r == '.' || r == '月' || r == '日' || r == '号'
		})
	}
	switch len(fields) {
	case 1:
		if !allDigits(fields[0]) {
			return Period{}, bad
		}
		m, err := strconv.Atoi(fields[0])
		if err != nil || m < 1 || m > 12 || len(fields[0]) > 2 {
			return Period{}, invalid("月份应为 1 到 12（如 2024-09 或 2024年9月）")
		}
		return Period{Year: year, Quarter: (m-1)/3 + 1, Month: m}, nil
	case 2:
		return periodFromDate(s)
	}
	return Period{}, bad
}

func periodFromDate(s string) (Period, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Period{}, invalid("无法识别的发放期间（应如 2024-09、2024年第三季度 或 2024）")
	}
	return periodOfDate(d), nil
}

// Fit brings a period to the precision of an item's schedule: a monthly
// item is paid for a month, so a date becomes its month; a yearly item for
// a year. A period coarser than the schedule cannot be made finer and is
// refused.
func (p Period) Fit(schedule string) (Period, error) {
	switch schedule {
	case model.ScheduleMonthly:
		if p.Month == 0 {
			return p, invalid("该补贴项目按月发放，发放期间应写到月（如 2024-09）")
		}
		return Period{Year: p.Year, Quarter: p.Quarter, Month: p.Month}, nil
	case model.ScheduleQuarterly:
		if p.Quarter == 0 {
			return p, invalid("该补贴项目按季发放，发放期间应写到季度（如 2024年第三季度）")
		}
		return Period{Year: p.Year, Quarter: p.Quarter}, nil
	case model.ScheduleYearly:
		return Period{Year: p.Year}, nil
	}
	return p, nil
}
