package importer

import (
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// Wage units as the jobs table stores them.
const (
	WageMonth = "month"
	WageDay   = "day"
	WagePiece = "piece"
)

// WageRange is a posted wage: MinFen to MaxFen per Unit. Unit is empty when
// the text did not say.
type WageRange struct {
	MinFen, MaxFen int64
	Unit           string
}

// rangeSeparators split "3000-4500", "3000~4500", "3000至4500".
func rangeSeparators() []string { return []string{"~", "～", "—", "–", "-", "至", "到"} }

// ParseWageRange reads wages as job postings write them: "3000-4500元/月",
// "150元/天", "3-5千", "0.5万-0.8万元/月", "4000元以上", "3000". "面议" is
// refused: a worker cannot be matched to a wage nobody stated.
func ParseWageRange(s string) (WageRange, error) {
	s = strings.ToUpper(strings.ReplaceAll(narrow(cleanCell(s)), " ", ""))
	var w WageRange
	if s == "" {
		return w, invalid("薪资为空")
	}
	if strings.Contains(s, "面议") || strings.Contains(s, "协商") {
		return w, invalid("薪资为“面议”时无法为群众匹配岗位，请填写金额范围（如 3000-4500元/月）")
	}
	unit, rest, err := cutWageUnit(s)
	if err != nil {
		return w, err
	}
	w.Unit = unit
	// "4000以上": the floor is what is promised, so it is both min and max.
	for _, suf := range []string{"及以上", "以上", "起", "+"} {
		if strings.HasSuffix(rest, suf) {
			rest = strings.TrimSuffix(rest, suf)
			break
		}
	}
	openDown := false
	for _, suf := range []string{"及以下", "以下"} {
		if strings.HasSuffix(rest, suf) {
			rest, openDown = strings.TrimSuffix(rest, suf), true
			break
		}
	}
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, "左右"), "元")
	lo, hi := rest, ""
	for _, sep := range rangeSeparators() {
		if a, b, ok := strings.Cut(rest, sep); ok && a != "" {
			lo, hi = a, b
			break
		}
	}
	loShift, loText := cutMultiplier(strings.TrimSuffix(lo, "元"))
	if hi == "" {
		v, err := parseFenShift(loText, loShift)
		if err != nil {
			return w, invalid("薪资" + err.Error())
		}
		w.MinFen, w.MaxFen = v, v
		if openDown {
			w.MinFen = 0
		}
		return w, nil
	}
	hiShift, hiText := cutMultiplier(strings.TrimSuffix(hi, "元"))
	if loShift == 0 && hiShift != 0 { // "3-5千": the unit written once covers both
		loShift = hiShift
	}
	if w.MinFen, err = parseFenShift(loText, loShift); err == nil {
		w.MaxFen, err = parseFenShift(hiText, hiShift)
	}
	if err != nil {
		return w, invalid("薪资" + err.Error())
	}
	if w.MinFen > w.MaxFen {
		return w, invalid("薪资下限高于上限")
	}
	return w, nil
}

// cutWageUnit finds the pay unit (元/月, 日薪, 计件) and returns the text
// without it.
func cutWageUnit(s string) (string, string, error) {
	type unitWord struct{ word, unit string }
	words := []unitWord{
		{"/月", WageMonth}, {"每月", WageMonth}, {"月薪", WageMonth}, {"/天", WageDay}, {"/日", WageDay},
		{"每天", WageDay}, {"日薪", WageDay}, {"/件", WagePiece}, {"计件", WagePiece}, {"每件", WagePiece},
		{"/小时", "hour"}, {"时薪", "hour"}, {"/时", "hour"}, {"/年", "year"}, {"年薪", "year"},
	}
	for _, u := range words {
		if i := strings.Index(s, u.word); i >= 0 {
			switch u.unit {
			case "hour":
				return "", "", invalid("按小时计薪的岗位请折算为日薪（元/天）")
			case "year":
				return "", "", invalid("按年计薪的岗位请折算为月薪（元/月）")
			}
			return u.unit, s[:i] + s[i+len(u.word):], nil
		}
	}
	return "", s, nil
}

// cutMultiplier reads a K/千/万 suffix as a power of ten.
func cutMultiplier(s string) (int, string) {
	for _, m := range []struct {
		suffix string
		shift  int
	}{{"万", 4}, {"千", 3}, {"K", 3}} {
		if strings.HasSuffix(s, m.suffix) {
			return m.shift, strings.TrimSuffix(s, m.suffix)
		}
	}
	return 0, s
}

// AgeRange is the ages a job takes; zero means no bound on that side.
type AgeRange struct{ Min, Max int }

// ParseAgeRange reads "18-55岁", "18至55周岁", "18岁以上", "55岁以下" or
// "不限".
func ParseAgeRange(s string) (AgeRange, error) {
	s = strings.ReplaceAll(narrow(cleanCell(s)), " ", "")
	var a AgeRange
	switch s {
	case "", "不限", "无", "无要求", "年龄不限":
		return a, nil
	}
	s = strings.NewReplacer("周岁", "", "岁", "", "年龄", "", "不超过", "", "不低于", "", "满", "").Replace(s)
	lo, hi := s, ""
	for _, sep := range rangeSeparators() {
		if x, y, ok := strings.Cut(s, sep); ok {
			lo, hi = x, y
			break
		}
	}
	var err error
	switch {
	case hi != "":
		if a.Min, err = ParseInt(lo); err == nil {
			a.Max, err = ParseInt(hi)
		}
	case strings.HasSuffix(lo, "以上"):
		a.Min, err = ParseInt(strings.TrimSuffix(strings.TrimSuffix(lo, "以上"), "及"))
	case strings.HasSuffix(lo, "以下"):
		a.Max, err = ParseInt(strings.TrimSuffix(strings.TrimSuffix(lo, "以下"), "及"))
	default:
		return a, invalid("无法识别的年龄要求（应如 18-55岁、18岁以上）")
	}
	switch {
	case err != nil:
		return a, invalid("无法识别的年龄要求（应如 18-55岁、18岁以上）")
	case a.Min != 0 && a.Min < 16:
		return a, invalid("年龄下限不能低于16周岁")
	case a.Max > 100 || a.Min > 100:
		return a, invalid("年龄要求不合理")
	case a.Max != 0 && a.Min > a.Max:
		return a, invalid("年龄下限高于上限")
	}
	return a, nil
}

// dateRange reads "2024-09-01至2024-12-31" as two dates.
func dateRange(s string) (model.Date, model.Date, error) {
	s = narrow(cleanCell(s))
	for _, sep := range []string{"至", "到", "~", "～", "—", " - ", "--"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			from, err1 := ParseDate(a)
			until, err2 := ParseDate(b)
			if err1 != nil || err2 != nil {
				break
			}
			return from, until, nil
		}
	}
	return model.Date{}, model.Date{}, invalid("无法识别的有效期（应如 2024-09-01至2024-12-31）")
}
