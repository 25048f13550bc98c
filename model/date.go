package model

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date with no time or zone (a due date, a birth date),
// stored as DATE and written as YYYY-MM-DD in JSON. The zero Date is NULL.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// Time is the start of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Time(time.UTC).AddDate(0, 0, n)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.String() < e.String() }

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time(time.UTC).Sub(d.Time(time.UTC)).Hours() / 24)
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Value stores the date as YYYY-MM-DD text, which MySQL's DATE and SQLite
// both compare correctly.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE from either driver: time.Time from MySQL, text or
// time.Time from SQLite.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = DateOf(x)
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	default:
		return fmt.Errorf("model: cannot scan %T into Date", v)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' {
		return fmt.Errorf("%s is not a date string", s)
	}
	p, err := ParseDate(s[1 : len(s)-1])
	if err != nil {
		return err
	}
	*d = p
	return nil
}
