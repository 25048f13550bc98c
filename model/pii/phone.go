package pii

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrPhone means the text is not a mainland mobile or landline number.
var ErrPhone = errors.New("phone: not a mobile (11 digits from 1) or landline number")

// NormalizePhone strips spaces, dashes and a +86/0086 prefix. A mobile number
// is 11 digits starting with 1; a landline keeps its area code and dash
// (0371-12345678), so both can be stored, indexed and masked.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"+86", "0086"} {
		s = strings.TrimPrefix(s, p)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return 'x'
	}, s)
	if strings.ContainsRune(digits, 'x') {
		return "", ErrPhone
	}
	switch {
	case len(digits) == 11 && digits[0] == '1':
		return digits, nil
	case len(digits) >= 10 && len(digits) <= 12 && digits[0] == '0':
		area := 3
		if digits[1] != '1' && digits[1] != '2' { // 010, 02x are three digits; others four
			area = 4
		}
		return digits[:area] + "-" + digits[area:], nil
	}
	return "", ErrPhone
}

// MaskPhone hides the middle of a number: 138****5678, 0371-****5678.
func MaskPhone(s string) string {
	if area, local, ok := strings.Cut(s, "-"); ok {
		if len(local) <= 4 {
			return area + "-" + strings.Repeat("*", len(local))
		}
		return area + "-" + strings.Repeat("*", len(local)-4) + local[len(local)-4:]
	}
	if len(s) < 7 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

// MaskName keeps a person's family name and hides the rest: 王*, 欧阳**.
// Names are not secret in the household's own view, but lists shown to
// cadres of other villages or exported files use this.
func MaskName(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 1 {
		return s
	}
	r := []rune(s)
	keep := 1
	if n >= 4 {
		keep = 2
	}
	return string(r[:keep]) + strings.Repeat("*", n-keep)
}
