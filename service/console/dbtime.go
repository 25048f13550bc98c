package console

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// dbTime scans a datetime that came out of an expression (MAX, a
// subquery): MySQL gives a time.Time, SQLite the text it stored, since an
// expression has no declared column type for the driver to go by.
type dbTime struct{ time.Time }

var sqliteLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = x.UTC()
	case []byte:
		return t.Scan(string(x))
	case string:
		for _, layout := range sqliteLayouts {
			if p, err := time.Parse(layout, x); err == nil {
				t.Time = p.UTC()
				return nil
			}
		}
		return fmt.Errorf("console: %q is not a time", x)
	default:
		return fmt.Errorf("console: cannot scan %T into a time", v)
	}
	return nil
}

// Value implements driver.Valuer, which gorm requires of a scanned field
// type; dbTime is only ever read.
func (t dbTime) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.Time, nil
}
