package imports

import (
	"io"
	"os"
	"sync/atomic"

	"github.com/xiangbang/xiangbang/service/importer"
)

// lookahead names the columns whose values a chunk of rows asks the
// database about, by what they are.
type lookahead struct {
	households  []string // 户编号 columns
	members     []string // ID number columns of members
	cadrePhones []string
	cadreIDs    []string
}

// prefetchSource is a Source that reads a chunk of rows ahead of the
// decoder and, before handing out the first of them, asks the lookups for
// every 户编号, ID number and phone the chunk holds, one query per kind of
// key. The decoder's questions are then answered from memory.
type prefetchSource struct {
	src    importer.Source
	lk     *dbLookups
	size   int
	buf    []importer.Row
	next   int // index in buf of the row Next hands out next
	cur    importer.Row
	header *importer.Header
	ahead  lookahead
	err    error
}

func newPrefetchSource(src importer.Source, lk *dbLookups, size int) *prefetchSource {
	return &prefetchSource{src: src, lk: lk, size: size}
}

// start is called once the decoder has found the header: the chunk read
// while it looked is prefetched at once, rows already handed out included.
func (p *prefetchSource) start(h *importer.Header, ahead lookahead) error {
	p.header, p.ahead = h, ahead
	return p.prefetch()
}

func (p *prefetchSource) Next() bool {
	if p.err != nil {
		return false
	}
	if p.next >= len(p.buf) {
		if !p.fill() {
			return false
		}
	}
	p.cur = p.buf[p.next]
	p.next++
	return true
}

// fill reads the next chunk, copying each row (the source reuses its
// cells), and prefetches it.
func (p *prefetchSource) fill() bool {
	p.buf, p.next = p.buf[:0], 0
	for len(p.buf) < p.size && p.src.Next() {
		r := p.src.Row()
		p.buf = append(p.buf, importer.Row{Num: r.Num, Cells: append([]string(nil), r.Cells...)})
	}
	if len(p.buf) == 0 {
		return false
	}
	if err := p.prefetch(); err != nil {
		p.err = &lookupError{err}
		return false
	}
	return true
}

func (p *prefetchSource) prefetch() error {
	if p.header == nil {
		return nil
	}
	p.lk.forget()
	households := p.values(p.ahead.households, func(s string) (string, error) { return s, nil })
	members := p.values(p.ahead.members, importer.ParseIDCard)
	var cadreKeys []string
	for _, v := range p.values(p.ahead.cadrePhones, importer.ParsePhone) {
		cadreKeys = append(cadreKeys, "p"+v)
	}
	for _, v := range p.values(p.ahead.cadreIDs, importer.ParseIDCard) {
		cadreKeys = append(cadreKeys, "i"+v)
	}
	// Members first: their households come with them.
	if err := p.lk.fetchMembers(members); err != nil {
		return err
	}
	unknown := households[:0]
	for _, no := range households {
		if _, ok := p.lk.households[no]; !ok {
			unknown = append(unknown, no)
		}
	}
	if err := p.lk.fetchHouseholds(unknown); err != nil {
		return err
	}
	return p.lk.fetchCadres(cadreKeys)
}

// values are the distinct normalised values of the columns in the chunk;
// a value the normaliser refuses is left for the decoder to reject.
func (p *prefetchSource) values(keys []string, norm func(string) (string, error)) []string {
	if len(keys) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range p.buf {
		for _, k := range keys {
			v := p.header.Cell(r, k)
			if v == "" {
				continue
			}
			n, err := norm(v)
			if err != nil || n == "" || seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func (p *prefetchSource) Row() importer.Row { return p.cur }

func (p *prefetchSource) Err() error {
	if p.err != nil {
		return p.err
	}
	return p.src.Err()
}

func (p *prefetchSource) Info() importer.SourceInfo { return p.src.Info() }

func (p *prefetchSource) Close() error { return p.src.Close() }

// lookupError is a database failure met while reading ahead; it is not the
// file's fault.
type lookupError struct{ err error }

func (e *lookupError) Error() string { return "imports: looking up a chunk of rows: " + e.err.Error() }
func (e *lookupError) Unwrap() error { return e.err }

// countingFile is the file being imported, counting the bytes read from
// it, for progress while the number of rows is not known. It keeps ReadAt
// and Seek, so importer.OpenReader reads it in place.
type countingFile struct {
	f    *os.File
	read atomic.Int64
	size int64
}

func openCounting(path string) (*countingFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &countingFile{f: f, size: fi.Size()}, nil
}

func (c *countingFile) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }

func (c *countingFile) Close() error { return c.f.Close() }

// done is the bytes read, capped below the size: an XLSX archive is read
// out of order and partly twice.
func (c *countingFile) done() int64 {
	n := c.read.Load()
	if n >= c.size {
		n = c.size * 99 / 100
	}
	return n
}

var _ io.ReaderAt = (*countingFile)(nil)
