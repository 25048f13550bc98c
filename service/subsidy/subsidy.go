// Package subsidy answers "has my money come?": a household's 一卡通
// payments for a year with their status (overdue computed from the due date
// and a grace period), per-item totals and a one-line summary, cached per
// household and year; the subsidy item catalogue; and officials' lists of
// payments and of overdue payments in their region.
package subsidy

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
)

// Options configure the service.
type Options struct {
	// GraceDays pass after a due date before an unpaid payment is overdue
	// (XB_PAYMENT_GRACE_DAYS).
	GraceDays int
	// CacheTTL bounds how long a household's year view is cached; 0 turns
	// the cache off. Changes clear it at once (InvalidateHousehold).
	CacheTTL time.Duration
	// LocalCacheBytes bounds the first level of the cache, in this process
	// (XB_SUBSIDY_LOCAL_CACHE); 0 turns it off. It is used only with a
	// shared store that broadcasts invalidations (Redis), and only while
	// Listen runs.
	LocalCacheBytes int
	// Location is the zone "today" is judged in (XB_TIMEZONE).
	Location *time.Location
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service reads payments.
type Service struct {
	db    *model.DB
	kv    kv.Store
	audit *audit.Log
	o     Options
	// local is the in-process first level of the view cache; nil when off.
	local *localCache
	bc    broadcaster
}

// New builds the service.
func New(db *model.DB, store kv.Store, auditLog *audit.Log, o Options) (*Service, error) {
	if db == nil || store == nil || auditLog == nil {
		return nil, errors.New("subsidy: New needs a database, a kv store and the audit log")
	}
	if o.GraceDays < 0 || o.CacheTTL < 0 || o.LocalCacheBytes < 0 {
		return nil, errors.New("subsidy: grace days, cache TTL and local cache size must not be negative")
	}
	if o.Location == nil {
		return nil, errors.New("subsidy: Options.Location is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Service{db: db, kv: store, audit: auditLog, o: o}
	if bc, ok := store.(broadcaster); ok && o.CacheTTL > 0 {
		s.bc = bc
		if o.LocalCacheBytes > 0 {
			s.local = newLocalCache(o.LocalCacheBytes, o.CacheTTL, o.Now)
		}
	}
	return s, nil
}

// Today is the date in the deployment's zone, the day statuses are judged on.
func (s *Service) Today() model.Date { return model.DateOf(s.o.Now().In(s.o.Location)) }

// GraceDays is the configured grace period.
func (s *Service) GraceDays() int { return s.o.GraceDays }

// overdueBefore is the due date before which an unpaid (scheduled) payment
// is overdue today: due + grace < today ⇔ due < today − grace.
func (s *Service) overdueBefore(today model.Date) model.Date { return today.AddDays(-s.o.GraceDays) }

// Item is one entry of the catalogue as the mini-program shows it.
type Item struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Department    string `json:"department"`
	ViaCard       bool   `json:"via_card"`
	Payee         string `json:"payee"`
	Schedule      string `json:"schedule"`
	ScheduleLabel string `json:"schedule_label"`
}

// Items lists the active subsidy items in catalogue order.
func (s *Service) Items(ctx context.Context) ([]Item, error) {
	var rows []model.SubsidyItem
	if err := s.db.WithContext(ctx).Where("active = ?", true).Order("sort_order, code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Item, len(rows))
	for i, r := range rows {
		out[i] = Item{Code: r.Code, Name: r.Name, Department: r.Department, ViaCard: r.ViaCard, Payee: r.Payee,
			Schedule: r.Schedule, ScheduleLabel: ScheduleLabels[r.Schedule]}
	}
	return out, nil
}

// item returns one catalogue entry (active or not), for report routing.
func (s *Service) item(ctx context.Context, db *model.DB, code string) (model.SubsidyItem, error) {
	var it model.SubsidyItem
	err := db.WithContext(ctx).Where("code = ?", code).Take(&it).Error
	return it, err
}

// ItemDepartment returns the department responsible for an item ("" when
// the item is unknown).
func (s *Service) ItemDepartment(ctx context.Context, db *model.DB, code string) (string, error) {
	it, err := s.item(ctx, db, code)
	if model.IsNotFound(err) {
		return "", nil
	}
	return it.Department, err
}
