package imports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
)

// job is one run in progress: the request, what it has counted, and the
// state of the current pass.
type job struct {
	ctx    context.Context
	s      *Service
	req    Request
	runID  int64
	today  model.Date
	lk     *dbLookups
	report *reportSink

	mu     sync.Mutex // counts and rows: the batch writer counts what it writes
	counts Counts
	rows   int            // rows read in this pass
	extra  map[string]int // other things done, for the run's audit summary (head members created, ...); under mu

	// The current pass.
	phase  string
	write  bool // the writing pass (or the one pass of keep_good)
	strict bool // every row passed the checking pass: a rejection now means the data changed
	header *importer.Header
	file   *countingFile
	seen   map[uint64]int32 // duplicate check on natural keys: key hash → first row
	seed   maphash.Seed

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared writes, by query (nil: seen once)

	lastBeat time.Time // last progress written to import_runs
	lastTick int       // rows at the last Progress call
}

// snapshot reads the counts and the rows read so far.
func (j *job) snapshot() (Counts, int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.counts, j.rows
}

func (j *job) addRow() {
	j.mu.Lock()
	j.rows++
	j.mu.Unlock()
}

func (j *job) setRows(n int) {
	j.mu.Lock()
	j.rows = n
	j.mu.Unlock()
}

// errChanged stops the writing pass of an all-or-nothing run when a row
// that passed the checking pass no longer does.
type errChanged struct{ rej importer.Rejection }

func (e *errChanged) Error() string {
	return fmt.Sprintf("第%d行在校验后发生了变化：%s（%s）", e.rej.Row, e.rej.Reason, e.rej.Column)
}

// rowCheck collects the rejections of one row beyond the decoder's: scope,
// stored-data conflicts, duplicates of a natural key.
type rowCheck struct {
	j   *job
	row int
	rej []importer.Rejection
	err error // a failed lookup: the run stops
}

func (j *job) check(row int, decoded []importer.Rejection) *rowCheck {
	return &rowCheck{j: j, row: row, rej: append([]importer.Rejection(nil), decoded...)}
}

// ok reports whether the row is good so far.
func (rc *rowCheck) ok() bool { return len(rc.rej) == 0 && rc.err == nil }

// reject records a problem with a column, named as the file names it, the
// value masked when the column holds personal numbers.
func (rc *rowCheck) reject(key, value, reason string) {
	if sensitive(rc.j.header, key) {
		value = maskValue(value)
	}
	rc.rej = append(rc.rej, importer.Rejection{Row: rc.row, Column: rc.j.header.Name(key), Value: value, Reason: reason})
}

// fail stops the run on a database error.
func (rc *rowCheck) fail(err error) {
	if rc.err == nil {
		rc.err = &lookupError{err}
	}
}

// inScope rejects a row whose region is outside the importer's.
func (rc *rowCheck) inScope(key, value, region string) bool {
	s := rc.j.req.Scope
	if s.CoversRegion(region) {
		return true
	}
	reason := "不在您的管辖范围内，不能由您导入"
	if s.Kind == model.ScopeRegion {
		reason = fmt.Sprintf("所属区划%s不在您的管辖范围（%s开头的区划代码）内，不能由您导入", region, s.RegionPrefix)
	}
	rc.reject(key, value, reason)
	return false
}

// dup rejects the row when an earlier row of the file has the same natural
// key: eight bytes of hash per row, as the decoders do.
func (rc *rowCheck) dup(key, value, what, natural string) bool {
	j := rc.j
	if j.seen == nil {
		return false
	}
	h := maphash.String(j.seed, natural)
	if first, ok := j.seen[h]; ok {
		rc.reject(key, value, fmt.Sprintf("与第%d行重复（%s相同）", first, what))
		return true
	}
	j.seen[h] = int32(rc.row)
	return false
}

func sensitive(h *importer.Header, key string) bool {
	for _, c := range h.Spec.Columns {
		if c.Key == key {
			return c.Sensitive
		}
	}
	return false
}

