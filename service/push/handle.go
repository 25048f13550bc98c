package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// batch is a claim: the messages and their recipients as they are now.
type batch struct {
	rows  []model.OutboxMessage
	users map[int64]model.User
	// followers maps a unionid to the official-account openid of a user
	// row that follows the account: the same person, known to the official
	// account before (or apart from) the mini-program.
	followers map[string]string
}

// claimBatch claims due messages and reads their recipients with two queries.
func (w *Worker) claimBatch(ctx context.Context, busy map[int64]bool) (batch, error) {
	rows, err := w.claim(ctx, w.o.ID, w.o.Batch, busy)
	if err != nil || len(rows) == 0 {
		return batch{}, err
	}
	b := batch{rows: rows, users: map[int64]model.User{}, followers: map[string]string{}}
	var ids []int64
	for _, r := range rows {
		if r.UserID != nil {
			ids = append(ids, *r.UserID)
		}
	}
	if len(ids) == 0 {
		return b, nil
	}
	var users []model.User
	if err := w.db.WithContext(ctx).Where("id IN ?", ids).Find(&users).Error; err != nil {
		return b, err
	}
	var unions []string
	for _, u := range users {
		b.users[u.ID] = u
		if !(u.FollowsOfficial && u.OfficialOpenid != nil) && u.Unionid != nil {
			unions = append(unions, *u.Unionid)
		}
	}
	if len(unions) > 0 {
		var fs []model.User
		if err := w.db.WithContext(ctx).Where("unionid IN ? AND follows_official = ? AND official_openid IS NOT NULL", unions, true).
			Find(&fs).Error; err != nil {
			return b, err
		}
		for _, f := range fs {
			b.followers[*f.Unionid] = *f.OfficialOpenid
		}
	}
	return b, nil
}

// target is where and how one message goes.
type target struct {
	channel string
	openid  string
	appID   string
	r       rendered
	userID  int64
	quiet   bool // the recipient is a household: quiet hours apply
}

// resolve picks the channel for the recipient as they are now: the
// official account when they (or their unionid twin) follow it and the
// kind has a template there, else the mini-program. why says why neither
// works.
func (w *Worker) resolve(b batch, row model.OutboxMessage, now time.Time) (t target, why string) {
	var data map[string]string
	if err := json.Unmarshal([]byte(row.Payload), &data); err != nil {
		return t, "bad_payload"
	}
	local := now.In(w.o.Location)
	try := func(channel, openid, appID string) bool {
		if openid == "" || appID == "" {
			return false
		}
		r, ok := render(w.tpl, row.Kind, channel, row.Page, data, local)
		if ok {
			t.channel, t.openid, t.appID, t.r = channel, openid, appID, r
		}
		return ok
	}
	u, known := model.User{}, false
	if row.UserID != nil {
		u, known = b.users[*row.UserID]
	}
	if !known { // no user row: the address written at enqueue time is all there is
		if try(row.Channel, row.Openid, w.appOf(row.Channel)) {
			return t, ""
		}
		return t, "no_channel"
	}
	t.userID, t.quiet = u.ID, u.Role == model.UserHousehold
	official := ""
	if u.FollowsOfficial && u.OfficialOpenid != nil {
		official = *u.OfficialOpenid
	} else if u.Unionid != nil {
		official = b.followers[*u.Unionid]
	}
	if try(model.ChannelTemplate, official, w.wx.OfficialAppID()) {
		return t, ""
	}
	if u.MiniappOpenid != nil && try(model.ChannelSubscribe, *u.MiniappOpenid, w.wx.MiniappAppID()) {
		return t, ""
	}
	return t, "no_channel"
}

func (w *Worker) appOf(channel string) string {
	if channel == model.ChannelTemplate {
		return w.wx.OfficialAppID()
	}
	return w.wx.MiniappAppID()
}

