package console

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// outboxRegion resolves a message's recipient to a region: the household's
// village, the cadre's region, or the official's scope. Messages whose
// recipient has none (a guest) are visible only to a whole-deployment scope.
const outboxRegion = "COALESCE(h.region_code, c.region_code, (SELECT MIN(a.region_scope) FROM admin_users a WHERE a.wechat_user_id = o.user_id), '')"

// outboxFrom is the FROM and WHERE of outbox queries in scope; callers add
// "AND ..." conditions.
func outboxFrom(scope model.Scope) (string, []any) {
	from := "FROM push_outbox o LEFT JOIN users u ON u.id = o.user_id LEFT JOIN households h ON h.id = u.household_id " +
		"LEFT JOIN cadres c ON c.id = u.cadre_id WHERE "
	p := prefixOf(scope)
	if p == "" {
		return from + "1 = 1", nil
	}
	return from + outboxRegion + " LIKE ?", []any{p + "%"}
}

// OutboxFilter narrows the outbox list.
type OutboxFilter struct {
	Region string
	State  string // queued | leased | sent | dead | skipped
	Kind   string
	Page
}

// OutboxItem is one message as an official sees it.
type OutboxItem struct {
	ID             int64           `json:"id"`
	Kind           string          `json:"kind"`
	Channel        string          `json:"channel"`
	TemplateKey    string          `json:"template_key"`
	State          string          `json:"state"`
	StateName      string          `json:"state_name"`
	Attempts       int             `json:"attempts"`
	LastError      string          `json:"last_error"`
	DeliveryStatus string          `json:"delivery_status"`
	Page           string          `json:"page"`
	Data           json.RawMessage `json:"data"`
	Recipient      Recipient       `json:"recipient"`
	Retryable      bool            `json:"retryable"`
	NextAttemptAt  time.Time       `json:"next_attempt_at"`
	SentAt         *time.Time      `json:"sent_at"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// Recipient is who a message is for.
type Recipient struct {
	UserID      int64  `json:"user_id"`
	Role        string `json:"role"`
	Name        string `json:"name"`
	HouseholdID int64  `json:"household_id,omitempty"`
	HouseholdNo string `json:"household_no,omitempty"`
	CadreID     int64  `json:"cadre_id,omitempty"`
	RegionCode  string `json:"region_code"`
	RegionName  string `json:"region_name"`
}

// OutboxPage is one page of the outbox.
type OutboxPage struct {
	Items      []OutboxItem `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

var kindPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Outbox lists messages to people in the scope, newest first.
func (s *Service) Outbox(ctx context.Context, scope model.Scope, f OutboxFilter) (OutboxPage, error) {
	scope, err := Narrow(scope, f.Region)
	if err != nil {
		return OutboxPage{}, err
	}
	before, limit, err := f.after(50)
	if err != nil {
		return OutboxPage{}, err
	}
	from, args := outboxFrom(scope)
	if f.State != "" {
		if OutboxStateNames[f.State] == "" {
			return OutboxPage{}, apperr.BadInput("invalid_state", "状态应为 queued、leased、sent、dead 或 skipped")
		}
		from += " AND o.state = ?"
		args = append(args, f.State)
	}
	if f.Kind != "" {
		if !kindPattern.MatchString(f.Kind) {
			return OutboxPage{}, apperr.BadInput("invalid_kind", "消息类型无效")
		}
		from += " AND o.kind = ?"
		args = append(args, f.Kind)
	}
	if before > 0 {
		from += " AND o.id < ?"
		args = append(args, before)
	}
	var rows []outboxRow
	q := "SELECT o.*, " + outboxRegion + " AS region_code, u.role AS user_role, h.id AS hh_id, h.household_no AS hh_no, h.head_name AS hh_head, " +
		"c.id AS cadre_id, c.name AS cadre_name, (SELECT MIN(a.display_name) FROM admin_users a WHERE a.wechat_user_id = o.user_id) AS official_name " + from + " ORDER BY o.id DESC LIMIT ?"
	if err := s.db.WithContext(ctx).Raw(q, append(args, limit+1)...).Scan(&rows).Error; err != nil {
		return OutboxPage{}, err
	}
	page := OutboxPage{Items: []OutboxItem{}}
	if len(rows) > limit {
		rows = rows[:limit]
		page.NextCursor = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.RegionCode
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return OutboxPage{}, err
	}
	for _, r := range rows {
		page.Items = append(page.Items, r.item(names, s.o.Location))
	}
	return page, nil
}

type outboxRow struct {
	model.OutboxMessage
	RegionCode string
	UserRole   *string
	RecipientColumns
}

func (r outboxRow) item(names map[string]string, loc *time.Location) OutboxItem {
	o := r.OutboxMessage
	it := OutboxItem{ID: o.ID, Kind: o.Kind, Channel: o.Channel, TemplateKey: o.TemplateKey, State: o.State, StateName: OutboxStateNames[o.State],
		Attempts: o.Attempts, LastError: o.LastError, DeliveryStatus: o.DeliveryStatus, Page: o.Page,
		Retryable: o.State == model.OutboxDead, NextAttemptAt: o.NextAttemptAt.In(loc), CreatedAt: o.CreatedAt.In(loc), UpdatedAt: o.UpdatedAt.In(loc)}
	if o.SentAt != nil {
		t := o.SentAt.In(loc)
		it.SentAt = &t
	}
	if json.Valid([]byte(o.Payload)) {
		it.Data = json.RawMessage(o.Payload)
	} else {
		it.Data, _ = json.Marshal(o.Payload)
	}
	rc := Recipient{RegionCode: r.RegionCode, RegionName: names[r.RegionCode]}
	if o.UserID != nil {
		rc.UserID = *o.UserID
	}
	if r.UserRole != nil {
		rc.Role = *r.UserRole
	}
	r.RecipientColumns.fill(&rc)
	it.Recipient = rc
	return it
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Failures of a retry.
var (
	ErrNotDead = apperr.New(apperr.Conflict, "not_retryable", "只有发送失败的消息可以重新发送")
)

// RetryOutbox puts a dead message back in the queue with its attempts
// reset, so the worker tries it again at once. Only dead messages can be
// retried; a second click on a message already queued again answers 409.
func (s *Service) RetryOutbox(ctx context.Context, scope model.Scope, who audit.Actor, id int64) (OutboxItem, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return OutboxItem{}, err
	}
	from, args := outboxFrom(scope)
	q := "SELECT o.*, " + outboxRegion + " AS region_code, u.role AS user_role, h.id AS hh_id, h.household_no AS hh_no, h.head_name AS hh_head, " +
		"c.id AS cadre_id, c.name AS cadre_name " + from + " AND o.id = ?"
	var out OutboxItem
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var rows []outboxRow
		if err := tx.WithContext(ctx).Raw(q, append(args, id)...).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return apperr.Missing("消息")
		}
		r := rows[0]
		if r.State != model.OutboxDead {
			return ErrNotDead.WithDetails(map[string]any{"state": r.State})
		}
		now := s.now()
		res := tx.WithContext(ctx).Exec("UPDATE push_outbox SET state = ?, attempts = 0, next_attempt_at = ?, lease_owner = '', lease_until = NULL, updated_at = ? "+
			"WHERE id = ? AND state = ?", model.OutboxQueued, now, now, id, model.OutboxDead)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotDead
		}
		if err := s.audit.Record(ctx, tx, who, audit.Event{Action: "push.retry", TargetKind: "push_outbox", TargetID: id,
			RegionCode: r.RegionCode, Detail: map[string]any{"kind": r.Kind, "attempts": r.Attempts, "last_error": r.LastError}}); err != nil {
			return err
		}
		r.State, r.Attempts, r.NextAttemptAt, r.UpdatedAt, r.LeaseOwner, r.LeaseUntil = model.OutboxQueued, 0, now, now, "", nil
		names, err := s.regionNames(ctx, []string{r.RegionCode})
		if err != nil {
			return err
		}
		out = r.item(names, s.o.Location)
		return nil
	})
	return out, err
}
