package report

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// Actions on a case, and the status each leads to.
const (
	ActionAcknowledge = "acknowledge"
	ActionResolve     = "resolve"
	ActionReject      = "reject"
)

var actionTarget = map[string]string{
	ActionAcknowledge: model.ReportAcknowledged,
	ActionResolve:     model.ReportResolved,
	ActionReject:      model.ReportRejected,
}

// Transition moves a case in the caller's scope (a cadre's or an
// official's) on: acknowledge an open case, resolve or reject an open or
// acknowledged one, always with an answer the household reads. A retried
// request finds the case already moved and gets 409, so nothing is done
// twice.
func (s *Service) Transition(ctx context.Context, p auth.Principal, id int64, action, answer string) (View, error) {
	to, ok := actionTarget[action]
	if !ok {
		return View{}, ErrBadAction
	}
	answer, err := cleanText(answer, MaxAnswerRunes, ErrEmptyAnswer, ErrAnswerTooLong)
	if err != nil {
		return View{}, err
	}
	if p.Role != auth.RoleCadre && !p.IsAdmin() {
		return View{}, apperr.New(apperr.Forbidden, "forbidden", "您的身份不能使用此功能")
	}
	var r model.Report
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		// A no-op write first: two answers at once queue instead of racing (see lockHousehold).
		if err := tx.WithContext(ctx).Exec("UPDATE reports SET updated_at = updated_at WHERE id = ?", id).Error; err != nil {
			return err
		}
		q := p.Scope().Households(tx.WithContext(ctx).Where("reports.id = ?", id), "reports.household_id", "reports.region_code")
		if err := q.Take(&r).Error; err != nil {
			if model.IsNotFound(err) {
				return apperr.Missing("这件事")
			}
			return err
		}
		from := r.Status
		switch {
		case from == model.ReportResolved || from == model.ReportRejected:
			return ErrClosed
		case to == model.ReportAcknowledged && from != model.ReportOpen:
			return ErrAcknowledged
		}
		now := s.now()
		set := map[string]any{"status": to, "answer": answer, "updated_at": now}
		if r.AcknowledgedAt == nil {
			set["acknowledged_at"] = now
			r.AcknowledgedAt = &now
		}
		if to != model.ReportAcknowledged {
			set["closed_at"], set["open_key"] = now, nil
			r.ClosedAt, r.OpenKey = &now, nil
		}
		// Conditional on the status read: of two cadres answering at once, one wins.
		res := tx.WithContext(ctx).Model(&model.Report{}).Where("id = ? AND status = ?", r.ID, from).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrChanged
		}
		r.Status, r.Answer, r.UpdatedAt = to, &answer, now
		if err := s.step(ctx, tx, r.ID, from, to, p.Actor(), answer, now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "report." + action, TargetKind: "report",
			TargetID: r.ID, RegionCode: r.RegionCode, Detail: map[string]any{"from": from, "to": to}}); err != nil {
			return err
		}
		return s.notifyStep(ctx, tx, r, answer)
	})
	if err != nil {
		return View{}, err
	}
	if r.Type == model.ReportPayment {
		s.invalidate(ctx, r.HouseholdID)
	}
	return s.get(ctx, p, r.ID)
}