// maskValue hides the middle of an ID or phone number in a report, as the
// decoders do.
func maskValue(v string) string {
	if utf8.RuneCountInString(v) >= 15 {
		return pii.MaskIDCard(v)
	}
	return pii.MaskPhone(v)
}

// batch is one write transaction's worth of rows and what they did.
type batch struct {
	ctx       context.Context
	j         *job
	tx        *model.DB
	now       time.Time
	created   int
	updated   int
	unchanged int
	audits    []audit.Event
	events    []model.PaymentEvent
	extra     map[string]int // added to the job's when the batch commits
	touched   map[int64]bool // households whose payments changed
	left      []int64        // cadres taken out of post: their sessions are forgotten after commit
}

// changedRow records an update of one stored row: counted, and audited by
// the names of the fields that changed.
func (b *batch) changedRow(targetKind string, id int64, region string, fields []string) {
	b.updated++
	detail := map[string]any{"run": b.j.runID, "fields": fields}
	if id == 0 {
		detail["code"] = region // regions are keyed by their code
	}
	b.audits = append(b.audits, audit.Event{Action: "import.update", TargetKind: targetKind, TargetID: id, RegionCode: region, Detail: detail})
}

// flushRetrying is flush, again when the database chose the batch's
// transaction as a deadlock victim: the transaction rolled back whole, and
// a batch compares before it writes, so running it again is safe.
func (j *job) flushRetrying(fn func(b *batch) error) error {
	for attempt := 1; ; attempt++ {
		err := j.flush(fn)
		if err == nil || attempt == 3 || !isDeadlock(err) {
			return err
		}
		j.s.log.Warn("import: batch retried after a deadlock", "run", j.runID, "attempt", attempt)
		time.Sleep(time.Duration(attempt*50) * time.Millisecond)
	}
}

// isDeadlock reports MySQL's deadlock and lock-wait timeout errors.
func isDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

// flush writes one batch in its own transaction, with its audit entries,
// payment events and the run's counters, then tells the payment cache.
func (j *job) flush(fn func(b *batch) error) error {
	b := &batch{ctx: j.ctx, j: j, now: j.s.stamp(), touched: map[int64]bool{}, extra: map[string]int{}}
	err := j.s.db.Tx(j.ctx, func(tx *model.DB) error {
		b.tx = tx
		if err := fn(b); err != nil {
			return err
		}
		if err := j.s.audit.RecordBatch(j.ctx, tx, j.req.Actor, b.audits); err != nil {
			return err
		}
		if len(b.events) > 0 {
			if err := tx.WithContext(j.ctx).CreateInBatches(b.events, 500).Error; err != nil {
				return err
			}
		}
		if b.created+b.updated == 0 {
			return nil // nothing written: the heartbeat will count it, no commit to wait for
		}
		next, rows := j.snapshot()
		next.Created += b.created
		next.Updated += b.updated
		next.Unchanged += b.unchanged
		return j.saveProgress(tx, next, rows)
	})
	if err != nil {
		return err
	}
	j.mu.Lock()
	j.counts.Created += b.created
	j.counts.Updated += b.updated
	j.counts.Unchanged += b.unchanged
	for k, n := range b.extra {
		j.extra[k] += n
	}
	j.mu.Unlock()
	if j.s.sessions != nil && len(b.left) > 0 {
		if err := j.s.sessions.ForgetCadres(j.ctx, b.left...); err != nil {
			// The cadres are marked left; a cached principal expires within minutes.
			j.s.log.Warn("import: sessions of cadres who left not forgotten", "run", j.runID, "cadres", len(b.left), "err", err)
		}
	}
	if j.s.payments != nil && len(b.touched) > 0 {
		ids := make([]int64, 0, len(b.touched))
		for id := range b.touched {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(a, c int) bool { return ids[a] < ids[c] })
		if err := j.s.payments.InvalidateHousehold(j.ctx, ids...); err != nil {
			// The rows are written; a stale cached summary expires by itself.
			j.s.log.Warn("import: payment cache not invalidated", "run", j.runID, "households", len(ids), "err", err)
		}
	}
	return nil
}
