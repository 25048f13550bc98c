package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/photo"
)

// PaymentReportInput is API.md's Report body.
type PaymentReportInput struct {
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	PhotoIDs []int64 `json:"photo_ids"`
}

// RiskReportInput is a 自主申报. A cadre filing on a household's behalf
// names the household; a household member may say a relative is filing.
type RiskReportInput struct {
	Kind             string  `json:"kind"`
	Text             string  `json:"text"`
	PhotoIDs         []int64 `json:"photo_ids"`
	HouseholdID      int64   `json:"household_id"`
	ReporterRelation string  `json:"reporter_relation"`
}

var errNotHousehold = apperr.New(apperr.Forbidden, "forbidden", "您的身份不能使用此功能")

// newCase is what both kinds of report have in common when filed.
type newCase struct {
	report    model.Report
	photoIDs  []int64
	household model.Household
}

// errAlreadyOpen carries the open key that is taken out of the transaction
// that found it, so the case holding it is read after the rollback (inside
// the transaction, MySQL's snapshot may not show a case another request
// has just committed).
type errAlreadyOpen struct{ key string }

func (e errAlreadyOpen) Error() string {
	return fmt.Sprintf("a report is already open under %s", e.key)
}

// FilePaymentReport files a 问题反映 on one of the household's payments. A
// payment outside the caller's household is 404; a second report while one
// is open is 409 carrying the open one.
func (s *Service) FilePaymentReport(ctx context.Context, p auth.Principal, paymentID int64, in PaymentReportInput) (View, error) {
	if p.Role != auth.RoleHousehold {
		return View{}, errNotHousehold
	}
	if _, ok := kindLabel(PaymentKinds, in.Kind); !ok {
		return View{}, ErrBadPaymentKind
	}
	text, err := cleanText(in.Text, MaxTextRunes, ErrEmptyText, ErrTextTooLong)
	if err != nil {
		return View{}, err
	}
	if len(in.PhotoIDs) > photo.MaxPerRecord {
		return View{}, photo.ErrTooMany
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		if err := lockHousehold(ctx, tx, p.HouseholdID); err != nil {
			return err
		}
		var pay model.Payment
		err := p.Scope().Households(tx.WithContext(ctx).Where("payments.id = ?", paymentID), "payments.household_id", "payments.region_code").
			Take(&pay).Error
		if model.IsNotFound(err) {
			return apperr.Missing("这笔补贴")
		}
		if err != nil {
			return err
		}
		today := s.subsidies.Today()
		if (in.Kind == "not_received" || in.Kind == "late") && pay.Status == model.PaymentScheduled && !pay.DueDate.Before(today) {
			return ErrNotDue
		}
		dept, err := s.subsidies.ItemDepartment(ctx, tx, pay.ItemCode)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("payment:%d", pay.ID)
		c := newCase{report: model.Report{
			Type: model.ReportPayment, HouseholdID: pay.HouseholdID, PaymentID: &pay.ID, Kind: in.Kind, Text: text,
			ReporterUserID: &p.UserID, ReporterRelation: RelationSelf, Department: dept, OpenKey: &key,
		}, photoIDs: in.PhotoIDs}
		id, err = s.open(ctx, tx, p, &c)
		return err
	})
	return s.afterFiling(ctx, p, id, err, errPaymentOpen)
}

// FileRiskReport files a 自主申报. Households file for themselves (or a
// relative for them); a cadre files for a household paired with them.
func (s *Service) FileRiskReport(ctx context.Context, p auth.Principal, in RiskReportInput) (View, error) {
	if _, ok := kindLabel(RiskKinds, in.Kind); !ok {
		return View{}, ErrBadRiskKind
	}
	text, err := cleanText(in.Text, MaxTextRunes, ErrEmptyText, ErrTextTooLong)
	if err != nil {
		return View{}, err
	}
	if len(in.PhotoIDs) > photo.MaxPerRecord {
		return View{}, photo.ErrTooMany
	}
	rep := model.Report{Type: model.ReportRisk, Kind: in.Kind, Text: text}
	switch p.Role {
	case auth.RoleHousehold:
		switch in.ReporterRelation {
		case "", RelationSelf:
			rep.ReporterRelation = RelationSelf
		case RelationRelative:
			rep.ReporterRelation = RelationRelative
		default:
			return View{}, ErrBadRelation
		}
		if in.HouseholdID != 0 && in.HouseholdID != p.HouseholdID {
			return View{}, apperr.Missing("农户")
		}
		rep.HouseholdID, rep.ReporterUserID = p.HouseholdID, &p.UserID
	case auth.RoleCadre:
		if in.HouseholdID == 0 {
			return View{}, ErrNeedHousehold
		}
		rep.HouseholdID, rep.ReporterCadreID, rep.ReporterRelation = in.HouseholdID, &p.CadreID, RelationCadre
		if p.UserID != 0 {
			rep.ReporterUserID = &p.UserID
		}
	default:
		return View{}, errNotHousehold
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		if err := lockHousehold(ctx, tx, rep.HouseholdID); err != nil {
			return err
		}
		if p.Role == auth.RoleCadre {
			// Filing for a household needs a pairing, not only being stationed in its village.
			var n int64
			if err := tx.WithContext(ctx).Model(&model.Pairing{}).
				Where("cadre_id = ? AND household_id = ? AND ended_on IS NULL", p.CadreID, rep.HouseholdID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.Missing("农户")
			}
		}
		key := fmt.Sprintf("risk:%d:%s", rep.HouseholdID, rep.Kind)
		rep.OpenKey = &key
		c := newCase{report: rep, photoIDs: in.PhotoIDs}
		var err error
		id, err = s.open(ctx, tx, p, &c)
		return err
	})
	return s.afterFiling(ctx, p, id, err, errRiskOpen)
}

