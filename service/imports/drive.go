package imports

import (
	"errors"
	"hash/maphash"
	"sync/atomic"
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
	j.setRows(0)
	j.lastTick = 0
	if !j.strict {
		j.seen, j.seed = map[uint64]int32{}, maphash.MakeSeed()
	} else {
		j.seen = nil // checked already
	}
	var bw *batchWriter[W]
	var pending []W
	if j.write {
		bw = startWriter(j, k)
		defer bw.close()
		pending = bw.next()
	}
	for dec.Next() {
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if bw != nil && bw.failed.Load() {
			break // the writer's error is returned below
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
		j.addRow()
		if len(rc.rej) > 0 {
			if err := j.rejected(rc.rej); err != nil {
				return err
			}
		} else if bw != nil {
			pending = append(pending, w)
			if len(pending) >= j.s.o.BatchSize {
				bw.send(pending)
				pending = bw.next()
			}
		}
		j.tick(false)
	}
	if bw != nil {
		if len(pending) > 0 {
			bw.send(pending)
		}
		if err := bw.close(); err != nil {
			return err
		}
	}
	if err := dec.Err(); err != nil {
		var le *lookupError
		if errors.As(err, &le) {
			return le
		}
		return err
	}
	j.tick(true)
	return nil
}

// batchWriter writes batches in goroutines of their own while the next
// batch is read and checked, so that the database's time and the decoder's
// overlap, and on MySQL two batches are written at once (the server works
// on each in its own thread). Batches of a file never share a natural key
// (the duplicate check sees to it), so they are independent; a transaction
// the database picks as a deadlock victim is retried. At most writers+2
// batches exist at once: one being filled, one waiting, the rest being
// written.
type batchWriter[W any] struct {
	ch      chan []W
	free    chan []W
	errc    chan error
	failed  atomic.Bool
	writers int
	closed  bool
	err     error
}

func startWriter[T, W any](j *job, k kindWriter[T, W]) *batchWriter[W] {
	n := j.s.o.Writers
	bw := &batchWriter[W]{ch: make(chan []W, 1), free: make(chan []W, n+2), errc: make(chan error, n)}
	for range n + 2 {
		bw.free <- make([]W, 0, j.s.o.BatchSize)
	}
	bw.writers = n
	for range n {
		go func() {
			var err error
			for items := range bw.ch {
				if err == nil && !bw.failed.Load() {
					if err = j.flushRetrying(func(b *batch) error { return k.flush(b, items) }); err != nil {
						bw.failed.Store(true)
					}
				}
				clear(items)
				bw.free <- items[:0]
			}
			bw.errc <- err
		}()
	}
	return bw
}

// next is an empty batch to fill, when one is free.
func (bw *batchWriter[W]) next() []W { return <-bw.free }

// send hands a full batch to the writer.
func (bw *batchWriter[W]) send(items []W) { bw.ch <- items }

// close waits for the batches sent to be written and returns the first
// error; closing twice returns it again.
func (bw *batchWriter[W]) close() error {
	if !bw.closed {
		bw.closed = true
		close(bw.ch)
		for range bw.writers {
			if err := <-bw.errc; err != nil && bw.err == nil {
				bw.err = err
			}
		}
	}
	return bw.err
}

// rejected reports a bad row; in the strict writing pass it stops the run.
func (j *job) rejected(rej []importer.Rejection) error {
	if j.strict {
		return &errChanged{rej[0]}
	}
	j.mu.Lock()
	j.counts.Rejected++
	j.mu.Unlock()
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
	counts, rows := j.snapshot()
	if !end && rows-j.lastTick < 1000 {
		return
	}
	j.lastTick = rows
	if j.req.Progress != nil {
		p := Progress{Phase: j.phase, Rows: rows, Bytes: j.file.done(), Size: j.file.size, Counts: counts}
		if j.strict {
			p.Total = counts.Total
		}
		if end {
			p.Bytes = j.file.size
		}
		j.req.Progress(p)
	}
	if end || time.Since(j.lastBeat) > 2*time.Second {
		if err := j.saveProgress(nil, counts, rows); err != nil {
			j.s.log.Warn("import: progress not saved", "run", j.runID, "err", err)
		}
		j.lastBeat = time.Now()
	}
}
