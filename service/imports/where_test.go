package imports

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/importer"
)

func TestWhereWritesOnlyPlainValues(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		sql    string
		args   int
	}{
		{"hex and digits", []string{"0a9f", "410122100201000001"}, "c IN ('0a9f','410122100201000001')", 0},
		{"a quote", []string{"H001", "H'01"}, "c IN ?", 1},
		{"Chinese", []string{"测试001"}, "c IN ?", 1},
		{"too long", []string{string(make([]byte, 65))}, "c IN ?", 1},
		{"none", nil, "1 = 0", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := (&where{}).in("c", tc.values).and()
			if e.SQL != tc.sql || len(e.Vars) != tc.args {
				t.Fatalf("%q %v", e.SQL, e.Vars)
			}
		})
	}
	if e := (&where{}).ints("a", []int64{1, 22}).in("b", []string{"x"}).and(); e.SQL != "a IN (1,22) AND b IN ('x')" {
		t.Fatalf("%q", e.SQL)
	}
}

// TestUnusualHouseholdNumbers imports households whose numbers must go to the
// database as placeholders, and members that refer to them.
func TestUnusualHouseholdNumbers(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.run(importer.KindRegions, fixture("regions_gbk_title.csv"))
		hh := e.run(importer.KindHouseholds, writeCSV(t, "h.csv", [][]string{{"户编号", "户主姓名", "行政区划代码", "户类型"},
			{"测试村'001", "测试甲一", "410122100201", "脱贫户"}, {"测试村002", "测试乙一", "410122100201", "脱贫户"}}))
		mm := e.run(importer.KindMembers, writeCSV(t, "m.csv", [][]string{{"户编号", "姓名", "身份证号"},
			{"测试村'001", "测试甲一", idJia1}, {"测试村002", "测试乙一", idYi1}}))
		again := e.run(importer.KindHouseholds, writeCSV(t, "h.csv", [][]string{{"户编号", "户主姓名", "行政区划代码", "户类型"},
			{"测试村'001", "测试甲一", "410122100201", "脱贫户"}, {"测试村002", "测试乙一", "410122100201", "脱贫户"}}))
		if hh.Created != 2 || mm.Created != 2 || again.Unchanged != 2 {
			t.Fatalf("%+v %+v %+v", hh, mm, again)
		}
	})
}
