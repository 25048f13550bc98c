package matching

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// The retrieval queries are sent as text, with their values written in:
// then the driver hands back every column as bytes, which the scan loops
// read without allocating; with placeholders it boxes each number of each
// of tens of thousands of rows. Only plain values (kinds, region codes and
// keys, dates, numbers) are written in, and lit refuses anything else.

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

// dateOf reads a DATE column's bytes: "2026-05-01" from SQLite, RFC 3339
// from a driver that parsed it; NULL is the zero date.
func dateOf(b []byte) model.Date {
	if len(b) < 10 {
		return model.Date{}
	}
	return model.Date{Year: int(atoi(b[0:4])), Month: time.Month(atoi(b[5:7])), Day: int(atoi(b[8:10]))}
}
