// Package keys re-encrypts personal numbers under the active key after a
// key rotation (XB_PII_KEYS lists the new key first and keeps the old ones
// until this has run). It works in batches and can be stopped and rerun at
// any point: each batch only touches values still sealed with an old key.
package keys

import (
	"context"
	"errors"
	"fmt"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// sealedColumn is one group of sealed columns: <prefix>cipher, <prefix>key_id.
type sealedColumn struct {
	table, prefix, purpose string
}

// sealedColumns lists every personal number the schema stores.
var sealedColumns = []sealedColumn{
	{"members", "id_card_", pii.PurposeIDCard},
	{"members", "phone_", pii.PurposePhone},
	{"households", "phone_", pii.PurposePhone},
	{"cadres", "phone_", pii.PurposePhone},
	{"cadres", "id_card_", pii.PurposeIDCard},
	{"jobs", "contact_phone_", pii.PurposePhone},
}

// Progress reports a finished batch.
type Progress struct {
	Table, Column string
	Done          int // values re-encrypted so far in this column
}

// Stats says what a run did.
type Stats struct {
	Reencrypted int
	Remaining   int // values still under old keys (non-zero only when stopped early)
}

// Rotate re-encrypts every value not sealed with the cipher's active key.
func Rotate(ctx context.Context, db *model.DB, c *pii.Cipher, batch int, report func(Progress)) (Stats, error) {
	if db == nil || c == nil {
		return Stats{}, errors.New("keys: Rotate needs a database and a cipher")
	}
	if batch <= 0 {
		batch = 500
	}
	var st Stats
	active := c.ActiveKeyID()
	for _, col := range sealedColumns {
		done := 0
		for {
			if err := ctx.Err(); err != nil {
				st.Remaining, _ = Remaining(context.WithoutCancel(ctx), db, active)
				return st, err
			}
			n, err := rotateBatch(ctx, db, c, col, active, batch)
			if err != nil {
				return st, fmt.Errorf("keys: %s.%scipher: %w", col.table, col.prefix, err)
			}
			done += n
			st.Reencrypted += n
			if report != nil && n > 0 {
				report(Progress{Table: col.table, Column: col.prefix + "cipher", Done: done})
			}
			if n < batch {
				break
			}
		}
	}
	return st, nil
}

type sealedRow struct {
	ID     int64
	Cipher []byte
	KeyID  string
}

func rotateBatch(ctx context.Context, db *model.DB, c *pii.Cipher, col sealedColumn, active string, batch int) (int, error) {
	var rows []sealedRow
	err := db.WithContext(ctx).Table(col.table).
		Select(fmt.Sprintf("id, %scipher AS cipher, %skey_id AS key_id", col.prefix, col.prefix)).
		Where(fmt.Sprintf("%skey_id IS NOT NULL AND %skey_id <> ?", col.prefix, col.prefix), active).
		Order("id").Limit(batch).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	err = db.Tx(ctx, func(tx *model.DB) error {
		for _, r := range rows {
			plain, err := c.Open(col.purpose, pii.Sealed{Data: r.Cipher, KeyID: r.KeyID})
			if err != nil {
				return fmt.Errorf("row %d: %w", r.ID, err)
			}
			s := c.Seal(col.purpose, plain)
			// Only if still under the old key: a concurrent writer may have sealed a new value.
			if err := tx.Table(col.table).Where(fmt.Sprintf("id = ? AND %skey_id = ?", col.prefix), r.ID, r.KeyID).
				Updates(map[string]any{col.prefix + "cipher": s.Data, col.prefix + "key_id": s.KeyID}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return len(rows), err
}

// Remaining counts values still sealed with keys other than active.
func Remaining(ctx context.Context, db *model.DB, active string) (int, error) {
	total := 0
	for _, col := range sealedColumns {
		var n int64
		if err := db.WithContext(ctx).Table(col.table).
			Where(fmt.Sprintf("%skey_id IS NOT NULL AND %skey_id <> ?", col.prefix, col.prefix), active).Count(&n).Error; err != nil {
			return total, err
		}
		total += int(n)
	}
	return total, nil
}
