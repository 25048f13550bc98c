package importer

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner is a small pull tokenizer for the XML inside XLSX files. It
// exists because encoding/xml, which excelize's Rows uses, allocates on
// every token and reads a million-row sheet several times slower than the
// rest of an import takes. It knows only what worksheets and shared
// strings use: elements, attributes, text, entities and CDATA; comments,
// processing instructions and DOCTYPE are skipped. Slices it returns are
// valid until the next call.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool

	kind  tokKind
	name  []byte // local name, without a namespace prefix
	attrs []byte // the raw attribute text of a start tag
	text  []byte // raw text, entities not yet decoded
	cdata bool   // text came from CDATA and needs no decoding
}

type tokKind int

const (
	tokNone tokKind = iota
	tokStart
	tokEnd
	tokSelfClosing
	tokText
)

// maxXMLToken bounds one tag or text run, so a corrupt file cannot make the
// scanner buffer it whole.
const maxXMLToken = 64 << 20

var errXMLToken = errors.New("xlsx: XML token too long or unterminated")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 256<<10)}
}

// fill reads more input, keeping buf[pos:end]. It returns false at the end
// of input.
func (x *xmlScanner) fill() (bool, error) {
	if x.eof {
		return false, nil
	}
	if x.pos > 0 {
		x.end = copy(x.buf, x.buf[x.pos:x.end])
		x.pos = 0
	}
	if x.end == len(x.buf) {
		if len(x.buf) >= maxXMLToken {
			return false, errXMLToken
		}
		nb := make([]byte, 2*len(x.buf))
		copy(nb, x.buf[:x.end])
		x.buf = nb
	}
	n, err := x.r.Read(x.buf[x.end:])
	x.end += n
	if err == io.EOF {
		x.eof = true
		return n > 0, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// next reads the next token; it returns false at the end of input.
func (x *xmlScanner) next() (bool, error) {
	for {
		if x.pos >= x.end {
			if ok, err := x.fill(); !ok || err != nil {
				return false, err
			}
			continue
		}
		if x.buf[x.pos] != '<' {
			i := bytes.IndexByte(x.buf[x.pos:x.end], '<')
			if i < 0 {
				if !x.eof {
					if _, err := x.fill(); err != nil {
						return false, err
					}
					continue
				}
				i = x.end - x.pos
			}
			x.kind, x.text, x.cdata = tokText, x.buf[x.pos:x.pos+i], false
			x.pos += i
			return true, nil
		}
		ok, err := x.tag()
		if err != nil || ok {
			return ok, err
		}
	}
}

// tag reads the markup at pos. It returns false, nil for markup it skips.
func (x *xmlScanner) tag() (bool, error) {
	for {
		b := x.buf[x.pos:x.end]
		atEOF := x.eof
		if len(b) >= 2 && b[1] != '!' && b[1] != '?' { // an element: by far the most common
			if i := tagEnd(b); i >= 0 {
				x.element(b[1:i])
				x.pos += i + 1
				return true, nil
			}
		} else if len(b) >= len("<![CDATA[") || atEOF { // enough to tell the kinds of markup apart
			switch {
			case bytes.HasPrefix(b, []byte("<!--")):
				if i := bytes.Index(b, []byte("-->")); i >= 0 {
					x.pos += i + 3
					return false, nil
				}
			case bytes.HasPrefix(b, []byte("<![CDATA[")):
				if i := bytes.Index(b, []byte("]]>")); i >= 0 {
					x.kind, x.text, x.cdata = tokText, b[9:i], true
					x.pos += i + 3
					return true, nil
				}
			case bytes.HasPrefix(b, []byte("<?")), bytes.HasPrefix(b, []byte("<!")):
				if i := bytes.IndexByte(b, '>'); i >= 0 {
					x.pos += i + 1
					return false, nil
				}
			default:
				if i := tagEnd(b); i >= 0 {
					x.element(b[1:i])
					x.pos += i + 1
					return true, nil
				}
			}
		}
		if atEOF {
			return false, errXMLToken
		}
		if _, err := x.fill(); err != nil {
			return false, err
		}
	}
}

// tagEnd finds the '>' closing the tag at the start of b, skipping any
// inside quoted attribute values.
func tagEnd(b []byte) int {
	var quote byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// element splits the inside of a tag (without < and >) into its kind, name
// and attributes.
func (x *xmlScanner) element(in []byte) {
	x.kind = tokStart
	if len(in) > 0 && in[0] == '/' {
		x.kind, in = tokEnd, in[1:]
	} else if len(in) > 0 && in[len(in)-1] == '/' {
		x.kind, in = tokSelfClosing, in[:len(in)-1]
	}
	n := 0
	for n < len(in) && !isXMLSpace(in[n]) {
		n++
	}
	name := in[:n]
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	x.name, x.attrs = name, in[n:]
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isName reports whether the current element's local name is s.
func (x *xmlScanner) isName(s string) bool { return string(x.name) == s }

// attr returns the raw value of the attribute with local name key in the
// current start tag.
func (x *xmlScanner) attr(key string) ([]byte, bool) {
	a := x.attrs
	for len(a) > 0 {
		for len(a) > 0 && isXMLSpace(a[0]) {
			a = a[1:]
		}
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		name := a[:eq]
		for len(name) > 0 && isXMLSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		a = a[eq+1:]
		for len(a) > 0 && isXMLSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return nil, false
		}
		if string(name) == key {
			return a[1 : end+1], true
		}
		a = a[end+2:]
	}
	return nil, false
}

// appendText appends the current text token to dst with entities decoded.
func (x *xmlScanner) appendText(dst []byte) []byte {
	if x.cdata {
		return append(dst, x.text...)
	}
	return appendUnescaped(dst, x.text)
}

// appendUnescaped decodes the five predefined entities and character
// references. An unknown entity is kept as written.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		semi := bytes.IndexByte(s, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		ent := string(s[1:semi])
		switch ent {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, s[:semi+1]...)
				s = s[semi+1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
		}
		s = s[semi+1:]
	}
}

func charRef(ent string) (rune, bool) {
	if !strings.HasPrefix(ent, "#") {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// unescapeOOXML decodes the _xHHHH_ escapes Excel writes for characters XML
// cannot carry (_x000D_ for a carriage return); _x005F_ escapes the
// underscore itself.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}
