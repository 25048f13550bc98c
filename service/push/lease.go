package push

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// The outbox's lease protocol, in portable SQL (MySQL, MariaDB, TiDB and
// SQLite): a worker picks candidate ids with a plain SELECT, then claims
// them with one conditional UPDATE that only succeeds on rows still due, so
// two workers never both hold a row. A leased row's next_attempt_at is its
// lease's end: once that passes, the row is due again and any worker takes
// it, which is how a crashed worker's messages come back.

// claim leases up to n due messages to owner until now+lease, skipping the
// ids in busy (rows this worker is already handling). Expired leases are
// taken first: they are the oldest work.
func (w *Worker) claim(ctx context.Context, owner string, n int, busy map[int64]bool) ([]model.OutboxMessage, error) {
	now := w.now().UTC().Truncate(time.Millisecond)
	db := w.db.WithContext(ctx)
	pick := func(state string, limit int) ([]int64, error) {
		var ids []int64
		err := db.Raw("SELECT id FROM push_outbox WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
			state, now, limit+len(busy)).Scan(&ids).Error
		return ids, err
	}
	var ids []int64
	for _, state := range []string{model.OutboxLeased, model.OutboxQueued} {
		got, err := pick(state, n-len(ids))
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			if !busy[id] && len(ids) < n {
				ids = append(ids, id)
			}
		}
		if len(ids) >= n {
			break
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	until := now.Add(w.o.Lease)
	res := db.Exec(`UPDATE push_outbox SET state = ?, lease_owner = ?, lease_until = ?, next_attempt_at = ?,
		attempts = attempts + 1, updated_at = ?
		WHERE id IN ? AND state IN (?, ?) AND next_attempt_at <= ?`,
		model.OutboxLeased, owner, until, until, now, ids, model.OutboxQueued, model.OutboxLeased, now)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	var rows []model.OutboxMessage
	err := db.Where("id IN ? AND state = ? AND lease_owner = ?", ids, model.OutboxLeased, owner).
		Order("next_attempt_at, id").Find(&rows).Error
	return rows, err
}

// extend pushes back the end of every lease owner holds, while it works.
func (w *Worker) extend(ctx context.Context, owner string) error {
	until := w.now().UTC().Truncate(time.Millisecond).Add(w.o.Lease)
	return w.db.WithContext(ctx).Exec(
		"UPDATE push_outbox SET lease_until = ?, next_attempt_at = ? WHERE state = ? AND lease_owner = ?",
		until, until, model.OutboxLeased, owner).Error
}

// record writes outcomes in one transaction, a statement per hundred. Each
// update holds only while the row is still leased to owner: a worker that
// lost its lease (it hung past it and another took the row) changes
// nothing. It returns how many outcomes found their lease gone.
func (w *Worker) record(ctx context.Context, owner string, outs []outcome) (lost int, err error) {
	now := w.now().UTC().Truncate(time.Millisecond)
	err = w.db.Tx(ctx, func(tx *model.DB) error {
		lost = 0
		for start := 0; start < len(outs); start += recordChunk {
			chunk := outs[start:min(start+recordChunk, len(outs))]
			sql, args := outcomesSQL(chunk, now, owner)
			res := tx.Exec(sql, args...)
			if res.Error != nil {
				return res.Error
			}
			lost += len(chunk) - int(res.RowsAffected)
		}
		return nil
	})
	return lost, err
}
