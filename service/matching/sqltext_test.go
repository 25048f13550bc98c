package matching

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

func TestSQLText(t *testing.T) {
	got, err := sqlText("a = ? AND b IN ? AND c >= ? AND d < ? AND e = ?", "park", []string{"41", "!4199"}, model.Date{Year: 2026, Month: 5, Day: 1}, 42, int64(-7))
	if err != nil || got != "a = 'park' AND b IN ('41','!4199') AND c >= '2026-05-01' AND d < 42 AND e = -7" {
		t.Fatalf("sqlText = %q, %v", got, err)
	}
	for _, bad := range []any{"x' OR '1'='1", []string{"a", "b c"}, 1.5, "电工"} {
		if _, err := sqlText("a = ?", bad); err == nil {
			t.Errorf("%v written into SQL", bad)
		}
	}
	if _, err := sqlText("a = ? AND b = ?", "x"); err == nil {
		t.Error("a missing value passed")
	}
	if _, err := sqlText("a = ?", "x", "y"); err == nil {
		t.Error("an extra value passed")
	}
}

func TestReadingText(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "1234567": 1234567, "-42": -42} {
		if got := atoi([]byte(in)); got != want {
			t.Errorf("atoi(%q) = %d", in, got)
		}
	}
	if d := dateOf([]byte("2026-05-01")); d != (model.Date{Year: 2026, Month: 5, Day: 1}) {
		t.Errorf("dateOf = %v", d)
	}
	if d := dateOf(nil); !d.IsZero() {
		t.Errorf("NULL date = %v", d)
	}
	want := time.Date(2026, 5, 1, 10, 0, 0, 123000000, time.UTC)
	for _, in := range []string{"2026-05-01 10:00:00.123", "2026-05-01 10:00:00.123+00:00", "2026-05-01 18:00:00.123+08:00",
		"2026-05-01T10:00:00.123Z"} {
		if got, err := timeOf([]byte(in)); err != nil || !got.Equal(want) {
			t.Errorf("timeOf(%q) = %v, %v", in, got, err)
		}
	}
	if got, _ := timeOf([]byte("2026-05-01 10:00:00")); !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("whole seconds: %v", got)
	}
	if _, err := timeOf([]byte("yesterday")); err == nil {
		t.Error("a bad time read")
	}
}

func TestUnpack(t *testing.T) {
	var f [3][]byte
	if err := unpack([]byte("a|12|电工|叉车"), f[:]); err != nil || string(f[0]) != "a" || string(f[1]) != "12" || string(f[2]) != "电工|叉车" {
		t.Fatalf("unpack: %q, %v", f, err)
	}
	if err := unpack([]byte("a||"), f[:]); err != nil || len(f[1]) != 0 || len(f[2]) != 0 {
		t.Fatalf("empty fields: %q, %v", f, err)
	}
	if err := unpack([]byte("a"), f[:]); err == nil {
		t.Fatal("a short row unpacked")
	}
	if got := packed(model.SQLite, "a", "b"); got != "COALESCE(a, '') || '|' || COALESCE(b, '')" {
		t.Fatalf("sqlite: %s", got)
	}
	if got := packed(model.MySQL, "a", "b"); got != "CONCAT_WS('|', COALESCE(a, ''), COALESCE(b, ''))" {
		t.Fatalf("mysql: %s", got)
	}
}
