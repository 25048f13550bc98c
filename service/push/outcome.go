package push

import (
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Outcomes of handling one message, as the metrics name them.
const (
	OutcomeSent     = "sent"     // WeChat accepted it
	OutcomeRetry    = "retry"    // failed for now; queued again with backoff
	OutcomeDead     = "dead"     // failed for good, or out of attempts
	OutcomeSkipped  = "skipped"  // not sendable: no consent, no channel
	OutcomeHeld     = "held"     // quiet hours or daily cap: waits, attempt not counted
	OutcomeReleased = "released" // the worker stopped before sending: back in the queue untouched
)

// outcome is what becomes of one leased message.
type outcome struct {
	id         int64
	label      string // one of the Outcome constants
	state      string
	channel    string
	openid     string
	tmplKey    string
	next       time.Time // when queued again
	lastErr    string
	holdReason string
	msgID      int64
	uncount    bool // the attempt the claim counted did not happen
}

const updateOutcome = `UPDATE push_outbox SET state = ?, channel = ?, openid = ?, template_key = ?, next_attempt_at = ?,
	last_error = ?, hold_reason = ?, wechat_msg_id = ?, sent_at = ?, attempts = attempts - ?,
	lease_owner = '', lease_until = NULL, updated_at = ?
	WHERE id = ? AND state = ? AND lease_owner = ?`

func (o outcome) update() string { return updateOutcome }

func (o outcome) args(now time.Time, owner string) []any {
	next := o.next
	if next.IsZero() {
		next = now
	}
	var sentAt *time.Time
	msgID := ""
	if o.state == model.OutboxSent {
		sentAt = &now
	}
	if o.msgID != 0 {
		msgID = strconv.FormatInt(o.msgID, 10)
	}
	uncount := 0
	if o.uncount {
		uncount = 1
	}
	return []any{o.state, o.channel, o.openid, o.tmplKey, next.UTC().Truncate(time.Millisecond),
		truncate(o.lastErr, 255), o.holdReason, msgID, sentAt, uncount, now, o.id, model.OutboxLeased, owner}
}

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}
