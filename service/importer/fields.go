package importer

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// rowContext is one row being parsed: cells by column key, and the
// rejections found so far. Each getter records its own rejection and
// returns the zero value, so kind parsers read as a list of fields.
type rowContext struct {
	h        *Header
	opts     *Options
	row      Row
	rej      []Rejection
	date1904 bool
	memo     map[*enum]map[string]enumMemo
	err      error // a failed lookup: the run stops
}

type enumMemo struct {
	code string
	err  error
}

// maxEnumMemo bounds the per-enum memo; enum columns repeat a handful of
// values, so this is only reached by a column of junk.
const maxEnumMemo = 1024

// raw is the trimmed cell of a column, "" when the file lacks the column.
func (c *rowContext) raw(key string) string {
	col, ok := c.h.cols[key]
	if !ok || col.index >= len(c.row.Cells) {
		return ""
	}
	return cleanCell(c.row.Cells[col.index])
}

// has reports whether the file has the column.
func (c *rowContext) has(key string) bool { return c.h.Has(key) }

// reject records a problem with a column's value.
func (c *rowContext) reject(key, value, reason string) {
	if col := c.h.Spec.column(key); col != nil && col.Sensitive {
		value = maskValue(value)
	}
	c.rej = append(c.rej, Rejection{Row: c.row.Num, Column: c.h.Name(key), Value: value, Reason: reason})
}

// fail stops the run on a lookup error.
func (c *rowContext) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// maskValue hides the middle of an ID, card or phone number in a report:
// the row number and the ends are enough to find the cell.
func maskValue(v string) string {
	if utf8.RuneCountInString(v) >= 15 {
		return pii.MaskIDCard(v)
	}
	return pii.MaskPhone(v)
}

// value returns the cell, or "" after rejecting it when required and blank
// or when it is not valid text.
func (c *rowContext) value(key string, required bool) string {
	v := c.raw(key)
	switch {
	case v == "" && required:
		c.reject(key, "", "必填，不能为空")
	case !utf8.ValidString(v):
		c.reject(key, strings.ToValidUTF8(v, "?"), "含有无法识别的文字，文件编码可能不对（应为 UTF-8 或 GBK）")
		return ""
	}
	return v
}

// text reads free text of at most maxLen characters.
func (c *rowContext) text(key string, required bool, maxLen int) string {
	v := c.value(key, required)
	if utf8.RuneCountInString(v) > maxLen {
		c.reject(key, v, "内容过长（最多"+strconv.Itoa(maxLen)+"个字）")
		return ""
	}
	return v
}

// code reads an identifier such as 户编号 or 岗位编号: text, but one a
// spreadsheet may have turned into a number (…E+17, …​.0).
func (c *rowContext) code(key string, required bool, maxLen int) string {
	v := c.value(key, required)
	if v == "" {
		return ""
	}
	if strings.Contains(v, ".") { // only a number looks like 4.10122E+17 or 1234.0
		if d, err := digitsOnly(v); err == errDigitsLost {
			c.reject(key, v, err.Error())
			return ""
		} else if err == nil {
			v = d
		}
	}
	if len(v) > maxLen || strings.ContainsAny(v, " \t\r\n") {
		c.reject(key, v, "编号过长或含有空格（最多"+strconv.Itoa(maxLen)+"个字符）")
		return ""
	}
	return v
}

// parsed runs a value parser on a column, recording its reason on failure.
func parsed[V any](c *rowContext, key string, required bool, parse func(string) (V, error)) (V, bool) {
	var zero V
	v := c.value(key, required)
	if v == "" {
		return zero, false
	}
	out, err := parse(v)
	if err != nil {
		c.reject(key, v, err.Error())
		return zero, false
	}
	return out, true
}

func (c *rowContext) idCard(key string, required bool) string {
	v, _ := parsed(c, key, required, ParseIDCard)
	return v
}

func (c *rowContext) phone(key string, required bool) string {
	v, _ := parsed(c, key, required, ParsePhone)
	return v
}

func (c *rowContext) regionCode(key string, required bool) string {
	v, _ := parsed(c, key, required, ParseRegionCode)
	return v
}

// fen reads money, scaled by the unit the header names.
func (c *rowContext) fen(key string, required bool) (int64, bool) {
	shift := c.h.cols[key].shift
	return parsed(c, key, required, func(s string) (int64, error) { return parseFenShift(s, shift) })
}

// date reads a date between 1950 and 2100: earlier dates in these files
// are a number typed into a date column (2024 read as a serial is 1905).
func (c *rowContext) date(key string, required bool) model.Date {
	d, ok := parsed(c, key, required, ParseDate)
	if !ok {
		return model.Date{}
	}
	if c.date1904 && isSerialText(c.raw(key)) {
		d = d.AddDays(1462) // the 1904 date system counts from 1904-01-01
	}
	if d.Year < 1950 || d.Year > 2100 {
		c.reject(key, c.raw(key), "日期的年份不合理（应在1950年到2100年之间）")
		return model.Date{}
	}
	return d
}

