package push

import (
	"strconv"
	"strings"
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

// recordChunk bounds the outcomes written by one statement.
const recordChunk = 100

// outcomesSQL is one UPDATE writing every outcome of outs: a CASE on the
// id per column, so a hundred outcomes cost one round trip, not a hundred.
func outcomesSQL(outs []outcome, now time.Time, owner string) (string, []any) {
	cols := []struct {
		name string
		val  func(o outcome) any
	}{
		{"state", func(o outcome) any { return o.state }},
		{"channel", func(o outcome) any { return o.channel }},
		{"openid", func(o outcome) any { return o.openid }},
		{"template_key", func(o outcome) any { return o.tmplKey }},
		{"next_attempt_at", func(o outcome) any {
			if o.next.IsZero() {
				return now
			}
			return o.next.UTC().Truncate(time.Millisecond)
		}},
		{"last_error", func(o outcome) any { return truncate(o.lastErr, 255) }},
		{"hold_reason", func(o outcome) any { return o.holdReason }},
		{"wechat_msg_id", func(o outcome) any {
			if o.msgID == 0 {
				return ""
			}
			return strconv.FormatInt(o.msgID, 10)
		}},
		{"sent_at", func(o outcome) any {
			if o.state == model.OutboxSent {
				return now
			}
			return nil
		}},
		{"attempts", func(o outcome) any {
			if o.uncount {
				return 1
			}
			return 0
		}},
	}
	var b strings.Builder
	args := make([]any, 0, len(outs)*(2*len(cols)+1)+4)
	b.WriteString("UPDATE push_outbox SET ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.name + " = ")
		if c.name == "attempts" {
			b.WriteString("attempts - ")
		}
		b.WriteString("CASE id")
		for _, o := range outs {
			b.WriteString(" WHEN ? THEN ?")
			args = append(args, o.id, c.val(o))
		}
		b.WriteString(" END")
	}
	b.WriteString(", lease_owner = '', lease_until = NULL, updated_at = ? WHERE id IN ? AND state = ? AND lease_owner = ?")
	ids := make([]int64, len(outs))
	for i, o := range outs {
		ids[i] = o.id
	}
	args = append(args, now, ids, model.OutboxLeased, owner)
	return b.String(), args
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
