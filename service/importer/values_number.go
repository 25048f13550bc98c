package importer

import (
	"strconv"
	"strings"
)

// decimalText is a number read exactly from its digits, so that money never
// passes through a float: whole and frac hold digits only.
type decimalText struct {
	neg         bool
	whole, frac string
	significant int // significant digits written, to tell a float artefact from a typo
	padded      int // zeros the exponent added that were never written
}

// parseDecimal reads [-+]digits[.digits][e[+-]digits] exactly, as people and
// Excel (4.10122100201E+11) write numbers. Commas and units are the caller's.
func parseDecimal(s string) (decimalText, bool) {
	var d decimalText
	if s == "" {
		return d, false
	}
	switch s[0] {
	case '-':
		d.neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 30 || e < -30 {
			return d, false
		}
		mant, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return d, false
	}
	digits := strings.TrimLeft(whole+frac, "0")
	d.significant = len(strings.TrimRight(digits, "0"))
	// Move the decimal point by the exponent.
	point := len(whole) + exp
	all := whole + frac
	switch {
	case point <= 0:
		d.whole, d.frac = "", strings.Repeat("0", -point)+all
	case point >= len(all):
		d.padded = point - len(all)
		d.whole, d.frac = all+strings.Repeat("0", d.padded), ""
	default:
		d.whole, d.frac = all[:point], all[point:]
	}
	d.whole = strings.TrimLeft(d.whole, "0")
	if d.whole == "" {
		d.whole = "0"
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isZeroDigits reports whether s is empty or only zeros.
func isZeroDigits(s string) bool { return strings.Trim(s, "0") == "" }

// floatArtefact reports whether extra decimals come from binary floating
// point (1234.5000000000002, 0.30000000000000004, as spreadsheets store
// computed cells) rather than from a person: only a machine writes 15 or
// more significant digits.
func (d decimalText) floatArtefact() bool { return d.significant >= 15 }

// ParseInt reads a whole number that is not negative: "3", "3.0" (as Excel
// stores it), "５", "3人".
func ParseInt(s string) (int, error) {
	s = strings.ReplaceAll(narrow(cleanCell(s)), " ", "")
	for _, unit := range []string{"人", "个", "名", "户", "口", "岁", "周岁", "次"} {
		s = strings.TrimSuffix(s, unit)
	}
	d, ok := parseDecimal(s)
	if !ok {
		return 0, invalid("应为整数")
	}
	if !isZeroDigits(d.frac) && !d.floatArtefact() {
		return 0, invalid("应为整数，不能有小数")
	}
	if d.neg && d.whole != "0" {
		return 0, invalid("不能为负数")
	}
	if len(d.whole) > 9 {
		return 0, invalid("数值过大")
	}
	n, _ := strconv.Atoi(d.whole)
	if !isZeroDigits(d.frac) && d.frac[0] >= '5' { // an artefact like 2.9999999999999996
		n++
	}
	return n, nil
}

// parseFloat reads a coordinate or similar measurement where binary floats
// are what is stored anyway; a trailing degree sign is allowed.
func parseFloat(s string) (float64, error) {
	s = strings.TrimSuffix(strings.ReplaceAll(narrow(cleanCell(s)), " ", ""), "°")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, invalid("应为数字")
	}
	return v, nil
}

// errDigitsLost is the reason for a long number a spreadsheet showed in
// scientific notation with fewer digits than it has (4.10122E+11): the
// missing digits are gone, and guessing them would invent a code.
const errDigitsLost = invalid("被Excel显示成了科学计数法，后几位已丢失；请把该列设为文本格式后重新填写")

// digitsOnly reads a code written as digits, also when a spreadsheet turned
// it into a number (4.10122100201E+11 with every digit, 410122100201.0) or
// text-forced it with a leading apostrophe. Leading zeros a number lost
// cannot come back; the caller checks the length.
func digitsOnly(s string) (string, error) {
	s = strings.ReplaceAll(narrow(cleanCell(s)), " ", "")
	s = strings.TrimPrefix(s, "'")
	if allDigits(s) && s != "" {
		return s, nil
	}
	d, ok := parseDecimal(s)
	if !ok || d.neg || !isZeroDigits(d.frac) {
		return "", invalid("应为数字")
	}
	if d.padded > 0 {
		return "", errDigitsLost
	}
	return d.whole, nil
}
