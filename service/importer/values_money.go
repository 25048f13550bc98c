package importer

import (
	"strconv"
	"strings"
)

// maxYuanDigits bounds the whole-yuan part of an amount: a trillion yuan is
// no payment or wage, and the bound keeps fen far from int64 overflow.
const maxYuanDigits = 12

// ParseFen reads an amount of money in yuan and returns it in fen, exactly:
// "1,234.50", "1234.5元", "￥1,234.5", "1234", "１２３４．５". Negative amounts,
// more than two decimals and misplaced thousands separators are refused.
func ParseFen(s string) (int64, error) { return parseFenShift(s, 0) }

// parseFenShift reads an amount whose header names another unit: shift is
// the power of ten from that unit to yuan (4 for 万元, -2 for 分).
func parseFenShift(s string, shift int) (int64, error) {
	s = strings.ReplaceAll(narrow(cleanCell(s)), " ", "")
	if s == "" {
		return 0, invalid("金额为空")
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") || (strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")")) {
		return 0, invalid("金额不能为负数")
	}
	for _, p := range []string{"¥", "￥", "RMB", "人民币", "CNY"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, u := range []string{"元整", "元", "圆"} {
		if strings.HasSuffix(s, u) {
			s = strings.TrimSuffix(s, u)
			break
		}
	}
	if strings.HasSuffix(s, "万") {
		s, shift = strings.TrimSuffix(s, "万"), shift+4
	}
	if strings.Contains(s, ",") {
		var ok bool
		if s, ok = dropThousands(s); !ok {
			return 0, invalid("千分位逗号的位置不对（应每三位一个，如 1,234.50）")
		}
	}
	d, ok := parseDecimal(s)
	if !ok {
		return 0, invalid("不是金额（应为数字，如 1234.50）")
	}
	if d.neg {
		return 0, invalid("金额不能为负数")
	}
	whole, frac := shiftPoint(d.whole, d.frac, shift)
	frac = strings.TrimRight(frac, "0")
	roundUp := false
	if len(frac) > 2 {
		if !d.floatArtefact() {
			return 0, invalid("金额最多两位小数（到分）")
		}
		roundUp = frac[2] >= '5'
		frac = frac[:2]
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxYuanDigits {
		return 0, invalid("金额过大")
	}
	frac += strings.Repeat("0", 2-len(frac))
	fen, _ := strconv.ParseInt(whole+frac, 10, 64)
	if roundUp {
		fen++
	}
	return fen, nil
}

// shiftPoint moves the decimal point of whole.frac by n places to the right
// (left when n < 0).
func shiftPoint(whole, frac string, n int) (string, string) {
	switch {
	case n > 0:
		frac += strings.Repeat("0", n)
		return whole + frac[:n], frac[n:]
	case n < 0:
		whole = strings.Repeat("0", -n) + whole
		cut := len(whole) + n
		return whole[:cut], whole[cut:] + frac
	}
	return whole, frac
}

// dropThousands removes thousands separators after checking they group the
// whole part in threes, so a decimal comma (1,5) is not read as 15.
func dropThousands(s string) (string, bool) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if strings.Contains(frac, ",") {
		return "", false
	}
	groups := strings.Split(whole, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	out := strings.Join(groups, "")
	if hasPoint {
		out += "." + frac
	}
	return out, true
}
