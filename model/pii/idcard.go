package pii

import (
	"errors"
	"strings"
	"time"
)

// ID card problems, distinguished so the API can say what is wrong with the
// number itself (never whether it exists).
var (
	ErrIDCardFormat   = errors.New("id card: not 17 digits followed by a digit or X")
	ErrIDCardChecksum = errors.New("id card: check digit does not match")
	ErrIDCardBirth    = errors.New("id card: birth date is not a real date")
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckDigit returns the GB 11643 check character of the first 17 digits.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// NormalizeIDCard trims spaces, upper-cases a trailing x and checks the
// format, the birth date and the GB 11643 check digit.
func NormalizeIDCard(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 18 {
		return "", ErrIDCardFormat
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrIDCardFormat
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return "", ErrIDCardFormat
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return "", ErrIDCardBirth
	}
	if IDCheckDigit(s[:17]) != s[17] {
		return "", ErrIDCardChecksum
	}
	return s, nil
}

// IDCardFacts are what a valid number says about its holder.
type IDCardFacts struct {
	Birth  time.Time
	Female bool
	Region string // the 6-digit code of the place of first registration
}

// ParseIDCard returns the facts in a normalised ID number.
func ParseIDCard(normalised string) IDCardFacts {
	birth, _ := time.Parse("20060102", normalised[6:14])
	return IDCardFacts{Birth: birth, Female: (normalised[16]-'0')%2 == 0, Region: normalised[:6]}
}

// MaskIDCard shows the first four and last four characters:
// 4101**********123X.
func MaskIDCard(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}