// handle takes one leased message to its outcome. ctx stops waiting (rate
// limit); sendCtx carries the send itself, which is let finish on stop.
func (w *Worker) handle(ctx, sendCtx context.Context, b batch, row model.OutboxMessage) outcome {
	now := w.now()
	out := outcome{id: row.ID, channel: row.Channel, openid: row.Openid, tmplKey: row.TemplateKey, lastErr: row.LastError}
	t, why := w.resolve(b, row, now)
	if why != "" {
		return out.finalize(model.OutboxSkipped, OutcomeSkipped, why)
	}
	out.channel, out.openid, out.tmplKey = t.channel, t.openid, t.r.TemplateKey
	if t.quiet {
		if until, in := w.o.QuietHours.Release(now.In(w.o.Location)); in {
			return out.hold(until, "quiet_hours")
		}
	}
	if w.capped[row.Kind] && t.userID != 0 {
		if w.o.JobDailyCap == 0 {
			return out.finalize(model.OutboxSkipped, OutcomeSkipped, "job_pushes_off")
		}
		over, next, err := w.overCap(ctx, t.userID, row.Kind, now)
		if err != nil {
			return out.retry(err, row.Attempts, w.o)
		}
		if over {
			return out.hold(next, "daily_cap")
		}
	}
	if t.channel == model.ChannelSubscribe && !row.ConsentSpent {
		ok, err := w.spendConsent(ctx, row.ID, t.userID, t.r.TemplateKey)
		switch {
		case errors.Is(err, errLeaseLost):
			return released(row)
		case err != nil:
			return out.retry(err, row.Attempts, w.o)
		case !ok:
			return out.finalize(model.OutboxSkipped, OutcomeSkipped, "no_consent")
		}
	}
	if err := w.limiter.wait(ctx, t.appID); err != nil {
		return released(row)
	}
	start := time.Now()
	msgID, err := w.send(sendCtx, row, t)
	w.m.latency(t.channel, time.Since(start))
	switch classify(sendCtx, err) {
	case classSent:
		out.msgID = msgID
		return out.finalize(model.OutboxSent, OutcomeSent, "")
	case classStopped:
		return released(row)
	case classPermanent:
		w.afterRefusal(sendCtx, t, err)
		return out.finalize(model.OutboxDead, OutcomeDead, err.Error())
	case classTokenWait:
		out = out.retry(err, row.Attempts, w.o)
		if out.state == model.OutboxQueued {
			out.next = now.Add(tokenRetryDelay())
		}
		return out
	default:
		return out.retry(err, row.Attempts, w.o)
	}
}

func (o outcome) finalize(state, label, why string) outcome {
	o.state, o.label, o.lastErr, o.holdReason = state, label, why, ""
	return o
}

func (o outcome) hold(until time.Time, why string) outcome {
	o.state, o.label, o.next, o.holdReason, o.uncount = model.OutboxQueued, OutcomeHeld, until, why, true
	return o
}

// retry queues the message again after a backoff, or gives up when the
// attempts (the claim counted this one) are spent.
func (o outcome) retry(err error, attempts int, opt Options) outcome {
	if attempts >= opt.MaxAttempts {
		return o.finalize(model.OutboxDead, OutcomeDead, fmt.Sprintf("gave up after %d attempts: %v", attempts, err))
	}
	o.state, o.label, o.lastErr, o.holdReason = model.OutboxQueued, OutcomeRetry, err.Error(), ""
	o.next = opt.Now().Add(backoff(attempts, opt.BackoffBase, opt.BackoffMax))
	return o
}

// send hands the message to WeChat.
func (w *Worker) send(ctx context.Context, row model.OutboxMessage, t target) (int64, error) {
	if t.channel == model.ChannelTemplate {
		m := wechat.TemplateMessage{ToUser: t.openid, TemplateID: t.r.TemplateID, Data: t.r.Data, ClientMsgID: clientMsgID(row.DedupeKey)}
		if t.r.Page != "" {
			m.MiniProgram = &wechat.MiniProgramPage{PagePath: t.r.Page}
		}
		return w.wx.SendTemplate(ctx, m)
	}
	return 0, w.wx.SendSubscribe(ctx, wechat.SubscribeMessage{ToUser: t.openid, TemplateID: t.r.TemplateID, Page: t.r.Page, Data: t.r.Data})
}

// clientMsgID is the dedupe key, hashed when too long for WeChat, so a
// message sent twice (a worker died between sending and recording) reaches
// the user once.
func clientMsgID(key string) string {
	if len(key) <= 64 {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "xb-" + hex.EncodeToString(sum[:24])
}

// afterRefusal records what WeChat's refusal says about the user, so the
// next message does not try the same way: a user who refused a subscribe
// template has no consents left; one who unfollowed the account gets
// mini-program messages from now on.
func (w *Worker) afterRefusal(ctx context.Context, t target, err error) {
	var ae *wechat.APIError
	if !errors.As(err, &ae) || t.userID == 0 {
		return
	}
	db := w.db.WithContext(ctx)
	now := w.now().UTC()
	var res error
	switch {
	case ae.Code == wechat.CodeUserRefused && t.channel == model.ChannelSubscribe:
		res = db.Exec("UPDATE subscription_consents SET remaining = 0, long_term = ?, rejected_at = ?, updated_at = ? WHERE user_id = ? AND template_key = ?",
			false, now, now, t.userID, t.r.TemplateKey).Error
	case ae.Code == wechat.CodeRequireSubscribe && t.channel == model.ChannelTemplate:
		res = db.Exec("UPDATE users SET follows_official = ?, updated_at = ? WHERE official_openid = ?", false, now, t.openid).Error
	}
	if res != nil {
		w.log.Warn("push: could not note a refusal", "user", t.userID, "err", res)
	}
}