// lockHousehold makes filings for one household wait for each other, so a
// double tap gets a clean 409 instead of a race: it is the transaction's
// first statement and a write, which takes the household's row lock on
// MySQL (the later reads then see what the other request committed) and
// the write lock on SQLite (where a read-then-write transaction would fail
// with "busy" instead of waiting). It changes nothing.
func lockHousehold(ctx context.Context, tx *model.DB, householdID int64) error {
	return tx.WithContext(ctx).Exec("UPDATE households SET updated_at = updated_at WHERE id = ?", householdID).Error
}

// open writes a new case inside tx: routing, deadlines, photos, the first
// step, the audit entry and the notices. It returns errAlreadyOpen when a
// case is already open under the same key.
func (s *Service) open(ctx context.Context, tx *model.DB, p auth.Principal, c *newCase) (int64, error) {
	r := &c.report
	db := tx.WithContext(ctx)
	var taken int64
	if err := db.Model(&model.Report{}).Where("open_key = ?", *r.OpenKey).Count(&taken).Error; err != nil {
		return 0, err
	}
	if taken > 0 {
		return 0, errAlreadyOpen{*r.OpenKey}
	}
	if err := db.Take(&c.household, r.HouseholdID).Error; err != nil {
		if model.IsNotFound(err) {
			return 0, apperr.Missing("农户")
		}
		return 0, err
	}
	r.RegionCode = c.household.RegionCode
	var err error
	if r.AssignedCadreID, err = s.responsibleCadre(ctx, tx, r.HouseholdID); err != nil {
		return 0, err
	}
	if r.Type == model.ReportRisk {
		if r.Department, err = s.townName(ctx, tx, r.RegionCode); err != nil {
			return 0, err
		}
	}
	ids, err := photo.Claim(ctx, tx, photo.Uploader{Kind: p.ActorKind(), ID: p.ActorID()}, r.HouseholdID, c.photoIDs)
	if err != nil {
		return 0, err
	}
	raw, _ := json.Marshal(ids)
	now := s.now()
	r.PhotoIDs, r.Status, r.CreatedAt, r.UpdatedAt = string(raw), model.ReportOpen, now, now
	r.FirstDeadline, r.FinalDeadline = s.deadlines(r.Type, now)
	if err := db.Create(r).Error; err != nil {
		if model.IsDuplicate(err) { // another request opened one between our check and insert
			return 0, errAlreadyOpen{*r.OpenKey}
		}
		return 0, err
	}
	if err := s.step(ctx, tx, r.ID, "", model.ReportOpen, p.Actor(), r.Text, now); err != nil {
		return 0, err
	}
	if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "report.create", TargetKind: "report", TargetID: r.ID,
		RegionCode: r.RegionCode, Detail: map[string]any{"type": r.Type, "kind": r.Kind, "household_id": r.HouseholdID,
			"payment_id": r.PaymentID, "relation": r.ReporterRelation}}); err != nil {
		return 0, err
	}
	return r.ID, s.notifyFiled(ctx, tx, *r)
}

// afterFiling turns the transaction's outcome into the answer: the new
// case, or 409 with the case already open, read after the rollback.
func (s *Service) afterFiling(ctx context.Context, p auth.Principal, id int64, err error, conflict *apperr.Error) (View, error) {
	var open errAlreadyOpen
	if errors.As(err, &open) {
		var existing model.Report
		if err := s.db.WithContext(ctx).Select("id").Where("open_key = ?", open.key).Take(&existing).Error; err != nil {
			if model.IsNotFound(err) { // closed in the meantime: the caller may try again
				return View{}, conflict
			}
			return View{}, err
		}
		v, err := s.get(ctx, p, existing.ID)
		if err != nil {
			return View{}, err
		}
		return View{}, conflict.WithDetails(map[string]any{"report": v})
	}
	if err != nil {
		return View{}, err
	}
	v, err := s.get(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	if v.Type == model.ReportPayment {
		s.invalidate(ctx, v.HouseholdID)
	}
	return v, nil
}

// invalidate drops the household's cached payment view, which shows the
// open report on each payment. A failure only delays that until the cache
// expires, so it is logged, not returned.
func (s *Service) invalidate(ctx context.Context, householdID int64) {
	if err := s.subsidies.InvalidateHousehold(ctx, householdID); err != nil {
		s.o.Logger.WarnContext(ctx, "could not clear the household's payment cache", "household_id", householdID, "err", err)
	}
}

// townName is the department of a 自主申报: the household's town
// government (乡镇), which 即审即报.
func (s *Service) townName(ctx context.Context, tx *model.DB, village string) (string, error) {
	if len(village) != 12 {
		return "乡镇", nil
	}
	var names []string
	if err := tx.WithContext(ctx).Model(&model.Region{}).Where("code = ?", village[:9]+"000").Pluck("name", &names).Error; err != nil {
		return "", err
	}
	if len(names) == 0 || names[0] == "" {
		return "乡镇", nil
	}
	return names[0] + "人民政府", nil
}

// step records one change of a report.
func (s *Service) step(ctx context.Context, tx *model.DB, reportID int64, from, to string, who audit.Actor, message string, at time.Time) error {
	e := model.ReportEvent{ReportID: reportID, FromStatus: from, ToStatus: to, ActorKind: who.Kind, ActorID: who.ID,
		ActorName: truncateRunes(who.Name, 64), CreatedAt: at}
	if message != "" {
		e.Message = &message
	}
	return tx.WithContext(ctx).Create(&e).Error
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
