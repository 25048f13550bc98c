package demo_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/demo"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var today = model.Date{Year: 2026, Month: 11, Day: 23}

func seed(t *testing.T, db *model.DB, households int) demo.Summary {
	t.Helper()
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncSubsidyItems(context.Background(), model.SubsidyItemRows(items)); err != nil {
		t.Fatal(err)
	}
	s, err := demo.NewSeeder(db, modeltest.Cipher(t), demo.Options{Today: today, Households: households, Password: "demo-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Seed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestSeedBuildsACounty(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		sum := seed(t, db, 100)
		if sum.Households != 100 || sum.Members < 200 || sum.Cadres != 30 || sum.Jobs != 200 || sum.Payments < 500 || sum.Visits < 200 {
			t.Fatalf("summary: %+v", sum)
		}
		var villages int64
		db.Model(&model.Region{}).Where("level = ? AND code LIKE ?", model.LevelVillage, demo.DemoCountyPrefix+"%").Count(&villages)
		if villages != 12 {
			t.Fatalf("%d villages, want 12", villages)
		}
		count := func(q string, args ...any) int64 {
			var n int64
			if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count("SELECT COUNT(*) FROM payments WHERE status = ?", model.PaymentFailed) == 0 ||
			count("SELECT COUNT(*) FROM payments WHERE status = ? AND due_date < ?", model.PaymentScheduled, today.AddDays(-10)) == 0 ||
			count("SELECT COUNT(*) FROM payments WHERE paid_date > due_date") == 0 {
			t.Fatal("the demo lacks failed, missing or late payments")
		}
		if count("SELECT COUNT(*) FROM income_records WHERE per_capita_fen < 800000 AND year = ?", today.Year-1) == 0 {
			t.Fatal("no household is under the monitoring line")
		}
		if count("SELECT COUNT(*) FROM households WHERE id NOT IN (SELECT household_id FROM visits WHERE visited_at > ?)", today.AddDays(-30).Time(time.UTC)) == 0 {
			t.Fatal("no household is overdue for a visit")
		}
		if _, err := demo.NewSeeder(db, modeltest.Cipher(t), demo.Options{Today: today}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSeedIsDeterministic(t *testing.T) {
	fingerprint := func(db *model.DB) string {
		var rows []struct {
			HouseholdNo string
			HeadName    string
			Amount      int64
		}
		db.Raw(`SELECT h.household_no, h.head_name, COALESCE(SUM(p.amount_fen), 0) AS amount
			FROM households h LEFT JOIN payments p ON p.household_id = h.id GROUP BY h.id, h.household_no, h.head_name ORDER BY h.id`).Scan(&rows)
		return fmt.Sprint(rows)
	}
	a, b := modeltest.SQLite(t), modeltest.SQLite(t)
	seed(t, a, 40)
	seed(t, b, 40)
	if fingerprint(a) != fingerprint(b) {
		t.Fatal("two seeds with the same options differ")
	}
}

func TestSeedRefusesAFilledDatabase(t *testing.T) {
	db := modeltest.SQLite(t)
	seed(t, db, 30)
	s, _ := demo.NewSeeder(db, modeltest.Cipher(t), demo.Options{Today: today})
	if _, err := s.Seed(context.Background()); err != demo.ErrNotEmpty {
		t.Fatalf("second seed: %v, want ErrNotEmpty", err)
	}
}

// TestNoPlaintextPersonalNumbers reads raw rows of every table and fails on
// anything that looks like an ID card or mobile number in clear.
func TestNoPlaintextPersonalNumbers(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		seed(t, db, 30)
		idCard := regexp.MustCompile(`(^|[^0-9A-Za-z])[1-9][0-9]{16}[0-9X]($|[^0-9A-Za-z])`)
		mobile := regexp.MustCompile(`(^|[^0-9A-Za-z])1[3-9][0-9]{9}($|[^0-9A-Za-z])`)
		tables, _ := db.Migrator().GetTables()
		for _, tb := range tables {
			rows, err := db.Raw("SELECT * FROM " + tb).Rows()
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				rows.Scan(ptrs...)
				for i, v := range vals {
					var s string
					switch x := v.(type) {
					case string:
						s = x
					case []byte:
						s = string(x)
					default:
						continue
					}
					if idCard.MatchString(s) || mobile.MatchString(s) {
						t.Errorf("%s.%s holds a personal number in clear: %q", tb, cols[i], s)
					}
				}
			}
			rows.Close()
		}
	})
}
