package push

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
)

// UserNotice is one notice to one WeChat user; its dedupe key is used as
// given, so make it per user.
type UserNotice struct {
	UserID int64
	Notice Notice
}

// enqueueChunk bounds the ids in one IN list and the rows in one INSERT.
const enqueueChunk = 500

// EnqueueUsers queues many notices inside tx with a few statements for the
// lot (the scheduler's jobs queue thousands at once), by Enqueue's rules:
// the official account for followers, else the mini-program, nobody
// without an openid, nothing twice. It returns how many rows were written.
func EnqueueUsers(ctx context.Context, tx *model.DB, notices []UserNotice) (int, error) {
	if len(notices) == 0 {
		return 0, nil
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, n := range notices {
		if n.Notice.Kind == "" || n.Notice.DedupeKey == "" {
			return 0, errors.New("push: a notice needs a kind and a dedupe key")
		}
		if !seen[n.UserID] {
			seen[n.UserID] = true
			ids = append(ids, n.UserID)
		}
	}
	users := make(map[int64]model.User, len(ids))
	for start := 0; start < len(ids); start += enqueueChunk {
		var us []model.User
		if err := tx.WithContext(ctx).Where("id IN ?", ids[start:min(start+enqueueChunk, len(ids))]).Find(&us).Error; err != nil {
			return 0, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
	}
	now := time.Now()
	rows := make([]model.OutboxMessage, 0, len(notices))
	for _, n := range notices {
		u, ok := users[n.UserID]
		if !ok {
			continue
		}
		row, ok, err := outboxRow(u, n.Notice, now)
		if err != nil {
			return 0, err
		}
		if ok {
			rows = append(rows, row)
		}
	}
	written := 0
	for start := 0; start < len(rows); start += enqueueChunk {
		chunk := rows[start:min(start+enqueueChunk, len(rows))]
		res := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&chunk)
		if res.Error != nil {
			return written, res.Error
		}
		written += int(res.RowsAffected)
	}
	return written, nil
}

// outboxRow is the outbox row of a notice to u, or false when u has no
// WeChat identity to send to. The channel chosen here is a first guess:
// the worker chooses again from the user as they are when it sends.
func outboxRow(u model.User, n Notice, now time.Time) (model.OutboxMessage, bool, error) {
	channel, openid := model.ChannelSubscribe, ""
	switch {
	case u.FollowsOfficial && u.OfficialOpenid != nil:
		channel, openid = model.ChannelTemplate, *u.OfficialOpenid
	case u.MiniappOpenid != nil:
		openid = *u.MiniappOpenid
	default:
		return model.OutboxMessage{}, false, nil
	}
	payload, err := json.Marshal(n.Data)
	if err != nil {
		return model.OutboxMessage{}, false, err
	}
	at := n.NotBefore
	if at.IsZero() {
		at = now
	}
	return model.OutboxMessage{
		DedupeKey: n.DedupeKey, Channel: channel, Kind: n.Kind, UserID: &u.ID, Openid: openid,
		TemplateKey: n.Kind, Payload: string(payload), Page: n.Page, State: model.OutboxQueued,
		NextAttemptAt: at.UTC().Truncate(time.Millisecond),
	}, true, nil
}