// period reads a 发放期间; a serial number (a "2024-09" a spreadsheet made
// into a date) follows the workbook's date system like any date.
func (c *rowContext) period(key string) (Period, bool) {
	if c.date1904 && isSerialText(c.raw(key)) {
		d := c.date(key, false)
		return periodOfDate(d), !d.IsZero()
	}
	return parsed(c, key, false, ParsePeriod)
}

// isSerialText reports whether a date cell was an Excel serial number.
func isSerialText(s string) bool {
	s = narrow(s)
	whole, _, _ := strings.Cut(s, ".")
	return whole != "" && len(whole) <= 7 && allDigits(whole) && (allDigits(s) || isSerial(s))
}

// integer reads a whole number within [lo, hi]; nil when blank.
func (c *rowContext) integer(key string, required bool, lo, hi int) *int {
	n, ok := parsed(c, key, required, ParseInt)
	if !ok {
		return nil
	}
	if n < lo || n > hi {
		c.reject(key, c.raw(key), "数值应在"+strconv.Itoa(lo)+"到"+strconv.Itoa(hi)+"之间")
		return nil
	}
	return &n
}

// boolean reads 是/否; nil when blank.
func (c *rowContext) boolean(key string) *bool {
	b, ok := parsed(c, key, false, ParseBool)
	if !ok {
		return nil
	}
	return &b
}

// enumValue reads a value of a closed list, remembering answers: these
// columns repeat a handful of values over a million rows.
func (c *rowContext) enumValue(key string, e *enum, required bool) string {
	v := c.value(key, required)
	if v == "" {
		return ""
	}
	memo := c.memo[e]
	if memo == nil {
		memo = map[string]enumMemo{}
		c.memo[e] = memo
	}
	m, ok := memo[v]
	if !ok {
		m.code, m.err = e.parse(v)
		if len(memo) < maxEnumMemo {
			memo[v] = m
		}
	}
	if m.err != nil {
		c.reject(key, v, m.err.Error())
	}
	return m.code
}

// coordinates reads 纬度 and 经度, or both from one 经纬度 cell, and checks
// they fall in China: a swapped pair shows up at once.
func (c *rowContext) coordinates() (lat, lng *float64) {
	latV, okLat := parsed(c, "latitude", false, parseFloat)
	lngV, okLng := parsed(c, "longitude", false, parseFloat)
	if v := c.value("coordinates", false); v != "" && !okLat && !okLng {
		parts := strings.FieldsFunc(narrow(v), func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '，' })
		if len(parts) != 2 {
			c.reject("coordinates", v, "经纬度应写成“经度,纬度”")
			return nil, nil
		}
		a, err1 := parseFloat(parts[0])
		b, err2 := parseFloat(parts[1])
		if err1 != nil || err2 != nil {
			c.reject("coordinates", v, "经纬度应写成“经度,纬度”")
			return nil, nil
		}
		if a < b { // longitudes in China exceed latitudes, so the order can be told
			a, b = b, a
		}
		lngV, latV, okLat, okLng = a, b, true, true
	}
	switch {
	case okLat != okLng:
		key := "longitude"
		if !okLat {
			key = "latitude"
		}
		c.reject(key, "", "经度和纬度应同时填写")
		return nil, nil
	case !okLat:
		return nil, nil
	case latV < 3 || latV > 54 || lngV < 73 || lngV > 136:
		c.reject("latitude", c.raw("latitude")+c.raw("coordinates"), "经纬度不在中国境内，请检查是否填反或漏了小数点")
		return nil, nil
	}
	return &latV, &lngV
}

// lookupRegion rejects a region code that is not loaded.
func (c *rowContext) lookupRegion(key, code string) bool {
	if c.opts.Lookups == nil || code == "" {
		return true
	}
	ok, err := c.opts.Lookups.RegionExists(code)
	if err != nil {
		c.fail(err)
		return false
	}
	if !ok {
		c.reject(key, c.raw(key), "区划代码不在已导入的行政区划中（请先导入区划，或核对代码）")
	}
	return ok
}

// lookupHousehold rejects a 户编号 no household has.
func (c *rowContext) lookupHousehold(key, no string) bool {
	if c.opts.Lookups == nil || no == "" {
		return true
	}
	ok, err := c.opts.Lookups.HouseholdExists(no)
	if err != nil {
		c.fail(err)
		return false
	}
	if !ok {
		c.reject(key, no, "没有这个户编号的户（请先导入户信息，或核对户编号）")
	}
	return ok
}
