package push

import (
	"context"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// recorder writes outcomes in small groups as sends finish (one
// transaction per group, not per message) and knows which claimed messages
// are still being handled, so the claimer does not take them again.
type recorder struct {
	w        *Worker
	ctx      context.Context
	mu       sync.Mutex
	pending  []outcome
	inflight map[int64]bool
	kick     chan struct{}
	flushed  chan struct{} // a flush finished: room for more work
	stop     chan struct{}
	done     chan struct{}
}

// recordEvery and recordGroup bound how long and how many outcomes wait:
// a message sent but not recorded when the process dies is sent again.
const (
	recordEvery = 20 * time.Millisecond
	recordGroup = 64
)

func newRecorder(w *Worker, ctx context.Context) *recorder {
	r := &recorder{w: w, ctx: ctx, inflight: map[int64]bool{}, kick: make(chan struct{}, 1),
		flushed: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// track marks claimed messages as being handled.
func (r *recorder) track(rows []model.OutboxMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, row := range rows {
		r.inflight[row.ID] = true
	}
}

// size is how many claimed messages have no recorded outcome yet.
func (r *recorder) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight)
}

// waitRoom blocks until at most n claimed messages lack a recorded outcome,
// or ctx ends. Claiming runs ahead of sending only this far, and sending
// ahead of recording: what was sent but not recorded when the process
// dies is sent again, so this bounds the repeats a crash can cause.
func (r *recorder) waitRoom(ctx context.Context, n int) bool {
	for r.size() > n {
		select {
		case <-ctx.Done():
			return false
		case <-r.flushed:
		case <-time.After(recordEvery):
		}
	}
	return true
}

// busy returns the ids being handled.
func (r *recorder) busy() map[int64]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[int64]bool, len(r.inflight))
	for id := range r.inflight {
		out[id] = true
	}
	return out
}

func (r *recorder) add(o outcome) {
	r.mu.Lock()
	r.pending = append(r.pending, o)
	full := len(r.pending) >= recordGroup
	r.mu.Unlock()
	if full {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

// close writes what is left and stops.
func (r *recorder) close() {
	close(r.stop)
	<-r.done
}

func (r *recorder) loop() {
	defer close(r.done)
	t := time.NewTicker(recordEvery)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			for attempt := 0; attempt < 5 && r.flush() != nil; attempt++ {
				time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
			}
			return
		case <-t.C:
		case <-r.kick:
		}
		_ = r.flush()
	}
}

// flush records the pending outcomes; on failure they stay pending and the
// next tick tries again (the leases outlive a short database hiccup).
func (r *recorder) flush() error {
	r.mu.Lock()
	outs := r.pending
	r.pending = nil
	r.mu.Unlock()
	if len(outs) == 0 {
		return nil
	}
	if err := r.w.finish(r.ctx, outs); err != nil {
		r.w.log.Warn("push: recording outcomes failed; will retry", "count", len(outs), "err", err)
		r.mu.Lock()
		r.pending = append(outs, r.pending...)
		r.mu.Unlock()
		return err
	}
	r.mu.Lock()
	for _, o := range outs {
		delete(r.inflight, o.id)
	}
	r.mu.Unlock()
	select {
	case r.flushed <- struct{}{}:
	default:
	}
	return nil
}
