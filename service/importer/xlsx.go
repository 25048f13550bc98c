package importer

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits that keep a hostile or broken workbook from exhausting memory.
const (
	maxSharedStrings = 256 << 20 // bytes of shared string text held
	maxColumns       = 16384     // Excel's own limit (XFD)
	maxRows          = 1048576
)

// xlsxSource reads one worksheet of an XLSX file as a stream: the zip entry
// is inflated as it is read and only the shared string table is held.
type xlsxSource struct {
	info   SourceInfo
	rc     io.ReadCloser
	x      *xmlScanner
	sst    *sharedStrings
	closer func() error

	row      Row
	cells    []string
	val      []byte // the current cell's text being assembled
	rowNum   int
	col      int
	cellType string
	err      error
	done     bool
}

func openXLSX(ra io.ReaderAt, size int64, name string, opts OpenOptions, closer func() error) (Source, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &FileError{Reason: "XLSX 文件已损坏，无法打开", Err: err}
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	wb, err := readWorkbook(files)
	if err != nil {
		return nil, err
	}
	sheet, err := wb.pick(opts.Sheet)
	if err != nil {
		return nil, err
	}
	sheetFile := files[strings.ToLower(sheet.path)]
	if sheetFile == nil {
		return nil, &FileError{Reason: "XLSX 文件缺少工作表“" + sheet.name + "”的内容"}
	}
	s := &xlsxSource{
		info:   SourceInfo{Name: name, Format: FormatXLSX, Sheet: sheet.name, Date1904: wb.date1904},
		closer: closer,
		sst:    &sharedStrings{},
	}
	if f := files[strings.ToLower(wb.sharedStrings)]; f != nil {
		if s.sst, err = readSharedStrings(f); err != nil {
			return nil, err
		}
	}
	if s.rc, err = sheetFile.Open(); err != nil {
		return nil, &FileError{Reason: "XLSX 文件已损坏，无法读取工作表", Err: err}
	}
	s.x = newXMLScanner(s.rc)
	return s, nil
}

func (s *xlsxSource) Next() bool {
	for s.err == nil && !s.done {
		ok, err := s.readRow()
		if err != nil {
			s.err = wrapRead(err, s.rowNum+1)
			return false
		}
		if !ok {
			s.done = true
			return false
		}
		if !isBlankRow(s.cells) {
			s.row = Row{Num: s.rowNum, Cells: s.cells}
			return true
		}
	}
	return false
}

// readRow scans to the end of the next <row>; it returns false after
// </sheetData>.
func (s *xlsxSource) readRow() (bool, error) {
	x := s.x
	inRow, inValue, inInline, inPhonetic := false, false, false, 0
	for {
		ok, err := x.next()
		if err != nil {
			return false, err
		}
		if !ok {
			return false, nil
		}
		switch x.kind {
		case tokStart, tokSelfClosing:
			selfClosing := x.kind == tokSelfClosing
			switch {
			case x.isName("row"):
				if err := s.startRow(); err != nil {
					return false, err
				}
				if selfClosing {
					return true, nil
				}
				inRow = true
			case !inRow:
			case x.isName("c"):
				if err := s.startCell(); err != nil {
					return false, err
				}
				if selfClosing {
					s.endCell()
				}
			case x.isName("v"):
				inValue = !selfClosing
			case x.isName("is"):
				inInline = !selfClosing
			case x.isName("t"):
				inValue = inInline && inPhonetic == 0 && !selfClosing
			case x.isName("rPh"):
				if !selfClosing {
					inPhonetic++
				}
			}
		case tokEnd:
			switch {
			case x.isName("row"):
				return true, nil
			case x.isName("sheetData"):
				return false, nil
			case x.isName("c"):
				s.endCell()
			case x.isName("v"), x.isName("t"):
				inValue = false
			case x.isName("is"):
				inInline = false
			case x.isName("rPh"):
				inPhonetic--
			}
		case tokText:
			if inValue {
				s.val = x.appendText(s.val)
			}
		}
	}
}

func (s *xlsxSource) startRow() error {
	s.rowNum++
	if r, ok := s.x.attr("r"); ok {
		n, err := strconv.Atoi(string(r))
		if err != nil || n < s.rowNum || n > maxRows {
			return fmt.Errorf("xlsx: bad row number %q", r)
		}
		s.rowNum = n
	}
	s.cells = s.cells[:0]
	s.col = 0
	return nil
}

func (s *xlsxSource) startCell() error {
	s.col++
	if r, ok := s.x.attr("r"); ok {
		c, err := columnOf(r)
		if err != nil {
			return err
		}
		s.col = c
	}
	if s.col > maxColumns {
		return fmt.Errorf("xlsx: column beyond XFD")
	}
	t, _ := s.x.attr("t")
	switch string(t) { // mapped to constants so that no cell allocates its type
	case "s":
		s.cellType = "s"
	case "inlineStr":
		s.cellType = "inlineStr"
	default:
		s.cellType = ""
	}
	s.val = s.val[:0]
	return nil
}

// endCell stores the current cell's value by its type.
func (s *xlsxSource) endCell() {
	var v string
	switch s.cellType {
	case "s":
		if i, ok := atoiBytes(s.val); ok {
			v, _ = s.sst.get(i)
		}
	case "inlineStr":
		v = unescapeOOXML(string(s.val))
	default:
		v = string(s.val)
	}
	s.val = s.val[:0]
	if v == "" {
		return
	}
	for len(s.cells) < s.col-1 {
		s.cells = append(s.cells, "")
	}
	if len(s.cells) >= s.col { // a cell repeated out of order: keep the first
		return
	}
	s.cells = append(s.cells, v)
}

// atoiBytes reads a shared string index without converting it to a string.
func atoiBytes(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// columnOf reads the column of a cell reference such as "AB12" (1-based).
func columnOf(ref []byte) (int, error) {
	col := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a') + 1
		case c >= '0' && c <= '9':
			if col == 0 {
				return 0, fmt.Errorf("xlsx: bad cell reference %q", ref)
			}
			return col, nil
		default:
			return 0, fmt.Errorf("xlsx: bad cell reference %q", ref)
		}
		if col > maxColumns {
			return 0, errors.New("xlsx: column beyond XFD")
		}
	}
	return 0, fmt.Errorf("xlsx: bad cell reference %q", ref)
}

func (s *xlsxSource) Row() Row         { return s.row }
func (s *xlsxSource) Err() error       { return s.err }
func (s *xlsxSource) Info() SourceInfo { return s.info }

func (s *xlsxSource) Close() error {
	err := s.rc.Close()
	if cerr := s.closer(); err == nil {
		err = cerr
	}
	return err
}
