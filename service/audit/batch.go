package audit

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
)

// RecordBatch writes one entry per event in a few multi-row inserts, for
// work that changes many records at once (an import updating thousands of
// payments): one round trip per few hundred entries instead of one each.
// Pass the transaction that made the changes as db.
func (l *Log) RecordBatch(ctx context.Context, db *model.DB, who Actor, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	if db == nil {
		db = l.db
	}
	entries := make([]model.AuditEntry, len(events))
	for i, e := range events {
		entries[i] = l.entry(ctx, who, e)
	}
	return db.WithContext(ctx).CreateInBatches(entries, 500).Error
}
