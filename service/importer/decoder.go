package importer

import (
	"errors"
	"fmt"
	"hash/maphash"

	"github.com/xiangbang/xiangbang/model"
)

// Rejection is one reason a row cannot be taken. Column is the header as
// the file writes it; Value is the cell as written, with ID and phone
// numbers masked so that the report is not one more copy of them.
type Rejection struct {
	Row    int
	Column string
	Value  string
	Reason string
}

// Options are what decoders need besides the file.
type Options struct {
	// Items is the subsidy item catalogue; payments need it.
	Items *ItemCatalogue
	// Lookups checks rows against stored data; nil skips those checks.
	Lookups Lookups
	// Today, when set, refuses dates after it where only the past makes
	// sense (a payment's 发放日期).
	Today model.Date
	// AllowDuplicates turns off the check that no two rows of the file
	// describe the same thing (the same household, the same payment).
	AllowDuplicates bool
}

// Stats counts what a decoder has handed out.
type Stats struct {
	Rows     int // data rows read
	Rejected int // of which had at least one rejection
}

// Decoder reads one kind of record from a source. Each call to Next moves
// to the next data row; Record returns it either as a checked record or,
// when it has rejections, as reasons (the record is then incomplete and
// must not be written). The decoder does not close the source.
type Decoder[T any] struct {
	src     Source
	opts    Options
	rules   kindRules[T]
	header  *Header
	pending []Row // rows read while looking for the header
	ctx     rowContext
	seen    map[uint64]int32 // duplicate check: key hash → first row
	seed    maphash.Seed
	rec     T
	stats   Stats
	err     error
}

// kindRules is what a kind contributes to a decoder.
type kindRules[T any] struct {
	parse   func(*rowContext) T
	dupKey  func(*T) string // the row's identity in the file; "" skips the check
	dupWhat string          // what a duplicate repeats, for the reason
	// dupCols are the columns a duplicate is reported under: the first
	// with a value.
	dupCols []string
}

func newDecoder[T any](src Source, kind Kind, opts Options, rules kindRules[T]) (*Decoder[T], error) {
	if src == nil {
		return nil, errors.New("importer: nil source")
	}
	spec, err := SpecFor(kind)
	if err != nil {
		return nil, err
	}
	h, pending, err := findHeader(src, spec)
	if err != nil {
		return nil, err
	}
	d := &Decoder[T]{src: src, opts: opts, rules: rules, header: h, pending: pending, seed: maphash.MakeSeed()}
	d.ctx = rowContext{h: h, opts: &d.opts, date1904: src.Info().Date1904, memo: map[*enum]map[string]enumMemo{}}
	if !opts.AllowDuplicates && rules.dupKey != nil {
		d.seen = map[uint64]int32{}
	}
	return d, nil
}

// Header says where the file keeps each column.
func (d *Decoder[T]) Header() *Header { return d.header }

// Next moves to the next data row. It returns false at the end of the file
// or when reading fails or a lookup fails (see Err).
func (d *Decoder[T]) Next() bool {
	if d.err != nil {
		return false
	}
	var row Row
	switch {
	case len(d.pending) > 0:
		row, d.pending = d.pending[0], d.pending[1:]
	case d.src.Next():
		row = d.src.Row()
	default:
		d.err = d.src.Err()
		return false
	}
	c := &d.ctx
	c.row, c.rej, c.err = row, c.rej[:0], nil
	d.rec = d.rules.parse(c)
	if c.err != nil {
		d.err = fmt.Errorf("importer: row %d: %w", row.Num, c.err)
		return false
	}
	if len(c.rej) == 0 && d.seen != nil {
		d.checkDuplicate(c)
	}
	d.stats.Rows++
	if len(c.rej) > 0 {
		d.stats.Rejected++
	}
	return true
}

// checkDuplicate remembers a hash of each good row's identity: eight bytes
// a row instead of the key, so a million rows stay in a few dozen MB. Two
// different keys sharing a 64-bit hash is a one-in-ten-billion chance at
// that size.
func (d *Decoder[T]) checkDuplicate(c *rowContext) {
	key := d.rules.dupKey(&d.rec)
	if key == "" {
		return
	}
	h := maphash.String(d.seed, key)
	if first, ok := d.seen[h]; ok {
		col := d.rules.dupCols[0]
		for _, k := range d.rules.dupCols {
			if c.raw(k) != "" {
				col = k
				break
			}
		}
		c.reject(col, c.raw(col), fmt.Sprintf("与第%d行重复（%s相同）", first, d.rules.dupWhat))
		return
	}
	d.seen[h] = int32(c.row.Num)
}

// Record is the current row: the record, and its rejections (none when the
// row is good). The slice is reused by the next call to Next.
func (d *Decoder[T]) Record() (T, []Rejection) { return d.rec, d.ctx.rej }

// Err is the error that stopped Next: a broken file or a failed lookup.
func (d *Decoder[T]) Err() error { return d.err }

// Stats counts the rows so far.
func (d *Decoder[T]) Stats() Stats { return d.stats }
