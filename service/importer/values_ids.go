package importer

import (
	"errors"
	"strings"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// ParseIDCard reads a resident ID number (18 characters, GB 11643 check
// digit; a lower-case x is taken as X).
func ParseIDCard(s string) (string, error) {
	s = strings.TrimPrefix(strings.ReplaceAll(narrow(cleanCell(s)), " ", ""), "'")
	if strings.ContainsAny(s, "eE+") {
		return "", invalid("身份证号" + string(errDigitsLost))
	}
	if len(s) == 15 && allDigits(s) {
		return "", invalid("这是15位旧身份证号，请换成18位号码")
	}
	n, err := pii.NormalizeIDCard(s)
	switch {
	case errors.Is(err, pii.ErrIDCardChecksum):
		return "", invalid("身份证号校验位不对，请核对号码")
	case errors.Is(err, pii.ErrIDCardBirth):
		return "", invalid("身份证号中的出生日期不存在")
	case err != nil:
		return "", invalid("身份证号应为18位（17位数字加1位数字或X）")
	}
	return n, nil
}

// ParsePhone reads a mobile or landline number. When a cell lists several
// (138…、139…), the first is taken: it is the one people call.
func ParsePhone(s string) (string, error) {
	s = narrow(cleanCell(s))
	if i := strings.IndexAny(s, "、,;/，；"); i > 0 {
		s = s[:i]
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "'")
	if strings.ContainsAny(s, "eE") {
		d, err := digitsOnly(s)
		if err != nil {
			return "", invalid("联系电话" + err.Error())
		}
		s = d
	}
	p, err := pii.NormalizePhone(s)
	if err != nil {
		return "", invalid("联系电话应为11位手机号或带区号的固定电话")
	}
	return p, nil
}

// ParseRegionCode reads a 12-digit 统计用区划代码. The 6-digit county and
// 9-digit town forms are widened with zeros, as the statistics code does.
func ParseRegionCode(s string) (string, error) {
	d, err := digitsOnly(s)
	if err != nil {
		if err == errDigitsLost {
			return "", invalid("区划代码" + err.Error())
		}
		return "", invalid("区划代码应为12位数字")
	}
	switch len(d) {
	case 6, 9:
		d += strings.Repeat("0", 12-len(d))
	case 12:
	default:
		return "", invalid("区划代码应为12位数字（县6位、乡镇9位也可）")
	}
	if !model.ValidRegionCode(d) || d[:2] == "00" {
		return "", invalid("区划代码应为12位数字")
	}
	return d, nil
}

// ParseCardLast4 reads the last four digits of a bank card. A whole card
// number is cut to its last four: the rest is not ours to keep.
func ParseCardLast4(s string) (string, error) {
	d, err := digitsOnly(s)
	if err != nil || len(d) < 4 {
		if s = strings.TrimSpace(s); len(s) >= 4 && allDigits(s[len(s)-4:]) && strings.ContainsAny(s, "*＊xX") {
			return s[len(s)-4:], nil // a masked number: 6217****1234
		}
		return "", invalid("银行卡号后四位应为4位数字")
	}
	return d[len(d)-4:], nil
}
