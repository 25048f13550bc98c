package imports

import (
	"errors"
	"hash/maphash"
	"time"

	"github.com/xiangbang/xiangbang/service/importer"
)

// kindWriter is what one kind of file contributes to a run: its decoder,
// the columns worth reading ahead, the checks that need stored data and
// the run's scope, and the write of a batch.
type kindWriter[T, W any] interface {
	open(src importer.Source, o importer.Options) (*importer.Decoder[T], error)
	rowOf(rec *T) int
	lookahead() lookahead
	// begin is called once the header is known.
	begin(h *importer.Header)
	// resolve turns a decoded row into what flush writes, rejecting it on
	// rc when stored data or the scope say no.
	resolve(rc *rowCheck, rec *T) W
	flush(b *batch, items []W) error
}

// lookaheadRows is how many rows the prefetching source reads ahead.
const lookaheadRows = 1000

// drive runs one pass over the file with a kind's writer.
func drive[T, W any](j *job, k kindWriter[T, W]) error {
	f, err := openCounting(j.req.Path)
	if err != nil {
		return &importer.FileError{Reason: "无法打开文件", Err: err}
	}
	defer f.Close()
	j.file = f
	src, err := importer.OpenReader(f, j.fileName())
	if err != nil {
		return err
	}
	pf := newPrefetchSource(src, j.lk, lookaheadRows)
	defer pf.Close()
	// The decoders' own duplicate check is on the file's identifiers; the
	// run checks natural keys after resolving them (two ID numbers of one
	// household name the same household payment), so only one runs.
	dec, err := k.open(pf, importer.Options{Items: j.s.items, Lookups: j.lk, Today: j.today, AllowDuplicates: true})
	if err != nil {
		return err
	}
	j.header = dec.Header()
	k.begin(j.header)
	if err := pf.start(j.header, k.lookahead()); err != nil {
		return &lookupError{err}
	}
	j.rows, j.lastTick = 0, 0
	if !j.strict {
		j.seen, j.seed = map[uint64]int32{}, maphash.MakeSeed()
	} else {
		j.seen = nil // checked already
	}
	pending := make([]W, 0, j.s.o.BatchSize)
	for dec.Next() {
		if err := j.ctx.Err(); err != nil {
			return err
		}
		rec, decoded := dec.Record()
		rc := j.check(k.rowOf(&rec), decoded)
		var w W
		if rc.ok() {
			w = k.resolve(rc, &rec)
		}
		if rc.err != nil {
			return rc.err
		}
		j.rows++
		if len(rc.rej) > 0 {
			if err := j.rejected(rc.rej); err != nil {
				return err
			}
		} else if j.write {
			pending = append(pending, w)
			if len(pending) >= j.s.o.BatchSize {
				if err := j.flush(func(b *batch) error { return k.flush(b, pending) }); err != nil {
					return err
				}
				pending = pending[:0]
			}
		}
		j.tick(false)
	}
	if err := dec.Err(); err != nil {
		var le *lookupError
		if errors.As(err, &le) {
			return le
		}
		return err
	}
	if j.write && len(pending) > 0 {
		if err := j.flush(func(b *batch) error { return k.flush(b, pending) }); err != nil {
			return err
		}
	}
	j.tick(true)
	return nil
}

// rejected reports a bad row; in the strict writing pass it stops the run.
func (j *job) rejected(rej []importer.Rejection) error {
	if j.strict {
		return &errChanged{rej[0]}
	}
	j.counts.Rejected++
	for _, r := range rej {
		if err := j.report.write(r); err != nil {
			return err
		}
	}
	return nil
}

// tick reports progress: to the caller every thousand rows, to the run's
// row about every two seconds (its heartbeat), and at the end of a pass.
func (j *job) tick(end bool) {
	if !end && j.rows-j.lastTick < 1000 {
		return
	}
	j.lastTick = j.rows
	if j.req.Progress != nil {
		p := Progress{Phase: j.phase, Rows: j.rows, Bytes: j.file.done(), Size: j.file.size, Counts: j.counts}
		if j.strict {
			p.Total = j.counts.Total
		}
		if end {
			p.Bytes = j.file.size
		}
		j.req.Progress(p)
	}
	if end || time.Since(j.lastBeat) > 2*time.Second {
		if err := j.saveProgress(nil, j.counts, end); err != nil {
			j.s.log.Warn("import: progress not saved", "run", j.runID, "err", err)
		}
	}
}
