package importer

import (
	"strings"
	"testing"
)

// TestSpecsAreUnambiguous checks that no header or alias of a kind could
// mean two columns once normalised, and that every example parses.
func TestSpecsAreUnambiguous(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			spec, err := SpecFor(kind)
			if err != nil {
				t.Fatal(err)
			}
			owner := map[string]string{}
			keys := map[string]bool{}
			for _, c := range spec.Columns {
				if keys[c.Key] {
					t.Errorf("key %s twice", c.Key)
				}
				keys[c.Key] = true
				for _, name := range append([]string{c.Header}, c.Aliases...) {
					k := textKey(name)
					if o, ok := owner[k]; ok && o != c.Key {
						t.Errorf("%q names both %s and %s", name, o, c.Key)
					}
					owner[k] = c.Key
				}
				if c.Sensitive && c.Example != "" && strings.Contains(c.Key, "id_card") {
					if _, err := ParseIDCard(c.Example); err != nil {
						t.Errorf("%s example %s: %v", c.Key, c.Example, err)
					}
				}
			}
		})
	}
	if _, err := SpecFor("people"); err == nil {
		t.Error("unknown kind accepted")
	}
}

func matchHeader(t *testing.T, kind Kind, csv string) (*Header, []Row, error) {
	t.Helper()
	src, err := OpenReader(strings.NewReader(csv), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := SpecFor(kind)
	return findHeader(src, spec)
}

func TestFindHeader(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		csv     string
		lastRow int
		cols    map[string]string // key → header text as found
		shift   map[string]int
	}{
		{"plain", KindPayments, "户编号,补贴项目,发放金额,应发日期\nH1,低保,1,2024-09-30\n", 1,
			map[string]string{"household_no": "户编号", "item": "补贴项目", "amount": "发放金额", "due_date": "应发日期"}, nil},
		{"title rows and variants", KindPayments, "测试县2024年9月一卡通发放明细\n制表日期：2024-10-08\n序号,户码,项目名称,补贴金额（元）,计划发放日期,到账日期,备注\n1,H1,低保,1,2024-09-30,,\n", 3,
			map[string]string{"household_no": "户码", "item": "项目名称", "amount": "补贴金额（元）", "due_date": "计划发放日期", "paid_date": "到账日期"}, nil},
		{"full width and spaces", KindPayments, "＊户 编 号,补贴项目：,发放金额（万元）,应发日期\n", 1,
			map[string]string{"household_no": "＊户 编 号", "item": "补贴项目：", "amount": "发放金额（万元）"}, map[string]int{"amount": 4}},
		{"two-row header with merged cells", KindPayments, "户编号,补贴信息,,发放日期,应发日期\n,补贴项目,发放金额,,\nH1,低保,1,2024-09-30,2024-09-30\n", 2,
			map[string]string{"household_no": "户编号", "item": "补贴项目", "amount": "发放金额", "paid_date": "发放日期"}, nil},
		{"unit row under the header", KindPayments, "户编号,补贴项目,发放金额,应发日期\n,,(元),\nH1,低保,1,2024-09-30\n", 2,
			map[string]string{"household_no": "户编号", "amount": "发放金额(元)"}, nil},
		{"joined upper and lower", KindHouseholds, "户编号,户主,,行政区划代码,户类型\n,姓名,身份证号,,\n", 2,
			map[string]string{"head_name": "户主姓名", "head_id_card": "户主身份证号"}, nil},
		{"specific header wins over a general one", KindHouseholds, "户编号,身份证号,户主身份证号,户主姓名,所属村,户类型\n", 1,
			map[string]string{"head_id_card": "户主身份证号"}, nil},
		{"slash and bracket remarks", KindHouseholds, "户编号,户主姓名,所属村/社区,户类型（2024年）\n", 1,
			map[string]string{"village": "所属村/社区", "class": "户类型（2024年）"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, err := matchHeader(t, tt.kind, tt.csv)
			if err != nil {
				t.Fatal(err)
			}
			if h.LastRow != tt.lastRow {
				t.Errorf("header ends on row %d, want %d", h.LastRow, tt.lastRow)
			}
			for key, want := range tt.cols {
				if got := h.Name(key); !h.Has(key) || got != want {
					t.Errorf("%s: found %q (has %v), want %q", key, got, h.Has(key), want)
				}
			}
			for key, want := range tt.shift {
				if got := h.cols[key].shift; got != want {
					t.Errorf("%s: shift %d, want %d", key, got, want)
				}
			}
		})
	}
}

func TestFindHeaderErrors(t *testing.T) {
	tests := []struct {
		name, csv string
		found     bool
		want      string
	}{
		{"no header", "甲,乙,丙\n1,2,3\n", false, "没有找到表头"},
		{"header too low", strings.Repeat("说明\n", 11) + "户编号,补贴项目,发放金额,应发日期\n", false, "需要的列有：户编号或身份证号、补贴项目、发放期间或应发日期、发放金额"},
		{"missing required", "户编号,补贴项目,应发日期\n", true, "第1行的表头缺少必需的列：发放金额"},
		{"missing a group", "补贴项目,发放金额,姓名\n", true, "缺少必需的列：户编号或身份证号、发放期间或应发日期"},
		{"empty file", "", false, "没有找到表头"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := matchHeader(t, KindPayments, tt.csv)
			he, ok := err.(*HeaderError)
			if !ok {
				t.Fatalf("err = %v, want a HeaderError", err)
			}
			if he.Found != tt.found || !strings.Contains(he.Error(), tt.want) {
				t.Fatalf("err = %q (found %v), want %q", he.Error(), he.Found, tt.want)
			}
		})
	}
}

func TestItemCatalogue(t *testing.T) {
	c := testItems(t)
	tests := map[string]string{
		"耕地地力保护补贴":      "farmland_protection",
		"耕地地力补贴（2024年）": "farmland_protection",
		" 农村低保 ":        "dibao",
		"dibao":         "dibao",
		"DIBAO":         "dibao",
		"雨露计划":          "education_yulu",
		"教育保障（雨露计划）":    "education_yulu",
		"ｆａｒｍ＿ｍａｃｈｉｎｅｒｙ": "farm_machinery",
	}
	for in, want := range tests {
		if it, ok := c.Find(in); !ok || it.Code != want {
			t.Errorf("Find(%q) = %q, %v; want %s", in, it.Code, ok, want)
		}
	}
	if _, ok := c.Find("种猪补贴"); ok {
		t.Error("an unknown item was found")
	}
	items := c.Items()
	items = append(items, items[0])
	if _, err := NewItemCatalogue(items); err == nil {
		t.Error("a catalogue with an item twice was accepted")
	}
}
