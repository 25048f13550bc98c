package importer

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func sampleRejections() []Rejection {
	return []Rejection{
		{Row: 5, Column: "发放金额（元）", Value: "-100", Reason: "金额不能为负数"},
		{Row: 7, Column: "身份证号", Value: "4199**********1230", Reason: "身份证号校验位不对，请核对号码"},
		{Row: 9, Column: "备注", Value: "=HYPERLINK(\"x\")", Reason: "含逗号, 和\"引号\""},
	}
}

func TestCSVReport(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewReport(&buf, FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleRejections() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff行号,列,值,原因\r\n" +
		"5,发放金额（元）,'-100,金额不能为负数\r\n" +
		"7,身份证号,4199**********1230,身份证号校验位不对，请核对号码\r\n" +
		"9,备注,\"'=HYPERLINK(\"\"x\"\")\",\"含逗号, 和\"\"引号\"\"\"\r\n"
	if buf.String() != want {
		t.Fatalf("report:\n%s\nwant:\n%s", buf.String(), want)
	}
	// The report reads back through the importer's own CSV source.
	src, _ := OpenReader(bytes.NewReader(buf.Bytes()), "r.csv")
	rows := readAll(t, src)
	if len(rows) != 4 || rows[0].Cells[0] != "行号" || src.Info().Encoding != "utf-8-bom" {
		t.Fatalf("%v %+v", rows, src.Info())
	}
}

func TestXLSXReport(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewReport(&buf, FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleRejections() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := OpenReader(bytes.NewReader(buf.Bytes()), "r.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, src)
	want := []Row{
		{1, []string{"行号", "列", "值", "原因"}},
		{2, []string{"5", "发放金额（元）", "-100", "金额不能为负数"}},
		{3, []string{"7", "身份证号", "4199**********1230", "身份证号校验位不对，请核对号码"}},
		{4, []string{"9", "备注", "=HYPERLINK(\"x\")", "含逗号, 和\"引号\""}},
	}
	if !reflect.DeepEqual(got, want) || src.Info().Sheet != reportSheet {
		t.Fatalf("rows %v\nwant %v", got, want)
	}
	if _, err := NewReport(&buf, "pdf"); err == nil {
		t.Fatal("a pdf report was offered")
	}
}

// TestTemplatesReadBack checks each template is a file the importer takes:
// every header found, nothing missing, no rows.
func TestTemplatesReadBack(t *testing.T) {
	for _, kind := range Kinds() {
		for _, format := range []string{FormatCSV, FormatXLSX} {
			t.Run(string(kind)+"."+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := WriteTemplate(kind, &buf, format); err != nil {
					t.Fatal(err)
				}
				src, err := OpenReader(bytes.NewReader(buf.Bytes()), "template."+format)
				if err != nil {
					t.Fatal(err)
				}
				stats, err := Check(kind, src, Options{Items: testItems(t)}, func(r Rejection) error {
					t.Errorf("rejection %+v", r)
					return nil
				})
				if err != nil || stats.Rows != 0 {
					t.Fatalf("stats %+v, err %v", stats, err)
				}
				spec, _ := SpecFor(kind)
				src, _ = OpenReader(bytes.NewReader(buf.Bytes()), "template."+format)
				h, _, err := findHeader(src, spec)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(templateColumns(spec)); len(h.cols) != n || len(h.Ignored) != 0 {
					t.Fatalf("%d of %d columns found, ignored %v", len(h.cols), n, h.Ignored)
				}
			})
		}
	}
	if err := WriteTemplate(KindPayments, &bytes.Buffer{}, "ods"); err == nil {
		t.Fatal("an ods template was offered")
	}
}

func TestXLSXTemplateNotesAndTextColumns(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(KindHouseholds, &buf, FormatXLSX); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"脱贫户和监测对象", "填写说明"}) {
		t.Fatalf("sheets %v", got)
	}
	notes, _ := f.GetRows("填写说明")
	if len(notes) < 5 || notes[1][0] != "户编号" || notes[1][1] != "必填" || !strings.Contains(strings.Join(notes[1], " "), "户码") {
		t.Fatalf("notes %v", notes)
	}
	// 户主身份证号 (column C) keeps long digits as text.
	style, _ := f.GetCellStyle("脱贫户和监测对象", "C2")
	st, _ := f.GetStyle(style)
	if st == nil || st.NumFmt != 49 {
		t.Fatalf("ID column style %+v", st)
	}
}
