package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a CSV file decides its encoding and delimiter:
// enough for the title, the header and a few hundred rows.
const sniffSize = 64 << 10

// csvSource reads a CSV file row by row.
type csvSource struct {
	info    SourceInfo
	r       *csv.Reader
	closer  func() error
	row     Row
	endLine int // the line the previous record ended on
	err     error
}

func openCSV(r io.Reader, name string, closer func() error) (Source, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize)
	info := SourceInfo{Name: name, Format: FormatCSV}
	var text io.Reader
	switch {
	case strings.HasPrefix(string(head), "\xef\xbb\xbf"):
		info.Encoding = "utf-8-bom"
		br.Discard(3)
		text = br
	case strings.HasPrefix(string(head), "\xff\xfe"), strings.HasPrefix(string(head), "\xfe\xff"):
		// Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
		info.Encoding = "utf-16le"
		if head[0] == 0xfe {
			info.Encoding = "utf-16be"
		}
		text = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case validUTF8Prefix(head, len(head) < sniffSize):
		info.Encoding = "utf-8"
		text = br
	default:
		// GB18030 is a superset of GBK and GB2312, which Chinese Excel and
		// WPS write by default.
		info.Encoding = "gb18030"
		text = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	tr := bufio.NewReaderSize(text, sniffSize)
	sample, _ := tr.Peek(sniffSize)
	info.Delimiter = sniffDelimiter(string(sample))
	cr := csv.NewReader(tr)
	cr.Comma = info.Delimiter
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // exports often carry stray quotes inside fields
	cr.ReuseRecord = true
	return &csvSource{info: info, r: cr, closer: closer}, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at
// the end of a sample that is not the whole file.
func validUTF8Prefix(b []byte, whole bool) bool {
	if !whole {
		for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	return utf8.Valid(b)
}

// sniffDelimiter picks comma, tab or semicolon: the one found on the most
// of the first lines, then the most often. A title line without any does
// not count against a delimiter.
func sniffDelimiter(sample string) rune {
	lines := strings.SplitN(sample, "\n", 21)
	if len(lines) > 20 {
		lines = lines[:20]
	}
	best, bestLines, bestCount := ',', 0, 0
	for _, d := range []rune{',', '\t', ';'} {
		nLines, count := 0, 0
		for _, l := range lines {
			if c := strings.Count(l, string(d)); c > 0 {
				nLines++
				count += c
			}
		}
		if nLines > bestLines || nLines == bestLines && count > bestCount {
			best, bestLines, bestCount = d, nLines, count
		}
	}
	return best
}

func (s *csvSource) Next() bool {
	for s.err == nil {
		rec, err := s.r.Read()
		if err == io.EOF {
			return false
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				s.err = &FileError{Reason: fmt.Sprintf("第%d行附近的 CSV 格式不对（引号不成对或分隔符混用）", s.row.Num+1), Err: err}
			} else {
				s.err = wrapRead(err, s.row.Num+1)
			}
			return false
		}
		// encoding/csv skips empty lines; a spreadsheet shows them as rows,
		// so count them to keep row numbers as the user sees them.
		start, _ := s.r.FieldPos(0)
		if gap := start - s.endLine - 1; gap > 0 {
			s.row.Num += gap
		}
		s.row.Num++
		last, _ := s.r.FieldPos(len(rec) - 1)
		s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
		if isBlankRow(rec) {
			continue
		}
		s.row.Cells = rec
		return true
	}
	return false
}

func (s *csvSource) Row() Row         { return s.row }
func (s *csvSource) Err() error       { return s.err }
func (s *csvSource) Info() SourceInfo { return s.info }
func (s *csvSource) Close() error     { return s.closer() }
