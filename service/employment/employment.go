// Package employment records workers starting and leaving work, and finds
// the households with labour and the wish to work but nobody in work
// (零就业家庭, which policy wants cleared: policy/001, 002, 004). A job lost
// or a return home (返乡, which policy/004 watches closely) raises a risk
// flag on the household, tells its responsible cadre, and puts the worker
// back into job matching.
package employment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/risk"
)

// Service records employment and lists zero-employment households.
type Service struct {
	db    *model.DB
	audit *audit.Log
	flags FlagRecomputer
	loc   *time.Location
	now   func() time.Time
}

// FlagRecomputer judges one household's flags inside the caller's
// transaction (risk.Service does): a standing job_lost flag is an in-year
// fall signal for 提级帮扶 (policy/004 §18, service/risk/inyear.go).
type FlagRecomputer interface {
	RecomputeHousehold(ctx context.Context, tx *model.DB, householdID int64) (risk.Summary, error)
}

// New builds the service; now is time.Now when nil.
func New(db *model.DB, auditLog *audit.Log, flags FlagRecomputer, loc *time.Location, now func() time.Time) (*Service, error) {
	if db == nil || auditLog == nil || flags == nil || loc == nil {
		return nil, errors.New("employment: New needs a database, an audit log, a flag recomputer and a location")
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, audit: auditLog, flags: flags, loc: loc, now: now}, nil
}

func (s *Service) today() model.Date { return model.DateOf(s.now().In(s.loc)) }

// EventNames are the events' Chinese names.
var EventNames = map[string]string{
	model.EmploymentStarted:  "开始务工",
	model.EmploymentEnded:    "务工结束",
	model.EmploymentCameHome: "返乡",
}

// statusAfter is the member's employment status after an event.
var statusAfter = map[string]string{
	model.EmploymentStarted:  model.EmploymentEmployed,
	model.EmploymentEnded:    model.EmploymentUnemployed,
	model.EmploymentCameHome: model.EmploymentReturned,
}

// Input is one report (POST /api/v1/me/employment). A household member
// reports for themself (member_id empty) or another member of their
// household; a cadre names a member of a household in their scope.
type Input struct {
	MemberID   int64      `json:"member_id"`
	Event      string     `json:"event"` // started | ended | returned
	JobID      *int64     `json:"job_id"`
	Employer   string     `json:"employer"`
	Place      string     `json:"place"`
	OccurredOn model.Date `json:"occurred_on"` // default today
	Note       string     `json:"note"`
}

// EventView is a recorded event and what it changed.
type EventView struct {
	ID               int64      `json:"id"`
	MemberID         int64      `json:"member_id"`
	HouseholdID      int64      `json:"household_id"`
	Event            string     `json:"event"`
	EventName        string     `json:"event_name"`
	JobID            *int64     `json:"job_id"`
	Employer         string     `json:"employer"`
	Place            string     `json:"place"`
	OccurredOn       model.Date `json:"occurred_on"`
	Note             string     `json:"note"`
	RecordedBy       string     `json:"recorded_by"` // household | cadre
	CreatedAt        time.Time  `json:"created_at"`
	EmploymentStatus string     `json:"employment_status"` // the member's, after this report
	FlagRaised       bool       `json:"flag_raised"`       // job_lost stands on the household
	Duplicate        bool       `json:"duplicate"`         // this report was already recorded
}

func bad(field, code, msg string) error {
	return apperr.BadInput(code, msg).WithDetails(map[string]any{"field": field})
}

func trimmed(field, s string, n int, label string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' }) {
		return "", bad(field, "invalid_"+field, fmt.Sprintf("%s最多 %d 个字，且不含控制字符", label, n))
	}
	return s, nil
}

func (s *Service) validate(in *Input) error {
	if _, ok := statusAfter[in.Event]; !ok {
		return bad("event", "invalid_event", "事件应为 started（开始务工）、ended（务工结束）或 returned（返乡）")
	}
	today := s.today()
	if in.OccurredOn.IsZero() {
		in.OccurredOn = today
	}
	if today.Before(in.OccurredOn) {
		return bad("occurred_on", "date_in_future", "日期不能晚于今天")
	}
	if in.OccurredOn.Before(today.AddDays(-366)) {
		return bad("occurred_on", "date_too_old", "只能补记一年以内的情况")
	}
	var err error
	if in.Employer, err = trimmed("employer", in.Employer, 64, "单位"); err != nil {
		return err
	}
	if in.Place, err = trimmed("place", in.Place, 32, "地点"); err != nil {
		return err
	}
	in.Note, err = trimmed("note", in.Note, 120, "备注")
	return err
}

// dedupeKey names a report by its facts, so the same report sent twice (a
// retry, a double tap, a cadre and the worker both) is recorded once.
func dedupeKey(memberID int64, in Input) string {
	job := int64(0)
	if in.JobID != nil {
		job = *in.JobID
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%s|%d|%s", memberID, in.Event, in.OccurredOn, job, in.Employer)))
	return hex.EncodeToString(sum[:])
}

// member resolves whose work is reported, within the caller's reach;
// anything else is 404.
func (s *Service) member(ctx context.Context, tx *model.DB, p auth.Principal, memberID int64) (model.Member, model.Household, error) {
	var m model.Member
	var h model.Household
	switch p.Role {
	case auth.RoleHousehold:
		if memberID == 0 {
			memberID = p.MemberID
		}
	case auth.RoleCadre:
		if memberID == 0 {
			return m, h, bad("member_id", "missing_member_id", "请选择要登记的家庭成员（member_id）")
		}
	default:
		return m, h, apperr.New(apperr.Forbidden, "forbidden", "您的身份不能使用此功能")
	}
	q := tx.WithContext(ctx).Model(&model.Member{}).Select("members.*").
		Joins("JOIN households ON households.id = members.household_id").Where("members.id = ?", memberID)
	q = p.Scope().Households(q, "members.household_id", "households.region_code")
	if tx.Dialect == model.MySQL {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&m).Error; err != nil {
		if model.IsNotFound(err) {
			return m, h, apperr.Missing("家庭成员")
		}
		return m, h, err
	}
	if m.Status != "active" {
		return m, h, apperr.New(apperr.Conflict, "member_inactive", "该成员已迁出或注销，不能登记务工情况")
	}
	err := tx.WithContext(ctx).Take(&h, m.HouseholdID).Error
	return m, h, err
}
