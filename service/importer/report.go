package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// ReportWriter writes rejected rows for the person who sent the file:
// 行号, 列, 值, 原因, one line per rejection, streamed.
type ReportWriter interface {
	Write(Rejection) error
	// Close finishes the report; an XLSX report is written to its writer
	// only now.
	Close() error
}

// reportHeader is the report's first row.
func reportHeader() []string { return []string{"行号", "列", "值", "原因"} }

// NewReport returns a writer of the format: csv or xlsx.
func NewReport(w io.Writer, format string) (ReportWriter, error) {
	switch format {
	case FormatCSV:
		return NewCSVReport(w)
	case FormatXLSX:
		return NewXLSXReport(w)
	}
	return nil, fmt.Errorf("importer: unknown report format %q (want csv or xlsx)", format)
}

// csvReport writes UTF-8 with a byte-order mark: without it Excel, the
// program people open reports with, reads the Chinese as GBK.
type csvReport struct {
	w *csv.Writer
}

// NewCSVReport starts a CSV report on w.
func NewCSVReport(w io.Writer) (ReportWriter, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as Excel writes CSV
	if err := cw.Write(reportHeader()); err != nil {
		return nil, err
	}
	return &csvReport{w: cw}, nil
}

func (r *csvReport) Write(rej Rejection) error {
	return r.w.Write([]string{strconv.Itoa(rej.Row), defuse(rej.Column), defuse(rej.Value), rej.Reason})
}

func (r *csvReport) Close() error {
	r.w.Flush()
	return r.w.Error()
}

// defuse keeps a value that starts like a formula from running as one when
// the CSV is opened in a spreadsheet: the values come from someone else's
// file.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// xlsxReport streams rows into excelize's StreamWriter, which spills to a
// temporary file past a few MB, so memory stays flat.
type xlsxReport struct {
	w        io.Writer
	f        *excelize.File
	sw       *excelize.StreamWriter
	row      int
	overflow int // rejections beyond what one sheet holds
}

const reportSheet = "未导入的行"

// NewXLSXReport starts an XLSX report that Close writes to w.
func NewXLSXReport(w io.Writer) (ReportWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", reportSheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(reportSheet)
	if err != nil {
		return nil, err
	}
	for col, width := range []float64{8, 18, 24, 60} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := reportHeader()
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return &xlsxReport{w: w, f: f, sw: sw, row: 1}, nil
}

func (r *xlsxReport) Write(rej Rejection) error {
	if r.row >= maxRows-1 { // keep the last row for the note about the rest
		r.overflow++
		return nil
	}
	r.row++
	cell, _ := excelize.CoordinatesToCellName(1, r.row)
	return r.sw.SetRow(cell, []any{rej.Row, rej.Column, rej.Value, rej.Reason})
}

func (r *xlsxReport) Close() error {
	defer r.f.Close()
	if r.overflow > 0 {
		cell, _ := excelize.CoordinatesToCellName(1, r.row+1)
		note := fmt.Sprintf("还有%d条未列出：一张工作表最多约104万行，请看 CSV 格式的报告", r.overflow)
		if err := r.sw.SetRow(cell, []any{"", "", "", note}); err != nil {
			return err
		}
	}
	if err := r.sw.Flush(); err != nil {
		return err
	}
	_, err := r.f.WriteTo(r.w)
	return err
}
