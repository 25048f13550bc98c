package importer

import (
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Excel serial dates: day 1 is 1900-01-01, and Excel keeps Lotus 1-2-3's
// 29 February 1900, which never was, as day 60. Days from 61 on are thus
// counted from 1899-12-30.
const (
	excelLeapBugDay = 60
	excelMaxSerial  = 2958465 // 9999-12-31
)

// ParseDate reads a calendar date as Chinese offices and spreadsheets write
// it: 2024-09-30, 2024/9/30, 2024.9.30, 2024年9月30日, 20240930, an Excel
// serial number (45565) or a date-time whose time is dropped. Day-first or
// month-first forms (30/9/2024, 9/30/2024) and two-digit years are refused:
// they are ambiguous.
func ParseDate(s string) (model.Date, error) {
	s = narrow(cleanCell(s))
	if s == "" {
		return model.Date{}, invalid("日期为空")
	}
	// Drop a time part: "2024-09-30 00:00:00", "2024-09-30T08:00:00Z", "2024/9/30 0:00".
	if i := strings.IndexAny(s, " T"); i > 0 && strings.Contains(s[i:], ":") {
		s = strings.TrimSpace(s[:i])
	}
	if allDigits(s) || isSerial(s) {
		switch {
		case len(s) == 8 && allDigits(s):
			return ymd(s[:4], s[4:6], s[6:])
		case len(strings.SplitN(s, ".", 2)[0]) <= 7:
			return excelSerialDate(s)
		}
		return model.Date{}, invalid("无法识别的日期（应如 2024-09-30）")
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "日"), "号")
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '-' || r == '/' || r == '.' || r == '年' || r == '月'
	})
	if len(parts) != 3 || len(parts[0]) != 4 {
		return model.Date{}, invalid("无法识别的日期（应如 2024-09-30、2024/9/30 或 2024年9月30日）")
	}
	return ymd(parts[0], parts[1], parts[2])
}

// isSerial reports whether s looks like an Excel serial with a time
// fraction (45565.5).
func isSerial(s string) bool {
	whole, frac, ok := strings.Cut(s, ".")
	return ok && whole != "" && len(whole) <= 7 && allDigits(whole) && allDigits(frac)
}

func ymd(ys, ms, ds string) (model.Date, error) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || len(ms) > 2 || len(ds) > 2 {
		return model.Date{}, invalid("无法识别的日期（应如 2024-09-30）")
	}
	if y < 1900 || y > 2100 {
		return model.Date{}, invalid("日期的年份不合理")
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return model.Date{}, invalid("日期不存在")
	}
	return model.DateOf(t), nil
}

// excelSerialDate turns an Excel day number into a date; the time of day in
// a fraction is ignored.
func excelSerialDate(s string) (model.Date, error) {
	whole, _, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n < 1 || n > excelMaxSerial {
		return model.Date{}, invalid("无法识别的日期（应如 2024-09-30）")
	}
	if n == excelLeapBugDay {
		return model.Date{}, invalid("日期不存在（1900年2月29日）")
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if n < excelLeapBugDay {
		base = base.AddDate(0, 0, 1)
	}
	return model.DateOf(base.AddDate(0, 0, n)), nil
}

// ExcelSerial is the Excel day number of d, for writing dates the way
// spreadsheets store them (tests and templates).
func ExcelSerial(d model.Date) int {
	n := model.Date{Year: 1899, Month: 12, Day: 30}.DaysUntil(d)
	if n <= excelLeapBugDay {
		n--
	}
	return n
}
