package push

import (
	"context"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Outbox is the operators' view of the outbox: its state, and the dead
// messages an official may look at and send again.
type Outbox struct {
	db    *model.DB
	audit *audit.Log
	now   func() time.Time
}

// NewOutbox returns the view; now may be nil.
func NewOutbox(db *model.DB, log *audit.Log, now func() time.Time) (*Outbox, error) {
	if db == nil || log == nil {
		return nil, errors.New("push: NewOutbox needs a database and the audit log")
	}
	if now == nil {
		now = time.Now
	}
	return &Outbox{db: db, audit: log, now: now}, nil
}

// Status is the outbox at a glance, for /metrics and `xiangbang push status`.
type Status struct {
	// Depth counts messages by state; "held" are queued messages waiting
	// out quiet hours or a daily cap (not counted under "queued").
	Depth map[string]int64
	// OldestDue is how long the oldest due message has waited (0: none).
	OldestDue time.Duration
	// LastHour counts messages that reached sent, dead or skipped in the
	// last hour.
	LastHour map[string]int64
	// DeadReasons are the commonest last errors of dead messages.
	DeadReasons []Reason
}

// Reason is a last error and how many messages ended with it.
type Reason struct {
	Error string
	Count int64
}

// States lists the outbox states Status reports, in display order.
var States = []string{model.OutboxQueued, "held", model.OutboxLeased, model.OutboxSent, model.OutboxDead, model.OutboxSkipped}

// Status reads the outbox's state.
func (o *Outbox) Status(ctx context.Context) (Status, error) {
	st := Status{Depth: map[string]int64{}, LastHour: map[string]int64{}}
	for _, s := range States {
		st.Depth[s] = 0
	}
	db := o.db.WithContext(ctx)
	// Counted from the (state, ...) indexes alone; only queued rows are read
	// to tell the held apart.
	var depth []struct {
		State string
		N     int64
	}
	if err := db.Raw(`SELECT state, COUNT(*) AS n FROM push_outbox GROUP BY state`).Scan(&depth).Error; err != nil {
		return st, err
	}
	for _, d := range depth {
		st.Depth[d.State] += d.N
	}
	var held int64
	if err := db.Model(&model.OutboxMessage{}).Where("state = ? AND hold_reason <> ''", model.OutboxQueued).Count(&held).Error; err != nil {
		return st, err
	}
	st.Depth["held"], st.Depth[model.OutboxQueued] = held, st.Depth[model.OutboxQueued]-held
	now := o.now().UTC()
	// ORDER BY and LIMIT, not MIN: SQLite hands an aggregate back as text.
	var oldest []model.OutboxMessage
	if err := db.Select("next_attempt_at").Where("state = ? AND next_attempt_at <= ?", model.OutboxQueued, now).
		Order("next_attempt_at").Limit(1).Find(&oldest).Error; err != nil {
		return st, err
	}
	if len(oldest) == 1 {
		st.OldestDue = now.Sub(oldest[0].NextAttemptAt)
	}
	var recent []struct {
		State string
		N     int64
	}
	if err := db.Raw(`SELECT state, COUNT(*) AS n FROM push_outbox WHERE state IN ? AND updated_at >= ? GROUP BY state`,
		[]string{model.OutboxSent, model.OutboxDead, model.OutboxSkipped}, now.Add(-time.Hour)).Scan(&recent).Error; err != nil {
		return st, err
	}
	for _, r := range recent {
		st.LastHour[r.State] = r.N
	}
	err := db.Raw(`SELECT last_error AS error, COUNT(*) AS count FROM push_outbox WHERE state = ? GROUP BY last_error ORDER BY count DESC LIMIT 5`,
		model.OutboxDead).Scan(&st.DeadReasons).Error
	return st, err
}

// DeadMessage is a message that failed for good, as an official sees it.
type DeadMessage struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Channel    string    `json:"channel"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"last_error"`
	UserID     int64     `json:"user_id"`
	RegionCode string    `json:"region_code"`
	FailedAt   time.Time `json:"failed_at"`
}

// regionOfRecipient is the region a message's recipient belongs to: the
// household's village, the cadre's region, or the official's scope.
const regionOfRecipient = "COALESCE(h.region_code, c.region_code, a.region_scope, '')"

var errOfficialsOnly = apperr.New(apperr.Forbidden, "forbidden", "只有管理人员可以查看和重发推送消息")

func (o *Outbox) scoped(ctx context.Context, scope model.Scope) (*model.DB, error) {
	if scope.Kind != model.ScopeRegion && scope.Kind != model.ScopeSystem {
		return nil, errOfficialsOnly
	}
	q := o.db.WithContext(ctx).Table("push_outbox o").
		Joins("LEFT JOIN users u ON u.id = o.user_id").
		Joins("LEFT JOIN households h ON h.id = u.household_id").
		Joins("LEFT JOIN cadres c ON c.id = u.cadre_id").
		Joins("LEFT JOIN admin_users a ON a.wechat_user_id = u.id").
		Where("o.state = ?", model.OutboxDead)
	return &model.DB{DB: scope.Regions(q, regionOfRecipient), Dialect: o.db.Dialect}, nil
}

// ListDead returns dead messages whose recipients are in the scope, newest
// first; beforeID pages (0: from the newest).
func (o *Outbox) ListDead(ctx context.Context, scope model.Scope, beforeID int64, limit int) ([]DeadMessage, error) {
	q, err := o.scoped(ctx, scope)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if beforeID > 0 {
		q.DB = q.Where("o.id < ?", beforeID)
	}
	out := []DeadMessage{}
	err = q.Select("o.id, o.kind, o.channel, o.attempts, o.last_error, COALESCE(o.user_id, 0) AS user_id, " +
		regionOfRecipient + " AS region_code, o.updated_at AS failed_at").
		Order("o.id DESC").Limit(limit).Scan(&out).Error
	return out, err
}

// RetryDead queues dead messages again with their attempts reset, those of
// ids whose recipients are in the scope; others are left alone as if they
// did not exist. It records who did it and returns how many were queued.
func (o *Outbox) RetryDead(ctx context.Context, scope model.Scope, who audit.Actor, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, apperr.BadInput("no_messages", "请选择要重发的消息")
	}
	if len(ids) > 1000 {
		return 0, apperr.BadInput("too_many_messages", "一次最多重发 1000 条")
	}
	q, err := o.scoped(ctx, scope)
	if err != nil {
		return 0, err
	}
	var mine []int64
	if err := q.Where("o.id IN ?", ids).Pluck("o.id", &mine).Error; err != nil {
		return 0, err
	}
	if len(mine) == 0 {
		return 0, nil
	}
	now := o.now().UTC().Truncate(time.Millisecond)
	n := 0
	err = o.db.Tx(ctx, func(tx *model.DB) error {
		res := tx.Exec(`UPDATE push_outbox SET state = ?, attempts = 0, next_attempt_at = ?, hold_reason = '', updated_at = ?
			WHERE id IN ? AND state = ?`, model.OutboxQueued, now, now, mine, model.OutboxDead)
		if res.Error != nil {
			return res.Error
		}
		n = int(res.RowsAffected)
		return o.audit.Record(ctx, tx, who, audit.Event{Action: "push.retry", TargetKind: "push_outbox",
			RegionCode: scope.RegionPrefix, Detail: map[string]any{"ids": mine, "queued": n}})
	})
	return n, err
}
