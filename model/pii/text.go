package pii

import (
	"regexp"
	"strings"
)

// numberRun is a run of digits that may be broken by spaces or dashes, as
// people type numbers ("138 1234 5678", "4101-…"), ending in a digit or
// the ID card's X.
var numberRun = regexp.MustCompile(`[0-9][0-9 \-]*[0-9Xx]`)

// dateRun is a date written with dashes, which is not a personal number.
var dateRun = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$`)

// MaskNumbersInText hides what could be a personal number in free text people
// write (messages to the bot, notes that travel in notices):
// any run of seven digits or more. ID cards and mobiles come out as API.md
// masks them (4101**********123X, 138****5678); other long numbers (bank
// cards, landlines) keep only their ends. Full-width digits are read as
// digits first.
func MaskNumbersInText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == 'Ｘ' || r == 'ｘ' {
			return 'X'
		}
		return r
	}, s)
	return numberRun.ReplaceAllStringFunc(s, func(run string) string {
		var digits []byte
		for i := 0; i < len(run); i++ {
			if c := run[i]; c >= '0' && c <= '9' || c == 'X' || c == 'x' {
				digits = append(digits, c)
			}
		}
		n := len(digits)
		if n < 7 || dateRun.MatchString(run) {
			return run
		}
		head, tail := 3, 4
		switch {
		case n > 12:
			head = 4
		case n < 11:
			head, tail = 2, 2
		}
		return string(digits[:head]) + strings.Repeat("*", n-head-tail) + string(digits[n-tail:])
	})
}
