package imports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xiangbang/xiangbang/service/importer"
)

// reportSink writes a run's rejected rows to a CSV file, created at the
// first rejection: a clean run leaves no file.
type reportSink struct {
	path string
	f    *os.File
	buf  *bufio.Writer
	w    importer.ReportWriter
	n    int
}

func newReportSink(path string) *reportSink { return &reportSink{path: path} }

func (r *reportSink) write(rej importer.Rejection) error {
	if r.w == nil {
		if err := os.MkdirAll(filepath.Dir(r.path), 0o750); err != nil {
			return err
		}
		f, err := os.OpenFile(r.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
		if err != nil {
			return err
		}
		r.f, r.buf = f, bufio.NewWriterSize(f, 64<<10)
		if r.w, err = importer.NewCSVReport(r.buf); err != nil {
			return err
		}
	}
	r.n++
	return r.w.Write(rej)
}

func (r *reportSink) close() error {
	if r.w == nil {
		return nil
	}
	err := r.w.Close()
	if ferr := r.buf.Flush(); err == nil {
		err = ferr
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// written is the report's path, "" when nothing was rejected.
func (r *reportSink) written() string {
	if r.w == nil {
		return ""
	}
	return r.path
}

// WriteReport copies a run's CSV report to w as format (csv or xlsx),
// streaming: an XLSX report of a million rejections does not sit in memory.
func WriteReport(csvPath string, w io.Writer, format string) error {
	f, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if format == importer.FormatCSV {
		_, err := io.Copy(w, f)
		return err
	}
	out, err := importer.NewReport(w, format)
	if err != nil {
		return err
	}
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 4
	if _, err := cr.Read(); err != nil { // the header
		return fmt.Errorf("imports: report %s: %w", csvPath, err)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("imports: report %s: %w", csvPath, err)
		}
		row, _ := strconv.Atoi(rec[0])
		if err := out.Write(importer.Rejection{Row: row, Column: undefuse(rec[1]), Value: undefuse(rec[2]), Reason: rec[3]}); err != nil {
			return err
		}
	}
	return out.Close()
}

// undefuse takes back the quote the CSV report puts before values that
// look like formulas; XLSX cells are not formulas.
func undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}
