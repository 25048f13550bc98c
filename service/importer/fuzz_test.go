package importer

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzValueParsers feeds every parser arbitrary text: none may panic, and
// what they accept must be in range.
func FuzzValueParsers(f *testing.F) {
	for _, s := range []string{"1,234.50", "￥1,234.5", "4.10122100201E+11", "2024年9月30日", "45565.5", "2024Q3",
		"3-5千元/月", "18-55岁", "41999919500101123X", "+86 138-0013-8000", "-0", "1e30", "9" + strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fen, err := ParseFen(s); err == nil && fen < 0 {
			t.Fatalf("ParseFen(%q) = %d", s, fen)
		}
		if d, err := ParseDate(s); err == nil && (d.Year < 1899 || d.Year > 9999) {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
		ParsePeriod(s)
		ParseInt(s)
		ParseBool(s)
		ParseIDCard(s)
		ParsePhone(s)
		if code, err := ParseRegionCode(s); err == nil && len(code) != 12 {
			t.Fatalf("ParseRegionCode(%q) = %q", s, code)
		}
		ParseCardLast4(s)
		if w, err := ParseWageRange(s); err == nil && (w.MinFen > w.MaxFen || w.MinFen < 0) {
			t.Fatalf("ParseWageRange(%q) = %+v", s, w)
		}
		ParseAgeRange(s)
		dateRange(s)
		matchKeys(s)
		unescapeOOXML(s)
	})
}

// FuzzXMLScanner reads arbitrary bytes as a worksheet: it must end, with
// rows or an error, never a panic or a hang.
func FuzzXMLScanner(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>户编号</t></is></c><c r="B1"><v>1</v></c></row></sheetData></worksheet>`)
	f.Add(`<x:row><x:c t="s"><x:v>0</x:v></x:c></x:row><!-- c --><![CDATA[a]]><?pi?>&#x4e2d;&amp;`)
	f.Fuzz(func(t *testing.T, doc string) {
		s := &xlsxSource{x: newXMLScanner(strings.NewReader(doc)), sst: &sharedStrings{text: "甲", offs: []uint32{0, 3}}}
		for i := 0; i < 10000; i++ {
			ok, err := s.readRow()
			if err != nil || !ok {
				return
			}
		}
	})
}

// FuzzCSVSource reads arbitrary bytes as a CSV file.
func FuzzCSVSource(f *testing.F) {
	f.Add([]byte("户编号,金额\nH1,\"1,2\"\n\n"))
	f.Add(gbk("户编号\t金额\r\nH1\t1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := OpenReader(bytes.NewReader(data), "f.csv")
		if err != nil {
			return
		}
		last := 0
		for src.Next() {
			if n := src.Row().Num; n <= last {
				t.Fatalf("row %d after %d", n, last)
			} else {
				last = n
			}
		}
		src.Close()
	})
}
