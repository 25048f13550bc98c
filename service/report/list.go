package report

import (
	"context"
	"strconv"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// Filter narrows a list of cases. Zero fields do not filter.
type Filter struct {
	Type        string `json:"type,omitempty"`   // payment | risk
	Status      string `json:"status,omitempty"` // open | acknowledged | resolved | rejected | active | closed
	Late        bool   `json:"late,omitempty"`   // a deadline passed while still open
	Escalated   bool   `json:"escalated,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	Region      string `json:"region,omitempty"`     // staff: a region code prefix
	Department  string `json:"department,omitempty"` // staff
	Cursor      string `json:"-"`
	Limit       int    `json:"-"`
}

// Page is one page of cases, newest first.
type Page struct {
	Items      []View `json:"items"`
	NextCursor string `json:"next_cursor"`
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

var (
	activeStatuses = []string{model.ReportOpen, model.ReportAcknowledged}
	closedStatuses = []string{model.ReportResolved, model.ReportRejected}
)

func isStaff(p auth.Principal) bool { return p.Role == auth.RoleCadre || p.IsAdmin() }

// List returns the caller's cases: a household's own, a cadre's paired
// households' (and stationed village's), an official's region's. Staff
// reads are written to the audit log.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) (Page, error) {
	q, err := s.filtered(ctx, p, f)
	if err != nil {
		return Page{}, err
	}
	if f.Limit <= 0 {
		f.Limit = defaultPageSize
	}
	f.Limit = min(f.Limit, maxPageSize)
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return Page{}, ErrBadCursor
		}
		q = q.Where("reports.id < ?", before)
	}
	var rows []model.Report
	if err := q.Order("reports.id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return Page{}, err
	}
	page := Page{}
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		page.NextCursor = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	if page.Items, err = s.views(ctx, s.db, rows, isStaff(p)); err != nil {
		return Page{}, err
	}
	if isStaff(p) {
		err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "report.list", TargetKind: "report",
			RegionCode: p.Scope().RegionPrefix, Detail: f})
	}
	return page, err
}

// filtered is the reports the caller may see that match f.
func (s *Service) filtered(ctx context.Context, p auth.Principal, f Filter) (*gorm.DB, error) {
	q := p.Scope().Households(s.db.WithContext(ctx).Model(&model.Report{}), "reports.household_id", "reports.region_code")
	switch f.Type {
	case "":
	case model.ReportPayment, model.ReportRisk:
		q = q.Where("reports.type = ?", f.Type)
	default:
		return nil, apperr.BadInput("invalid_type", "类型只能是 payment 或 risk")
	}
	switch f.Status {
	case "":
	case model.ReportOpen, model.ReportAcknowledged, model.ReportResolved, model.ReportRejected:
		q = q.Where("reports.status = ?", f.Status)
	case "active":
		q = q.Where("reports.status IN ?", activeStatuses)
	case "closed":
		q = q.Where("reports.status IN ?", closedStatuses)
	default:
		return nil, apperr.BadInput("invalid_status", "状态只能是 open、acknowledged、resolved、rejected、active 或 closed")
	}
	if f.Late {
		now := s.now()
		q = q.Where("((reports.status = ? AND (reports.first_deadline < ? OR reports.final_deadline < ?)) OR "+
			"(reports.status = ? AND reports.final_deadline < ?))", model.ReportOpen, now, now, model.ReportAcknowledged, now)
	}
	if f.Escalated {
		q = q.Where("reports.escalation_level > 0")
	}
	if f.HouseholdID != 0 {
		q = q.Where("reports.household_id = ?", f.HouseholdID)
	}
	if f.Region != "" {
		if len(f.Region) > 12 || !allDigits(f.Region) {
			return nil, apperr.BadInput("invalid_region", "地区代码应为 1 到 12 位数字")
		}
		q = q.Where("reports.region_code LIKE ?", f.Region+"%")
	}
	if f.Department != "" {
		q = q.Where("reports.department = ?", f.Department)
	}
	return q, nil
}

// Get returns one case in the caller's scope with its steps; staff reads
// are audited.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (View, error) {
	v, err := s.get(ctx, p, id)
	if err != nil || !isStaff(p) {
		return v, err
	}
	err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "report.read", TargetKind: "report", TargetID: id,
		RegionCode: v.RegionCode})
	return v, err
}

func (s *Service) get(ctx context.Context, p auth.Principal, id int64) (View, error) {
	var r model.Report
	err := p.Scope().Households(s.db.WithContext(ctx).Where("reports.id = ?", id), "reports.household_id", "reports.region_code").
		Take(&r).Error
	if model.IsNotFound(err) {
		return View{}, apperr.Missing("这件事")
	}
	if err != nil {
		return View{}, err
	}
	vs, err := s.views(ctx, s.db, []model.Report{r}, isStaff(p))
	if err != nil {
		return View{}, err
	}
	return vs[0], nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
