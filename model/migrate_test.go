package model_test

import (
	"context"
	"sort"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// schemaOf describes every table as its sorted column names, so two
// dialects' schemas can be compared.
func schemaOf(t *testing.T, db *model.DB) map[string][]string {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		if tb == "sqlite_sequence" {
			continue
		}
		cols, err := db.Migrator().ColumnTypes(tb)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			out[tb] = append(out[tb], c.Name())
		}
		sort.Strings(out[tb])
	}
	return out
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		before := schemaOf(t, db)
		res, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Applied) != 0 {
			t.Fatalf("second migrate applied %d migrations", len(res.Applied))
		}
		after := schemaOf(t, db)
		if len(before) != len(after) {
			t.Fatalf("tables changed: %d → %d", len(before), len(after))
		}
		if len(before) < 25 {
			t.Fatalf("only %d tables; the whole domain has more", len(before))
		}
	})
}

func TestDialectsProduceSameTables(t *testing.T) {
	lite := schemaOf(t, modeltest.SQLite(t))
	maria := schemaOf(t, modeltest.MySQL(t))
	for tb, cols := range lite {
		other, ok := maria[tb]
		if !ok {
			t.Errorf("table %s only on SQLite", tb)
			continue
		}
		if len(cols) != len(other) {
			t.Errorf("table %s: SQLite columns %v, MariaDB %v", tb, cols, other)
			continue
		}
		for i := range cols {
			if cols[i] != other[i] {
				t.Errorf("table %s: column %s vs %s", tb, cols[i], other[i])
			}
		}
	}
	for tb := range maria {
		if _, ok := lite[tb]; !ok {
			t.Errorf("table %s only on MariaDB", tb)
		}
	}
}
