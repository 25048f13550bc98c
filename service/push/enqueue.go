// Package push is the outbox of DESIGN.md: a message to send is a row
// written in the same transaction as the change that caused it, with a
// dedupe key so the same notice is never queued twice. Workers (worker.go)
// claim rows with a lease and send them through service/wechat.
package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
)

// Notice is one message to one person, in our own terms; the engine maps
// Kind to a WeChat template and Data to its fields when sending.
type Notice struct {
	Kind      string            // e.g. report_answered, visit_confirm, payment_paid, visit_due, job_match
	DedupeKey string            // unique per message; a second Enqueue with it does nothing
	Data      map[string]string // fields by our names (title, time, amount, status, remark, ...)
	Page      string            // mini-program page to open, e.g. pages/subsidy/index?id=1
	NotBefore time.Time         // zero: as soon as possible
}

// ErrNoRecipient means the user has no WeChat identity to send to.
var ErrNoRecipient = errors.New("push: the user has no openid")

// Enqueue queues a notice to one WeChat user inside tx. Users who follow the
// official account get a template message; others a mini-program subscribe
// message (sent only if they have a consent to spend). It reports whether a
// row was written (false: a duplicate, or nobody to send to).
func Enqueue(ctx context.Context, tx *model.DB, userID int64, n Notice) (bool, error) {
	if n.Kind == "" || n.DedupeKey == "" {
		return false, errors.New("push: a notice needs a kind and a dedupe key")
	}
	var u model.User
	if err := tx.WithContext(ctx).Take(&u, userID).Error; err != nil {
		return false, err
	}
	row, ok, err := outboxRow(u, n, time.Now())
	if err != nil || !ok {
		return false, err
	}
	res := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	return res.RowsAffected == 1, res.Error
}

// EnqueueHousehold queues a notice to every WeChat user bound to a member of
// the household (a son in the city hears about his parents' 低保 too). The
// dedupe key is made per user.
func EnqueueHousehold(ctx context.Context, tx *model.DB, householdID int64, n Notice) (int, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&model.User{}).Where("household_id = ? AND role = ?", householdID, model.UserHousehold).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	return enqueueEach(ctx, tx, ids, n)
}

// EnqueueCadre queues a notice to the WeChat user bound to a cadre, if any.
func EnqueueCadre(ctx context.Context, tx *model.DB, cadreID int64, n Notice) (int, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&model.User{}).Where("cadre_id = ?", cadreID).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	return enqueueEach(ctx, tx, ids, n)
}

func enqueueEach(ctx context.Context, tx *model.DB, userIDs []int64, n Notice) (int, error) {
	queued := 0
	base := n.DedupeKey
	for _, id := range userIDs {
		n.DedupeKey = fmt.Sprintf("%s:u%d", base, id)
		ok, err := Enqueue(ctx, tx, id, n)
		if err != nil {
			return queued, err
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

// EnqueueOfficial queues a notice to the WeChat user an official linked to
// their console account (admin_users.wechat_user_id), if any; the dedupe
// key is made per official.
func EnqueueOfficial(ctx context.Context, tx *model.DB, adminID int64, n Notice) (bool, error) {
	var a model.AdminUser
	if err := tx.WithContext(ctx).Take(&a, adminID).Error; err != nil {
		return false, err
	}
	if a.WechatUserID == nil || a.Disabled {
		return false, nil
	}
	n.DedupeKey = fmt.Sprintf("%s:a%d", n.DedupeKey, a.ID)
	return Enqueue(ctx, tx, *a.WechatUserID, n)
}
