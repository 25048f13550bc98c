package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Row is one non-blank row of a sheet: Num is its 1-based number as a
// spreadsheet shows it (blank rows count), Cells its values as read,
// untrimmed. Cells is reused by the next call to Next.
type Row struct {
	Num   int
	Cells []string
}

// Source hands out the non-blank rows of one sheet of a file, in order,
// holding only the current row.
type Source interface {
	// Next moves to the next row with a non-blank cell. It returns false at
	// the end of the sheet or on an error (see Err).
	Next() bool
	// Row is the current row, valid until the next call to Next.
	Row() Row
	// Err is the error that stopped Next, if any.
	Err() error
	// Info says how the file was read.
	Info() SourceInfo
	// Close releases the file and any temporary copy.
	Close() error
}

// SourceInfo describes what Open found.
type SourceInfo struct {
	Name      string
	Format    string // csv | xlsx
	Encoding  string // csv: utf-8, utf-8-bom, gb18030, utf-16le, utf-16be
	Delimiter rune   // csv
	Sheet     string // xlsx: the sheet read
	Date1904  bool   // xlsx: serial dates count from 1904 (old Mac workbooks)
}

// Formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// OpenOptions tune Open. The zero value reads the first visible sheet with
// the built-in XLSX reader.
type OpenOptions struct {
	// Sheet names the XLSX sheet to read instead of the first visible one.
	Sheet string
	// Excelize reads XLSX through excelize's Rows iterator instead of the
	// built-in reader: several times slower, kept as a second opinion for a
	// workbook the built-in reader mishandles.
	Excelize bool
}

// FileError is a problem with a whole file, in words for the person who
// sent it; Err keeps the technical cause for logs.
type FileError struct {
	Reason string
	Err    error
}

func (e *FileError) Error() string {
	if e.Err != nil {
		return e.Reason + "（" + e.Err.Error() + "）"
	}
	return e.Reason
}

func (e *FileError) Unwrap() error { return e.Err }

// Magic numbers of the formats told apart.
const (
	zipMagic = "PK\x03\x04"
	oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
)

// Open reads the file at path: XLSX when it is a zip archive, CSV otherwise.
func Open(path string, opts ...OpenOptions) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Reason: "无法打开文件", Err: err}
	}
	src, err := open(f, f, statSize(f), baseName(path), options(opts), f.Close)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// OpenReader reads a file from r, which may be an upload; name is the file's
// name, for messages. An XLSX file needs random access: when r cannot seek
// it is copied to a temporary file first, never held in memory.
func OpenReader(r io.Reader, name string, opts ...OpenOptions) (Source, error) {
	if ra, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		size, err := ra.Seek(0, io.SeekEnd)
		if err == nil {
			_, err = ra.Seek(0, io.SeekStart)
		}
		if err != nil {
			return nil, &FileError{Reason: "无法读取文件", Err: err}
		}
		return open(r, ra, size, name, options(opts), func() error { return nil })
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(zipMagic))
	if !bytes.Equal(head, []byte(zipMagic)) {
		return open(br, nil, -1, name, options(opts), func() error { return nil })
	}
	tmp, err := os.CreateTemp("", "xiangbang-import-*.xlsx")
	if err != nil {
		return nil, &FileError{Reason: "无法暂存上传的文件", Err: err}
	}
	cleanup := func() error {
		cerr := tmp.Close()
		if rerr := os.Remove(tmp.Name()); cerr == nil {
			cerr = rerr
		}
		return cerr
	}
	size, err := io.Copy(tmp, br)
	if err != nil {
		cleanup()
		return nil, &FileError{Reason: "无法读取上传的文件", Err: err}
	}
	src, err := open(tmp, tmp, size, name, options(opts), cleanup)
	if err != nil {
		cleanup()
		return nil, err
	}
	return src, nil
}

func options(opts []OpenOptions) OpenOptions {
	if len(opts) > 0 {
		return opts[0]
	}
	return OpenOptions{}
}

// open sniffs the format from the first bytes. ra and size are only needed
// for XLSX; closer releases what the caller opened.
func open(r io.Reader, ra io.ReaderAt, size int64, name string, opts OpenOptions, closer func() error) (Source, error) {
	head := make([]byte, 512)
	var n int
	if ra != nil {
		n, _ = ra.ReadAt(head, 0)
	} else if br, ok := r.(*bufio.Reader); ok {
		p, _ := br.Peek(len(head))
		n = copy(head, p)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte(zipMagic)):
		if ra == nil {
			return nil, &FileError{Reason: "无法读取 XLSX 文件"}
		}
		if opts.Excelize {
			return openExcelize(ra, size, name, opts, closer)
		}
		return openXLSX(ra, size, name, opts, closer)
	case bytes.HasPrefix(head, []byte(oleMagic)):
		return nil, &FileError{Reason: "这是旧版 Excel（.xls）文件或加密的工作簿，无法读取；请在 Excel 或 WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入"}
	case looksLikeMarkup(head):
		return nil, &FileError{Reason: "这个文件其实是网页或 XML 表格（一些系统导出的“.xls”就是这样），无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"}
	}
	if ra != nil {
		r = io.NewSectionReader(ra, 0, size)
	}
	return openCSV(r, name, closer)
}

// looksLikeMarkup spots HTML tables and SpreadsheetML 2003 files that
// exporting systems often name .xls.
func looksLikeMarkup(head []byte) bool {
	s := strings.ToLower(strings.TrimLeft(string(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))), " \t\r\n"))
	for _, p := range []string{"<html", "<!doctype html", "<table", "<?xml", "<workbook"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func statSize(f *os.File) int64 {
	if fi, err := f.Stat(); err == nil {
		return fi.Size()
	}
	return 0
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// isBlankRow reports whether every cell is empty once trimmed.
func isBlankRow(cells []string) bool {
	for _, c := range cells {
		if cleanCell(c) != "" {
			return false
		}
	}
	return true
}

func wrapRead(err error, row int) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{Reason: fmt.Sprintf("读取到第%d行附近时文件损坏或格式不对", row), Err: err}
}
