package pii

import (
	"testing"
)

func TestMaskNumbers(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"id card", "我身份证410102198001011234查不到", "我身份证4101**********1234查不到"},
		{"id card with X", "41010219800101123X", "4101**********123X"},
		{"mobile", "电话13812345678", "电话138****5678"},
		{"mobile with spaces", "打138 1234 5678找我", "打138****5678找我"},
		{"full-width mobile", "１３８１２３４５６７８", "138****5678"},
		{"bank card", "卡号6222021234567890123", "卡号6222***********0123"},
		{"landline", "0371-61234567", "037*****4567"},
		{"short numbers stay", "2026年低保520元", "2026年低保520元"},
		{"a date stays", "2026-09-20去的", "2026-09-20去的"},
		{"no numbers", "钱到了没", "钱到了没"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MaskNumbersInText(c.in); got != c.want {
				t.Errorf("MaskNumbersInText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
