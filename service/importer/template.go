package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteTemplate writes a blank file of the kind with the expected headers:
// CSV (UTF-8 with a byte-order mark, headers only, so no example row can be
// imported by mistake) or XLSX (a data sheet whose number-like columns are
// formatted as text, and a sheet of notes on every column).
func WriteTemplate(kind Kind, w io.Writer, format string) error {
	spec, err := SpecFor(kind)
	if err != nil {
		return err
	}
	switch format {
	case FormatCSV:
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		cw.Write(headers(spec))
		cw.Flush()
		return cw.Error()
	case FormatXLSX:
		return writeXLSXTemplate(spec, w)
	}
	return fmt.Errorf("importer: unknown template format %q (want csv or xlsx)", format)
}

// templateColumns are the columns a template writes: all but the
// alternative forms.
func templateColumns(spec *Spec) []Column {
	var cols []Column
	for _, c := range spec.Columns {
		if !c.Alt {
			cols = append(cols, c)
		}
	}
	return cols
}

func headers(spec *Spec) []string {
	var hs []string
	for _, c := range templateColumns(spec) {
		hs = append(hs, c.Header)
	}
	return hs
}

// textColumn reports whether a column holds digits that must stay text in
// a spreadsheet: long numbers lose digits, leading zeros vanish and
// "2024-09" turns into a date.
func textColumn(c Column) bool {
	switch c.Key {
	case "household_no", "code", "parent", "region_code", "external_no", "batch", "period", "card_last4":
		return true
	}
	return c.Sensitive
}

func writeXLSXTemplate(spec *Spec, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	data := spec.Title
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	required, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	for i, c := range templateColumns(spec) {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell := col + "1"
		f.SetCellStr(data, cell, c.Header)
		style := head
		if c.Required || c.OneOf != "" {
			style = required
		}
		f.SetCellStyle(data, cell, cell, style)
		f.SetColWidth(data, col, col, float64(max(10, 2*len([]rune(c.Header))+4)))
		if textColumn(c) {
			if err := f.SetColStyle(data, col, text); err != nil {
				return err
			}
			f.SetCellStyle(data, cell, cell, style) // the column style must not override the header's
		}
	}
	f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if err := writeNotes(f, spec, head); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// writeNotes adds the 填写说明 sheet: each column, whether it is required,
// how to fill it, an example and the other headers that are understood.
func writeNotes(f *excelize.File, spec *Spec, head int) error {
	const notes = "填写说明"
	if _, err := f.NewSheet(notes); err != nil {
		return err
	}
	rows := [][]string{{"列名", "是否必填", "填写说明", "示例", "也认得的列名"}}
	for _, c := range spec.Columns {
		need := "选填"
		switch {
		case c.Alt:
			need = "选填；模板未列出，需要时自行加列"
		case c.Required:
			need = "必填"
		case c.OneOf != "":
			need = strings.Join(groupHeaders(spec, c.OneOf), "、") + " 至少填一项"
		}
		rows = append(rows, []string{c.Header, need, c.Note, c.Example, strings.Join(c.Aliases, "、")})
	}
	rows = append(rows, []string{}, []string{"说明：红色列名为必填（或几列中至少填一项）。列的顺序不限，表头上方可以有标题行；" +
		"身份证号、户编号、区划代码等列请保持文本格式，以免 Excel 把长数字变成科学计数法。示例均为虚构。"})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(notes, cell, &vals); err != nil {
			return err
		}
	}
	f.SetCellStyle(notes, "A1", "E1", head)
	for col, width := range map[string]float64{"A": 18, "B": 22, "C": 60, "D": 24, "E": 60} {
		f.SetColWidth(notes, col, col, width)
	}
	return nil
}
