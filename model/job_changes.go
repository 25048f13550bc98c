package model

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ChangeCounter counts committed changes of one kind (0012): "jobs" is
// bumped by every transaction that writes postings.
type ChangeCounter struct {
	Name string `gorm:"primaryKey"`
	Seq  int64
}

// TableName names the table.
func (ChangeCounter) TableName() string { return "change_counters" }

// jobsCounter is the change_counters row of postings.
const jobsCounter = "jobs"

// stampChunk bounds the ids of one stamping UPDATE (SQLite's variables).
const stampChunk = 500

// MarkJobsChanged records that the postings ids were created or changed:
// it bumps the jobs counter and stamps the rows with its new value, in the
// caller's transaction (or one of its own). Everything that writes postings
// calls it, after its writes and in the same transaction, so that an
// instance holding postings in memory (service/matching) sees the change on
// its next request: the counter's row lock makes writers commit in counter
// order, so a reader that sees the counter at N finds every posting stamped
// up to N committed. Calling it last keeps that lock for the shortest time
// and always after the postings' own row locks, so writers do not deadlock.
func MarkJobsChanged(ctx context.Context, tx *DB, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	return tx.WithContext(ctx).Transaction(func(t *gorm.DB) error { // a savepoint inside the caller's transaction
		// An upsert, so that a table emptied by hand (or by tests) heals itself.
		err := t.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "name"}},
			DoUpdates: clause.Assignments(map[string]any{"seq": gorm.Expr("change_counters.seq + 1")}),
		}).Create(&ChangeCounter{Name: jobsCounter, Seq: 1}).Error
		if err != nil {
			return err
		}
		var seq int64
		if err := t.Raw("SELECT seq FROM change_counters WHERE name = ?", jobsCounter).Scan(&seq).Error; err != nil {
			return err
		}
		if seq == 0 {
			return errors.New("model: the jobs change counter did not move")
		}
		for start := 0; start < len(ids); start += stampChunk {
			chunk := ids[start:min(start+stampChunk, len(ids))]
			if err := t.Exec("UPDATE jobs SET change_seq = ? WHERE id IN ?", seq, chunk).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// JobsVersion is the jobs change counter: every posting changed by a
// transaction committed before the read carries a change_seq at most this.
// 0 when the row is missing (an emptied table).
func JobsVersion(ctx context.Context, db *DB) (int64, error) {
	var seq []int64
	if err := db.WithContext(ctx).Raw("SELECT seq FROM change_counters WHERE name = ?", jobsCounter).Scan(&seq).Error; err != nil {
		return 0, err
	}
	if len(seq) == 0 {
		return 0, nil
	}
	return seq[0], nil
}
