// Package console is what the admin console shows officials that no other
// service owns: the dashboard's numbers, the household and cadre lists,
// pairing management and the push outbox. Every query takes the caller's
// model.Scope and filters in SQL; a region filter narrows the scope and
// never widens it.
package console

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/handover"
	"github.com/xiangbang/xiangbang/service/report"
)

// Deps are the service's collaborators.
type Deps struct {
	DB     *model.DB
	Audit  *audit.Log
	Policy *config.Policy
}

// Options tune the service.
type Options struct {
	GraceDays int              // XB_PAYMENT_GRACE_DAYS: days after the due date before unpaid counts as overdue
	Location  *time.Location   // the county's zone: "today" and month boundaries
	Now       func() time.Time // default time.Now
	// PaymentStatsTTL is how long the dashboard's payment figures (this
	// year by month, overdue by village: the costliest part) are reused
	// for the same region. Payments change by import, a few times a month;
	// everything else on the dashboard is read fresh. 0 means 60 s; a
	// negative value turns the reuse off.
	PaymentStatsTTL time.Duration
}

// Service answers the console's own API.
type Service struct {
	db       *model.DB
	audit    *audit.Log
	policy   *config.Policy
	o        Options
	payments statsCache
	reports  *report.Reassigner // moves open cases when a pairing changes
	hands    *handover.Hands    // ends pairings and hands over a cadre who leaves
}

// New builds the service.
func New(d Deps, o Options) (*Service, error) {
	if d.DB == nil || d.Audit == nil || d.Policy == nil {
		return nil, errors.New("console: New needs a database, the audit log and the policy")
	}
	if o.GraceDays < 0 {
		return nil, errors.New("console: GraceDays must not be negative")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PaymentStatsTTL == 0 {
		o.PaymentStatsTTL = time.Minute
	}
	reports, err := report.NewReassigner(d.Audit, o.Location, o.Now)
	if err != nil {
		return nil, err
	}
	hands, err := handover.New(d.Audit, reports, o.Now)
	if err != nil {
		return nil, err
	}
	return &Service{db: d.DB, audit: d.Audit, policy: d.Policy, o: o, reports: reports, hands: hands}, nil
}

func (s *Service) now() time.Time { return s.o.Now().UTC() }

// today is the date in the county's zone.
func (s *Service) today() model.Date { return model.DateOf(s.o.Now().In(s.o.Location)) }

// overdueBefore is the first due date that is not yet overdue today: a
// scheduled payment due before it is overdue (model.Payment.StatusOn).
func (s *Service) overdueBefore() model.Date { return s.today().AddDays(-s.o.GraceDays) }

// Failures shared by the lists.
var (
	ErrBadRegion   = apperr.BadInput("invalid_region", "地区代码应为 1 到 12 位数字")
	ErrOutside     = apperr.New(apperr.Forbidden, "region_out_of_scope", "该地区不在您的管辖范围内")
	ErrBadCursor   = apperr.BadInput("invalid_cursor", "翻页参数无效，请从第一页重新加载")
	ErrBadLimit    = apperr.BadInput("invalid_limit", "每页条数应在 1 到 200 之间")
	ErrNotOfficial = apperr.New(apperr.Forbidden, "forbidden", "只有县乡干部可以使用管理后台")
)

// Narrow returns the scope limited to region, a region code or code prefix
// ("" keeps the scope). A 12-digit code stands for its significant prefix,
// so "419901100000" (a town) means every village of the town. A region
// outside the scope is refused rather than silently emptied, so an official
// who typed a wrong code is told.
func Narrow(scope model.Scope, region string) (model.Scope, error) {
	if scope.Kind != model.ScopeRegion && scope.Kind != model.ScopeSystem {
		return model.Scope{}, ErrNotOfficial
	}
	if region == "" {
		return scope, nil
	}
	if len(region) > 12 || !digits(region) {
		return model.Scope{}, ErrBadRegion
	}
	if len(region) == 12 {
		region = model.RegionPrefix(region, model.RegionLevelOf(region))
	}
	switch {
	case scope.CoversRegion(region):
		return model.RegionScope(region), nil
	case strings.HasPrefix(scope.RegionPrefix, region):
		return scope, nil // a wider region than the scope: the scope is the answer
	}
	return model.Scope{}, ErrOutside
}

// prefixOf is the region prefix a narrowed scope filters by ("" for all).
func prefixOf(scope model.Scope) string {
	if scope.Kind == model.ScopeSystem {
		return ""
	}
	return scope.RegionPrefix
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// likeEscape escapes s for a LIKE pattern with the default backslash escape.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Page says where a list starts and how long it is.
type Page struct {
	Cursor string // the last id of the previous page, as given in next_cursor
	Limit  int    // 0: the default
}

// after parses the cursor and the limit (default def, at most 200).
func (p Page) after(def int) (int64, int, error) {
	limit := p.Limit
	switch {
	case limit == 0:
		limit = def
	case limit < 0 || limit > 200:
		return 0, 0, ErrBadLimit
	}
	if p.Cursor == "" {
		return 0, limit, nil
	}
	id, err := strconv.ParseInt(p.Cursor, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, ErrBadCursor
	}
	return id, limit, nil
}

// regionNames maps codes to names in one query.
func (s *Service) regionNames(ctx context.Context, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	var uniq []string
	for _, c := range codes {
		if c != "" && !seen[c] {
			seen[c] = true
			uniq = append(uniq, c)
		}
	}
	var rows []struct{ Code, Name string }
	for start := 0; start < len(uniq); start += 500 {
		end := min(start+500, len(uniq))
		var part []struct{ Code, Name string }
		if err := s.db.WithContext(ctx).Model(&model.Region{}).Select("code, name").Where("code IN ?", uniq[start:end]).
			Scan(&part).Error; err != nil {
			return nil, err
		}
		rows = append(rows, part...)
	}
	for _, r := range rows {
		out[r.Code] = r.Name
	}
	return out, nil
}

// townOf is the town code of a village code.
func townOf(village string) string {
	if len(village) != 12 {
		return ""
	}
	return village[:9] + "000"
}
