package importer

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// benchRows is the size the import issue is measured at.
const benchRows = 1_000_000

// The benchmarks read a million generated payment rows and report ns/row
// and the peak heap seen while reading. The files are generated once into
// the temporary directory and reused by later runs:
//
//	go test ./service/importer -run '^$' -bench Payments -benchtime 1x

func BenchmarkPaymentsCSV(b *testing.B) {
	benchDecode(b, benchFile(b, "utf8.csv", writeBenchCSV(false)))
}

func BenchmarkPaymentsCSVGBK(b *testing.B) {
	benchDecode(b, benchFile(b, "gbk.csv", writeBenchCSV(true)))
}

func BenchmarkPaymentsXLSX(b *testing.B) {
	benchDecode(b, benchFile(b, "xlsx", writeBenchXLSX))
}

// BenchmarkPaymentsXLSXExcelize is the same file through excelize's Rows,
// the second-opinion reader, for comparison.
func BenchmarkPaymentsXLSXExcelize(b *testing.B) {
	benchDecode(b, benchFile(b, "xlsx", writeBenchXLSX), OpenOptions{Excelize: true})
}

func benchDecode(b *testing.B, path string, opts ...OpenOptions) {
	items := testItems(b)
	runtime.GC()
	debug.FreeOSMemory()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	b.ResetTimer()
	var peak uint64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		src, err := Open(path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		d, err := NewPaymentDecoder(src, Options{Items: items, AllowDuplicates: os.Getenv("XB_BENCH_NO_DUPLICATE_CHECK") != ""})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for d.Next() {
			if _, rej := d.Record(); len(rej) > 0 {
				b.Fatalf("row refused: %+v", rej)
			}
			if n++; n%16384 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
		if err := d.Err(); err != nil {
			b.Fatal(err)
		}
		src.Close()
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*benchRows), "ns/row")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(base.HeapInuse)/(1<<20), "base-heap-MB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	}
}

// peakRSS is the process's peak resident set (Linux VmHWM), 0 elsewhere.
// It covers the whole test process, so run one benchmark at a time, with
// the file already generated, for a figure of the import alone.
func peakRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}

// benchFile returns the path of a generated file, writing it when absent.
func benchFile(b *testing.B, suffix string, write func(path string) error) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("xiangbang-bench-payments-%d.%s", benchRows, suffix))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := filepath.Join(filepath.Dir(path), "part-"+filepath.Base(path))
	if err := write(tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchRow builds row i: 100,000 households with ten payments each.
func benchRow(i int) []any {
	h := i / 10
	items := []string{"农村低保", "特困供养", "耕地地力保护补贴", "森林生态效益补偿", "困难残疾人生活补贴",
		"重度残疾人护理补贴", "公益性岗位补贴", "以奖代补", "临时救助", "雨露计划"}
	first := fmt.Sprintf("419999%s%03d", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, h/1000).Format("20060102"), h%1000)
	id := first + string(idCheck(first))
	status, paid := "已发放", any(45560+i%5)
	if i%20 == 7 {
		status, paid = "待发放", ""
	}
	return []any{
		fmt.Sprintf("4101221%02d2%02d%06d", h%10, h%50, h), id, fmt.Sprintf("测试%c%c", '甲'+rune(h%10), '一'+rune(i%10)),
		items[i%10], "2024-09", "2024-09-01", 100 + float64(i%9000) + 0.5, 45565, paid, status, fmt.Sprintf("%04d", i%10000), "",
	}
}

func idCheck(first17 string) byte { return []byte(testID(first17))[17] }

func benchHeader() []any {
	return []any{"户编号", "身份证号", "姓名", "补贴项目", "发放期间", "发放批次", "发放金额", "应发日期", "发放日期", "发放状态", "银行卡号后四位", "失败原因"}
}

func writeBenchCSV(gbkEncoded bool) func(string) error {
	return func(path string) error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var w *bufio.Writer
		if gbkEncoded {
			w = bufio.NewWriterSize(simplifiedchinese.GB18030.NewEncoder().Writer(f), 1<<20)
		} else {
			w = bufio.NewWriterSize(f, 1<<20)
		}
		line := func(cells []any) {
			for j, c := range cells {
				if j > 0 {
					w.WriteByte(',')
				}
				fmt.Fprint(w, c)
			}
			w.WriteString("\r\n")
		}
		line(benchHeader())
		for i := 0; i < benchRows; i++ {
			line(benchRow(i))
		}
		return w.Flush()
	}
}

func writeBenchXLSX(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", benchHeader()); err != nil {
		return err
	}
	for i := 0; i < benchRows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, benchRow(i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// BenchmarkPaymentsXLSXSharedStrings reads a workbook laid out as Excel
// saves it: every text in the shared string table, cells referring to it.
func BenchmarkPaymentsXLSXSharedStrings(b *testing.B) {
	benchDecode(b, benchFile(b, "sst.xlsx", writeBenchSharedXLSX))
}

// writeBenchSharedXLSX writes the minimal parts of a workbook by hand:
// excelize's StreamWriter writes inline strings, and its other writers
// hold the whole sheet in memory.
func writeBenchSharedXLSX(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	z := zip.NewWriter(f)
	part := func(name, body string) {
		w, _ := z.Create(name)
		io.WriteString(w, body)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="发放明细" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	index := map[string]int{}
	var table []string
	ref := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(table)
			index[s] = i
			table = append(table, s)
		}
		return i
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := func(n int, cells []any) {
		fmt.Fprintf(bw, `<row r="%d">`, n)
		for j, c := range cells {
			col, _ := excelize.ColumnNumberToName(j + 1)
			switch v := c.(type) {
			case string:
				if v != "" {
					fmt.Fprintf(bw, `<c r="%s%d" t="s"><v>%d</v></c>`, col, n, ref(v))
				}
			default:
				fmt.Fprintf(bw, `<c r="%s%d" s="1"><v>%v</v></c>`, col, n, v)
			}
		}
		bw.WriteString(`</row>`)
	}
	row(1, benchHeader())
	for i := 0; i < benchRows; i++ {
		row(i+2, benchRow(i))
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	w, _ = z.Create("xl/sharedStrings.xml")
	bw = bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(table), len(table))
	for _, s := range table {
		fmt.Fprintf(bw, `<si><t>%s</t></si>`, s)
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	return z.Close()
}
