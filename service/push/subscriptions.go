package push

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Subscriptions records what users accepted in wx.requestSubscribeMessage:
// per user and mini-program template, a count of one-time consents (each
// lets one message through) and a long-term flag (WeChat grants long-term
// subscriptions to 政务民生 mini-programs), kept until the user turns it off.
type Subscriptions struct {
	db  *model.DB
	tpl *config.PushTemplates
	now func() time.Time
}

// NewSubscriptions returns the consent book; now may be nil.
func NewSubscriptions(db *model.DB, tpl *config.PushTemplates, now func() time.Time) (*Subscriptions, error) {
	if db == nil || tpl == nil {
		return nil, errors.New("push: NewSubscriptions needs a database and templates")
	}
	if now == nil {
		now = time.Now
	}
	return &Subscriptions{db: db, tpl: tpl, now: now}, nil
}

// SubscriptionReport is the result of one wx.requestSubscribeMessage, by
// template key (or WeChat template id).
type SubscriptionReport struct {
	Accepted []string `json:"accepted"`
	Rejected []string `json:"rejected"`
	LongTerm []string `json:"long_term"`
}

// Subscription is a user's standing for one subscribe template.
type Subscription struct {
	TemplateKey string `json:"template_key"`
	TemplateID  string `json:"template_id"`
	Remaining   int    `json:"remaining"` // one-time consents not yet spent
	LongTerm    bool   `json:"long_term"`
	Rejected    bool   `json:"rejected"` // the user's last answer was no
}

// maxConsents bounds the one-time consents kept per template: WeChat
// counts its own, and answers 43101 when ours runs ahead of it.
const maxConsents = 100

var (
	errEmptyReport  = apperr.BadInput("empty_subscription", "没有订阅结果")
	errTooManyKeys  = apperr.BadInput("too_many_templates", "一次最多提交 20 个模板")
	errConflictKeys = apperr.BadInput("conflicting_subscription", "同一模板不能既接受又拒绝")
)

// Record applies a report for the user and returns their standing.
func (s *Subscriptions) Record(ctx context.Context, userID int64, r SubscriptionReport) ([]Subscription, error) {
	accepted, err := s.keys(r.Accepted)
	if err != nil {
		return nil, err
	}
	rejected, err := s.keys(r.Rejected)
	if err != nil {
		return nil, err
	}
	longTerm, err := s.keys(r.LongTerm)
	if err != nil {
		return nil, err
	}
	if len(accepted)+len(rejected)+len(longTerm) == 0 {
		return nil, errEmptyReport
	}
	for k := range rejected {
		if accepted[k] || longTerm[k] {
			return nil, errConflictKeys.WithDetails(map[string]any{"template_key": k})
		}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		for _, k := range sorted(longTerm) {
			if err := upsertConsent(tx, userID, k, now, "long_term = ?, rejected_at = NULL", true); err != nil {
				return err
			}
		}
		for _, k := range sorted(accepted) {
			if longTerm[k] {
				continue
			}
			if err := upsertConsent(tx, userID, k, now,
				"remaining = CASE WHEN remaining >= ? THEN ? ELSE remaining + 1 END, rejected_at = NULL", maxConsents, maxConsents); err != nil {
				return err
			}
		}
		for _, k := range sorted(rejected) {
			if err := upsertConsent(tx, userID, k, now, "long_term = ?, rejected_at = ?", false, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.List(ctx, userID)
}

// upsertConsent applies set to the user's row for key, creating it first
// when there is none.
func upsertConsent(tx *model.DB, userID int64, key string, now time.Time, set string, args ...any) error {
	update := func() (int64, error) {
		res := tx.Exec("UPDATE subscription_consents SET "+set+", updated_at = ? WHERE user_id = ? AND template_key = ?",
			append(args, now, userID, key)...)
		return res.RowsAffected, res.Error
	}
	n, err := update()
	if err != nil || n > 0 {
		return err
	}
	err = tx.Create(&model.SubscriptionConsent{UserID: userID, TemplateKey: key, CreatedAt: now, UpdatedAt: now}).Error
	if err != nil && !model.IsDuplicate(err) {
		return err
	}
	_, err = update()
	return err
}

// List returns the user's standing for every subscribe template.
func (s *Subscriptions) List(ctx context.Context, userID int64) ([]Subscription, error) {
	var rows []model.SubscriptionConsent
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Find(&rows).Error; err != nil {
		return nil, err
	}
	have := map[string]model.SubscriptionConsent{}
	for _, r := range rows {
		have[r.TemplateKey] = r
	}
	out := []Subscription{}
	for _, k := range sortedKeys(s.tpl.Miniapp) {
		r := have[k]
		out = append(out, Subscription{TemplateKey: k, TemplateID: s.tpl.Miniapp[k].ID, Remaining: r.Remaining,
			LongTerm: r.LongTerm, Rejected: r.RejectedAt != nil})
	}
	return out, nil
}

// keys turns template keys or WeChat ids into a set of template keys.
func (s *Subscriptions) keys(in []string) (map[string]bool, error) {
	if len(in) > 20 {
		return nil, errTooManyKeys
	}
	out := map[string]bool{}
	for _, raw := range in {
		k := strings.TrimSpace(raw)
		if _, ok := s.tpl.Miniapp[k]; !ok {
			k = s.keyOfID(k)
		}
		if k == "" {
			return nil, apperr.BadInput("unknown_template", "未知的订阅消息模板："+truncate(raw, 64)).
				WithDetails(map[string]any{"template": truncate(raw, 64)})
		}
		out[k] = true
	}
	return out, nil
}

func (s *Subscriptions) keyOfID(id string) string {
	for k, t := range s.tpl.Miniapp {
		if t.ID == id && id != "" {
			return k
		}
	}
	return ""
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
