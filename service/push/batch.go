package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
)

// CadreNotice is one notice for the WeChat users bound to one cadre.
type CadreNotice struct {
	CadreID int64
	Notice  Notice
}

// batchChunk bounds the ids in one IN list and the rows in one INSERT.
const batchChunk = 500

// EnqueueCadres queues many cadre notices inside tx with a few statements
// for the lot instead of a few per notice: recomputing a county's flags can
// raise thousands at once. The rules are EnqueueCadre's: dedupe keys made
// per user (<key>:u<user id>), a template message to users who follow the
// official account, else a subscribe message, nobody without an openid. It
// returns how many rows were written (duplicates are skipped).
func EnqueueCadres(ctx context.Context, tx *model.DB, notices []CadreNotice) (int, error) {
	if len(notices) == 0 {
		return 0, nil
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, n := range notices {
		if n.Notice.Kind == "" || n.Notice.DedupeKey == "" {
			return 0, errors.New("push: a notice needs a kind and a dedupe key")
		}
		if !seen[n.CadreID] {
			seen[n.CadreID] = true
			ids = append(ids, n.CadreID)
		}
	}
	users := map[int64][]model.User{} // by cadre
	for start := 0; start < len(ids); start += batchChunk {
		var us []model.User
		if err := tx.WithContext(ctx).Where("cadre_id IN ?", ids[start:min(start+batchChunk, len(ids))]).
			Order("id").Find(&us).Error; err != nil {
			return 0, err
		}
		for _, u := range us {
			users[*u.CadreID] = append(users[*u.CadreID], u)
		}
	}
	now := time.Now()
	var rows []model.OutboxMessage
	for _, n := range notices {
		for _, u := range users[n.CadreID] {
			channel, openid, ok := addressOf(u)
			if !ok {
				continue
			}
			payload, err := json.Marshal(n.Notice.Data)
			if err != nil {
				return 0, err
			}
			at := n.Notice.NotBefore
			if at.IsZero() {
				at = now
			}
			rows = append(rows, model.OutboxMessage{
				DedupeKey: fmt.Sprintf("%s:u%d", n.Notice.DedupeKey, u.ID), Channel: channel, Kind: n.Notice.Kind,
				UserID: &u.ID, Openid: openid, TemplateKey: n.Notice.Kind, Payload: string(payload), Page: n.Notice.Page,
				State: model.OutboxQueued, NextAttemptAt: at.UTC().Truncate(time.Millisecond),
			})
		}
	}
	written := 0
	for start := 0; start < len(rows); start += batchChunk {
		chunk, err := fresh(ctx, tx, rows[start:min(start+batchChunk, len(rows))])
		if err != nil || len(chunk) == 0 {
			return written, err
		}
		// DoNothing still guards against a writer racing us; the count comes
		// from the rows checked fresh, because MySQL's "ON DUPLICATE KEY
		// UPDATE id = id" reports a skipped duplicate as affected.
		if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&chunk).Error; err != nil {
			return written, err
		}
		written += len(chunk)
	}
	return written, nil
}

// fresh drops the rows whose dedupe key is already queued (or is repeated
// within rows).
func fresh(ctx context.Context, tx *model.DB, rows []model.OutboxMessage) ([]model.OutboxMessage, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.DedupeKey
	}
	var have []string
	if err := tx.WithContext(ctx).Model(&model.OutboxMessage{}).Where("dedupe_key IN ?", keys).Pluck("dedupe_key", &have).Error; err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(have)+len(rows))
	for _, k := range have {
		seen[k] = true
	}
	out := rows[:0:0]
	for _, r := range rows {
		if !seen[r.DedupeKey] {
			seen[r.DedupeKey] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// addressOf is Enqueue's choice of channel: the official account for
// followers, the mini-program otherwise, nobody without an openid.
func addressOf(u model.User) (channel, openid string, ok bool) {
	switch {
	case u.FollowsOfficial && u.OfficialOpenid != nil:
		return model.ChannelTemplate, *u.OfficialOpenid, true
	case u.MiniappOpenid != nil:
		return model.ChannelSubscribe, *u.MiniappOpenid, true
	}
	return "", "", false
}
