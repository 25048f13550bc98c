package push

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// errLeaseLost means the message is no longer this worker's.
var errLeaseLost = errors.New("push: lease lost")

// spendConsent spends one of the user's one-time consents for a subscribe
// template on message id, in one transaction with marking the message, so
// retries of the message never spend another. A long-term subscription is
// used without spending. It reports false when the user has none.
func (w *Worker) spendConsent(ctx context.Context, id, userID int64, key string) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	spent := false
	now := w.now().UTC()
	err := w.db.Tx(ctx, func(tx *model.DB) error {
		var c model.SubscriptionConsent
		err := tx.Where("user_id = ? AND template_key = ?", userID, key).Take(&c).Error
		if model.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !c.LongTerm {
			res := tx.Exec("UPDATE subscription_consents SET remaining = remaining - 1, updated_at = ? WHERE id = ? AND remaining > 0", now, c.ID)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
		}
		res := tx.Exec("UPDATE push_outbox SET consent_spent = ? WHERE id = ? AND state = ? AND lease_owner = ?",
			true, id, model.OutboxLeased, w.o.ID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errLeaseLost // undo the spending
		}
		spent = true
		return nil
	})
	return spent, err
}

// overCap counts a capped message against the user's daily allowance. The
// count lives in the kv store (shared through Redis) under the local date;
// a fresh count starts from what the outbox says was sent today, so a
// restart without Redis does not reset it. over is true when the allowance
// is used up; next is when the next day's starts.
func (w *Worker) overCap(ctx context.Context, userID int64, kind string, now time.Time) (over bool, next time.Time, err error) {
	local := now.In(w.o.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, w.o.Location)
	next = day.AddDate(0, 0, 1)
	if w.o.QuietHours.Set {
		next = w.o.QuietHours.End.On(next)
	}
	key := fmt.Sprintf("push:cap:%s:%d:%s", kind, userID, day.Format("20060102"))
	n, err := w.kv.Incr(ctx, key, 26*time.Hour)
	if err != nil {
		return false, next, err
	}
	if n == 1 {
		var sent int64
		if err := w.db.WithContext(ctx).Model(&model.OutboxMessage{}).
			Where("user_id = ? AND kind = ? AND state = ? AND sent_at >= ?", userID, kind, model.OutboxSent, day.UTC()).
			Count(&sent).Error; err != nil {
			return false, next, err
		}
		if sent > 0 {
			n = sent + 1
			if err := w.kv.Set(ctx, key, []byte(strconv.FormatInt(n, 10)), 26*time.Hour); err != nil {
				return false, next, err
			}
		}
	}
	return n > int64(w.o.JobDailyCap), next, nil
}
