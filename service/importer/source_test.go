package importer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readAll drains a source into row numbers and copies of the cells.
func readAll(t *testing.T, src Source) []Row {
	t.Helper()
	var rows []Row
	for src.Next() {
		r := src.Row()
		rows = append(rows, Row{Num: r.Num, Cells: append([]string(nil), r.Cells...)})
	}
	if err := src.Err(); err != nil {
		t.Fatalf("source error: %v", err)
	}
	if err := src.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return rows
}

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func utf16le(s string) []byte {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func TestCSVSource(t *testing.T) {
	const text = "户编号,户主姓名,发放金额\nH001,测试甲一,\"1,234.50\"\n"
	want := []Row{{1, []string{"户编号", "户主姓名", "发放金额"}}, {2, []string{"H001", "测试甲一", "1,234.50"}}}
	tests := []struct {
		name     string
		data     []byte
		encoding string
		delim    rune
		want     []Row
	}{
		{"utf-8", []byte(text), "utf-8", ',', want},
		{"utf-8 bom", append([]byte("\xef\xbb\xbf"), text...), "utf-8-bom", ',', want},
		{"gbk", gbk(text), "gb18030", ',', want},
		{"utf-16 tabs", utf16le(strings.ReplaceAll(strings.ReplaceAll(text, ",", "\t"), "\"1\t234.50\"", "1,234.50")), "utf-16le", '\t', want},
		{"semicolon", []byte(strings.ReplaceAll(strings.ReplaceAll(text, ",", ";"), "\"1;234.50\"", "\"1,234.50\"")), "utf-8", ';', want},
		{"crlf", []byte(strings.ReplaceAll(text, "\n", "\r\n")), "utf-8", ',', want},
		{"title line without delimiters", []byte("2024年9月发放明细\n" + text), "utf-8", ',',
			[]Row{{1, []string{"2024年9月发放明细"}}, {2, want[0].Cells}, {3, want[1].Cells}}},
		{"blank lines and rows of commas count", []byte("\n户编号,户主姓名\n,,\n\nH001,\"测试\n甲一\"\nH002,测试乙二\n\n\n"), "utf-8", ',',
			[]Row{{2, []string{"户编号", "户主姓名"}}, {5, []string{"H001", "测试\n甲一"}}, {6, []string{"H002", "测试乙二"}}}},
		{"stray quote", []byte("户编号,备注\nH001,说\"是\"\n"), "utf-8", ',', []Row{{1, []string{"户编号", "备注"}}, {2, []string{"H001", "说\"是\""}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := OpenReader(bytes.NewReader(tt.data), "a.csv")
			if err != nil {
				t.Fatal(err)
			}
			info := src.Info()
			if info.Format != FormatCSV || info.Encoding != tt.encoding || info.Delimiter != tt.delim {
				t.Errorf("info = %+v, want %s %q", info, tt.encoding, tt.delim)
			}
			if got := readAll(t, src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows = %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestCSVGBKAcrossSniffWindow checks that a GBK character split by the end
// of the sniffed chunk neither breaks detection nor decoding.
func TestCSVGBKAcrossSniffWindow(t *testing.T) {
	var b strings.Builder
	b.WriteString("姓名,备注\n")
	for b.Len() < 3*sniffSize {
		b.WriteString("测试甲一,一二三四五六七八九十\n")
	}
	src, err := OpenReader(io.MultiReader(bytes.NewReader(gbk(b.String()))), "big.csv") // not seekable
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, src)
	if src.Info().Encoding != "gb18030" {
		t.Fatalf("encoding %s", src.Info().Encoding)
	}
	for _, r := range rows[1:] {
		if r.Cells[0] != "测试甲一" || r.Cells[1] != "一二三四五六七八九十" {
			t.Fatalf("row %d = %q", r.Num, r.Cells)
		}
	}
}

func TestOpenRefusesOtherFormats(t *testing.T) {
	tests := map[string][]byte{
		"old xls":   append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 100)...),
		"html":      []byte("<html><body><table><tr><td>户编号</td></tr></table></body></html>"),
		"xml 2003":  []byte("<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"></Workbook>"),
		"bad zip":   []byte("PK\x03\x04garbage"),
		"bom+html ": []byte("\xef\xbb\xbf <table>"),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := OpenReader(bytes.NewReader(data), "x.xls")
			var fe *FileError
			if err == nil || !errorsAs(err, &fe) {
				t.Fatalf("err = %v, want a FileError", err)
			}
		})
	}
}

// buildWorkbook writes a workbook exercising what readers trip over:
// shared and inline strings, rich text, numbers, booleans, formulas,
// merged header cells, gaps, a hidden first sheet and styled blank rows at
// the end.
func buildWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "说明")
	idx, _ := f.NewSheet("数据")
	f.SetActiveSheet(idx)
	f.SetSheetVisible("说明", false)
	f.SetCellValue("说明", "A1", "隐藏的说明页")
	s := "数据"
	f.SetCellValue(s, "A1", "2024年9月 一卡通发放明细 & <测试>")
	f.MergeCell(s, "A1", "F1")
	f.SetCellValue(s, "A2", "户编号")
	f.MergeCell(s, "A2", "A3")
	f.SetCellValue(s, "B2", "补贴信息")
	f.MergeCell(s, "B2", "C2")
	f.SetCellValue(s, "B3", "补贴项目")
	f.SetCellValue(s, "C3", "发放金额")
	f.SetCellRichText(s, "D2", []excelize.RichTextRun{{Text: "发放"}, {Text: "日期", Font: &excelize.Font{Bold: true}}})
	f.SetCellValue(s, "A4", "H0001")
	f.SetCellValue(s, "B4", "耕地地力保护补贴")
	f.SetCellValue(s, "C4", 1234.5)
	f.SetCellValue(s, "D4", 45565)
	f.SetCellBool(s, "E4", true)
	f.SetCellFormula(s, "F4", "C4*2")
	f.SetCellValue(s, "A6", "H0002") // row 5 left empty
	f.SetCellValue(s, "C6", "0123")
	f.SetCellValue(s, "H6", "line1\r\nline2 _x") // a gap of columns, a carriage return
	style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
	f.SetCellStyle(s, "A7", "F12", style) // trailing rows with style but no value
	f.SetCellValue(s, "A13", " ")         // a blank-looking cell
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestXLSXReadersAgree(t *testing.T) {
	path := buildWorkbook(t)
	open := func(opts OpenOptions) []Row {
		src, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if info := src.Info(); info.Sheet != "数据" || info.Format != FormatXLSX {
			t.Errorf("info = %+v", info)
		}
		return readAll(t, src)
	}
	fast, slow := open(OpenOptions{}), open(OpenOptions{Excelize: true})
	// excelize pads a formula cell without a cached value; trailing empty cells carry no meaning.
	for _, rows := range [][]Row{fast, slow} {
		for i := range rows {
			for len(rows[i].Cells) > 0 && rows[i].Cells[len(rows[i].Cells)-1] == "" {
				rows[i].Cells = rows[i].Cells[:len(rows[i].Cells)-1]
			}
		}
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("built-in reader:\n%v\nexcelize:\n%v", fast, slow)
	}
	want := []Row{
		{1, []string{"2024年9月 一卡通发放明细 & <测试>"}},
		{2, []string{"户编号", "补贴信息", "", "发放日期"}},
		{3, []string{"", "补贴项目", "发放金额"}},
		{4, []string{"H0001", "耕地地力保护补贴", "1234.5", "45565", "1"}},
		{6, []string{"H0002", "", "0123", "", "", "", "", "line1\r\nline2 _x"}},
	}
	if !reflect.DeepEqual(fast, want) {
		t.Fatalf("rows:\n%v\nwant\n%v", fast, want)
	}
}

func TestXLSXStreamWriterInlineStrings(t *testing.T) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"户编号", "金额"})
	sw.SetRow("A2", []any{"H&1", 12.5})
	sw.SetRow("A4", []any{"H<2>", 3})
	sw.Flush()
	var buf bytes.Buffer
	f.WriteTo(&buf)
	src, err := OpenReader(bytes.NewReader(buf.Bytes()), "s.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, src)
	want := []Row{{1, []string{"户编号", "金额"}}, {2, []string{"H&1", "12.5"}}, {4, []string{"H<2>", "3"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
}

func TestXLSXFromUnseekableReader(t *testing.T) {
	data, err := os.ReadFile(buildWorkbook(t))
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenReader(io.MultiReader(bytes.NewReader(data)), "upload.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if rows := readAll(t, src); len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
}

func TestXLSXSheetByName(t *testing.T) {
	path := buildWorkbook(t)
	src, err := Open(path, OpenOptions{Sheet: "说明"})
	if err != nil {
		t.Fatal(err)
	}
	if rows := readAll(t, src); len(rows) != 1 || rows[0].Cells[0] != "隐藏的说明页" {
		t.Fatalf("rows %v", rows)
	}
	if _, err := Open(path, OpenOptions{Sheet: "没有"}); err == nil {
		t.Fatal("a missing sheet opened")
	}
}

func TestXMLScannerPieces(t *testing.T) {
	if got := string(appendUnescaped(nil, []byte("a&lt;b&gt;&amp;&quot;&apos;&#20013;&#x6587;&bogus;&"))); got != "a<b>&\"'中文&bogus;&" {
		t.Errorf("unescape = %q", got)
	}
	if got := unescapeOOXML("a_x000D_b_x005F_c_xZZZZ_d"); got != "a\rb_c_xZZZZ_d" {
		t.Errorf("unescapeOOXML = %q", got)
	}
	for ref, want := range map[string]int{"A1": 1, "Z9": 26, "AA10": 27, "XFD1": 16384, "ab3": 28} {
		if got, err := columnOf([]byte(ref)); err != nil || got != want {
			t.Errorf("columnOf(%s) = %d, %v", ref, got, err)
		}
	}
	for _, ref := range []string{"1A", "A", "XFE1", "A-1"} {
		if _, err := columnOf([]byte(ref)); err == nil {
			t.Errorf("columnOf(%s) accepted", ref)
		}
	}
	// Tokens split across reads, comments, CDATA and a '>' inside an attribute.
	doc := `<?xml version="1.0"?><!-- c --><x:row r="1" a='>'><c><v><![CDATA[1<2]]></v></c></x:row>`
	x := newXMLScanner(iotestOneByte(doc))
	var seen []string
	for {
		ok, err := x.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		switch x.kind {
		case tokStart:
			seen = append(seen, "<"+string(x.name))
			if x.isName("row") {
				if v, _ := x.attr("a"); string(v) != ">" {
					t.Errorf("attr a = %q", v)
				}
			}
		case tokEnd:
			seen = append(seen, "/"+string(x.name))
		case tokText:
			seen = append(seen, string(x.appendText(nil)))
		}
	}
	if got := strings.Join(seen, " "); got != "<row <c <v 1<2 /v /c /row" {
		t.Errorf("tokens: %s", got)
	}
}

// TestXLSXSheetVariants reads sheet XML as other writers produce it: no
// row or cell references, namespace prefixes, every cell type, phonetic
// runs that are not part of the value.
func TestXLSXSheetVariants(t *testing.T) {
	doc := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>公式结果</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>` +
		`<x:row><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="d"><x:v>2024-09-30T00:00:00</x:v></x:c><x:c/><x:c><x:v>4.5</x:v></x:c></x:row>` +
		`<x:row r="5"><x:c r="C5" t="inlineStr"><x:is><x:r><x:t>测</x:t></x:r><x:r><x:t xml:space="preserve">试 </x:t></x:r><x:rPh><x:t>ce</x:t></x:rPh></x:is></x:c></x:row>` +
		`<x:row r="6"/>` +
		`</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>`
	s := &xlsxSource{x: newXMLScanner(strings.NewReader(doc)), sst: &sharedStrings{text: "甲乙", offs: []uint32{0, 3, 6}}, closer: func() error { return nil }}
	var got []Row
	for s.Next() {
		got = append(got, Row{Num: s.Row().Num, Cells: append([]string(nil), s.Row().Cells...)})
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	want := []Row{
		{1, []string{"乙", "公式结果", "1"}},
		{2, []string{"#N/A", "2024-09-30T00:00:00", "", "4.5"}},
		{5, []string{"", "", "测试 "}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %v\nwant %v", got, want)
	}
}

// TestXLSXBrokenSheets checks that a damaged worksheet is an error, not a
// silent stop or a panic.
func TestXLSXBrokenSheets(t *testing.T) {
	for name, doc := range map[string]string{
		"rows going back":    `<sheetData><row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row></sheetData>`,
		"bad cell reference": `<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>`,
		"beyond XFD":         `<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>`,
		"unterminated tag":   `<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"`,
	} {
		t.Run(name, func(t *testing.T) {
			s := &xlsxSource{x: newXMLScanner(strings.NewReader(doc)), sst: &sharedStrings{}}
			for s.Next() {
			}
			var fe *FileError
			if !errorsAs(s.Err(), &fe) {
				t.Fatalf("err = %v", s.Err())
			}
		})
	}
}
