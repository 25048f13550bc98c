package matching

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// The retrieval queries read tens of thousands of rows. database/sql and
// the MySQL driver allocate for every column of every row (each value is
// boxed), so each candidate is selected as one text column, its fields
// '|'-separated (packed), and parsed here from bytes without allocating.
// The queries are sent as text with their values written in (sqlText);
// only plain values (kinds, region codes and keys, dates, numbers) are,
// and lit refuses anything else.

// packed selects columns as one text column, '|'-separated, NULL as the
// empty string (numbers and dates as MySQL and SQLite write them). Only the
// last column may hold a '|'.
func packed(d model.Dialect, cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "COALESCE(" + c + ", '')"
	}
	if d == model.SQLite {
		return strings.Join(parts, " || '|' || ")
	}
	return "CONCAT_WS('|', " + strings.Join(parts, ", ") + ")"
}

// unpack cuts a packed row into f; the last field takes the rest.
func unpack(b []byte, f [][]byte) error {
	for i := 0; i < len(f)-1; i++ {
		j := bytes.IndexByte(b, '|')
		if j < 0 {
			return fmt.Errorf("matching: a packed row has %d fields, want %d", i+1, len(f))
		}
		f[i], b = b[:j], b[j+1:]
	}
	f[len(f)-1] = b
	return nil
}

// lit quotes a plain value for SQL text.
func lit(s string) (string, error) {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '!' || r == '%' || r == '-') {
			return "", fmt.Errorf("matching: %q is not a plain value", s)
		}
	}
	return "'" + s + "'", nil
}

// litList quotes plain values as a parenthesised list.
func litList(ss []string) (string, error) {
	q := make([]string, len(ss))
	for i, s := range ss {
		var err error
		if q[i], err = lit(s); err != nil {
			return "", err
		}
	}
	return "(" + strings.Join(q, ",") + ")", nil
}

// sqlText fills a query's ? with plain values: strings (through lit),
// string lists, whole numbers and dates.
func sqlText(q string, args ...any) (string, error) {
	var b strings.Builder
	for _, a := range args {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			return "", fmt.Errorf("matching: more values than placeholders in %q", q)
		}
		b.WriteString(q[:i])
		q = q[i+1:]
		var v string
		var err error
		switch x := a.(type) {
		case string:
			v, err = lit(x)
		case []string:
			v, err = litList(x)
		case []int64:
			nums := make([]string, len(x))
			for i, n := range x {
				nums[i] = strconv.FormatInt(n, 10)
			}
			v = "(" + strings.Join(nums, ",") + ")"
		case int:
			v = strconv.Itoa(x)
		case int64:
			v = strconv.FormatInt(x, 10)
		case model.Date:
			v = "'" + x.String() + "'"
		default:
			err = fmt.Errorf("matching: cannot write %T into SQL", a)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	if strings.IndexByte(q, '?') >= 0 {
		return "", fmt.Errorf("matching: fewer values than placeholders")
	}
	b.WriteString(q)
	return b.String(), nil
}

// atoi reads a whole number from a column's bytes (NULL and "" are 0).
func atoi(b []byte) int64 {
	var n int64
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// dateOf reads a date's text, "2026-05-01" (anything after is ignored);
// NULL is the zero date.
func dateOf(b []byte) model.Date {
	if len(b) < 10 {
		return model.Date{}
	}
	return model.Date{Year: int(atoi(b[0:4])), Month: time.Month(atoi(b[5:7])), Day: int(atoi(b[8:10]))}
}

// timeOf reads a UTC time's text: "2026-05-01 10:00:00.123" from MySQL,
// with "+00:00" after it from SQLite.
func timeOf(b []byte) (time.Time, error) {
	if len(b) < 19 || b[4] != '-' || b[10] != ' ' && b[10] != 'T' || b[13] != ':' {
		return time.Time{}, fmt.Errorf("matching: %q is not a time", b)
	}
	d := dateOf(b)
	ns := 0
	if len(b) > 20 && b[19] == '.' {
		scale := 100_000_000
		for _, c := range b[20:] {
			if c < '0' || c > '9' || scale == 0 {
				break
			}
			ns += int(c-'0') * scale
			scale /= 10
		}
	}
	t := time.Date(d.Year, d.Month, d.Day, int(atoi(b[11:13])), int(atoi(b[14:16])), int(atoi(b[17:19])), ns, time.UTC)
	// A zone after the time ("+08:00"), should a row have been written in one.
	if n := len(b); n >= 25 && (b[n-6] == '+' || b[n-6] == '-') && b[n-3] == ':' {
		off := time.Duration(atoi(b[n-5:n-3]))*time.Hour + time.Duration(atoi(b[n-2:]))*time.Minute
		if b[n-6] == '+' {
			off = -off
		}
		t = t.Add(off)
	}
	return t, nil
}
