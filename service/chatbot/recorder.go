package chatbot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
)

// recorder writes conversations in batches from one goroutine. One row
// per message written by each message's own goroutine would make every
// message a write transaction: on SQLite (one writer at a time) the
// writers queue for the lock and hold pool connections the answers need.
// Batched, a busy minute costs a few writes. Rows wait in memory only as
// long as the write before them takes; Close writes what is left.
type recorder struct {
	db      *model.DB
	log     *slog.Logger
	timeout time.Duration
	in      chan model.ChatMessage
	done    chan struct{}

	mu     sync.RWMutex // held to send on in; Close takes it to close in
	closed bool
}

// maxBatch bounds one INSERT's rows (and its placeholders: 14 columns).
const maxBatch = 200

func newRecorder(db *model.DB, log *slog.Logger, timeout time.Duration) *recorder {
	r := &recorder{db: db, log: log, timeout: timeout, in: make(chan model.ChatMessage, 4*maxBatch), done: make(chan struct{})}
	go r.run()
	return r
}

// add queues a conversation; with the queue full or the recorder closed
// it writes the row itself.
func (r *recorder) add(ctx context.Context, m model.ChatMessage) {
	r.mu.RLock()
	if !r.closed {
		select {
		case r.in <- m:
			r.mu.RUnlock()
			return
		default:
		}
	}
	r.mu.RUnlock()
	r.write(ctx, []model.ChatMessage{m})
}

func (r *recorder) run() {
	defer close(r.done)
	batch := make([]model.ChatMessage, 0, maxBatch)
	for m := range r.in {
		batch = append(batch[:0], m)
	more:
		for len(batch) < maxBatch {
			select {
			case m, ok := <-r.in:
				if !ok {
					break more
				}
				batch = append(batch, m)
			default:
				break more
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		r.write(ctx, batch)
		cancel()
	}
}

// write inserts rows; a row whose message is already recorded (a retry
// that slipped past the kv claim) is skipped by the unique dedupe key.
func (r *recorder) write(ctx context.Context, rows []model.ChatMessage) {
	err := r.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
	if err != nil {
		r.log.Error("chatbot: recording conversations failed", "err", err, "rows", len(rows))
	}
}

// close stops taking rows and waits until the queued ones are written.
func (r *recorder) close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.in)
	}
	r.mu.Unlock()
	<-r.done
}
