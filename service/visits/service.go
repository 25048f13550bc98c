// Package visits is the cadre's side of 入户走访: whom to visit first (the
// due lists), visits recorded offline and sent in batches that are safe to
// replay, corrections as new revisions, the household's own confirmation
// that a visit happened (instead of 打卡 check-ins), and the household file a
// cadre opens before a visit.
package visits

import (
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Options are the service's dependencies besides the database.
type Options struct {
	Policy           *config.Policy
	Audit            *audit.Log
	Location         *time.Location // dates and "today" are judged in this zone
	Now              func() time.Time
	PaymentGraceDays int // a scheduled payment is overdue this many days after its due date
	// Flags recomputes a household's flags when a visit records income
	// down (or stops doing so): an in-year fall signal for 提级帮扶.
	Flags FlagRecomputer
}

// Service records and lists visits.
type Service struct {
	db     *model.DB
	policy *config.Policy
	audit  *audit.Log
	loc    *time.Location
	now    func() time.Time
	grace  int
	flags  FlagRecomputer
}

// New builds the service.
func New(db *model.DB, o Options) (*Service, error) {
	if db == nil || o.Policy == nil || o.Audit == nil || o.Location == nil || o.Flags == nil {
		return nil, errors.New("visits: New needs a database, a policy, an audit log, a location and a flag recomputer")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, policy: o.Policy, audit: o.Audit, loc: o.Location, now: o.Now, grace: o.PaymentGraceDays, flags: o.Flags}, nil
}

func (s *Service) today() model.Date { return model.DateOf(s.now().In(s.loc)) }
