// Package risk turns households' income records into the flags policy asks
// for (DOMAIN.md): under the monitoring line, income fell, growth under the
// threshold, priority household (重点帮扶户), 提级帮扶 needed, and priority
// village (重点村). It records incomes and income plans (增收计划), and
// recomputes flags with set-based SQL, for one household when its inputs
// change and for a whole region for the scheduler.
package risk

import (
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Options are the service's dependencies besides the database.
type Options struct {
	Policy   *config.Policy
	Audit    *audit.Log
	Location *time.Location // the zone "this year" and "today" are judged in
	Now      func() time.Time
}

// Service records incomes and plans and keeps flags up to date.
type Service struct {
	db     *model.DB
	policy *config.Policy
	audit  *audit.Log
	loc    *time.Location
	now    func() time.Time
}

// New builds the service.
func New(db *model.DB, o Options) (*Service, error) {
	if db == nil || o.Policy == nil || o.Audit == nil || o.Location == nil {
		return nil, errors.New("risk: New needs a database, a policy, an audit log and a location")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, policy: o.Policy, audit: o.Audit, loc: o.Location, now: o.Now}, nil
}

// today is the date in the service's zone.
func (s *Service) today() model.Date { return model.DateOf(s.now().In(s.loc)) }

var errBadRegion = apperr.BadInput("invalid_region", "地区代码应为 12 位以内的数字前缀")

// validPrefix reports whether p is a region code prefix: up to 12 digits.
func validPrefix(p string) bool {
	if len(p) > 12 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
