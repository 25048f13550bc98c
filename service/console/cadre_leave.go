package console

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/handover"
)

// LeaveResult is the cadre after leaving, as the detail shows them, and
// what this call handed over (zero when they had already left).
type LeaveResult struct {
	CadreDetail
	PairingsEnded int `json:"pairings_ended"`
	ReportsMoved  int `json:"reports_moved"`
}

// CadreLeaves marks a cadre serving in the scope as no longer in post
// (驻村工作队 rotate, 帮扶责任人 change jobs) on the day given, default
// today, and hands over their work in one transaction: their active
// pairings end that day, their households' open cases go to the next cadre
// by the filing rule, their unused invite codes are revoked. A cadre who
// already left is answered as they are, so a retry is harmless. The
// cadre's WeChat sessions are the caller's to forget after this returns:
// sign-in already refuses a cadre not in post, but a cached principal
// would outlive the change by minutes.
func (s *Service) CadreLeaves(ctx context.Context, scope model.Scope, who audit.Actor, cadreID int64, on model.Date) (LeaveResult, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return LeaveResult{}, err
	}
	today := s.today()
	if on.IsZero() {
		on = today
	}
	if today.Before(on) {
		return LeaveResult{}, apperr.BadInput("invalid_on", "离岗日期不能晚于今天")
	}
	var left handover.Left
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		if err := handover.LockCadre(ctx, tx, cadreID); err != nil {
			return err
		}
		c, err := s.cadreInScope(ctx, tx, scope, cadreID)
		if err != nil || c.Status == model.CadreLeft {
			return err
		}
		first, err := handover.EarliestActiveStart(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if on.Before(first) {
			return apperr.BadInput("invalid_on", "离岗日期不能早于其结对日期 "+first.String())
		}
		left, err = s.hands.Leave(ctx, tx, who, c, on)
		return err
	})
	if err != nil {
		return LeaveResult{}, err
	}
	d, err := s.Cadre(ctx, scope, cadreID)
	return LeaveResult{CadreDetail: d, PairingsEnded: left.PairingsEnded, ReportsMoved: left.ReportsMoved}, err
}

// CadreReturns puts a cadre who left back in post. Nothing is restored:
// their households have been handed over, and pairing them again is a
// decision for an official, one household at a time.
func (s *Service) CadreReturns(ctx context.Context, scope model.Scope, who audit.Actor, cadreID int64) (CadreDetail, error) {
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		if err := handover.LockCadre(ctx, tx, cadreID); err != nil {
			return err
		}
		c, err := s.cadreInScope(ctx, tx, scope, cadreID)
		if err != nil || c.Status == model.CadreActive {
			return err
		}
		if err := tx.WithContext(ctx).Model(&model.Cadre{}).Where("id = ?", c.ID).
			Updates(map[string]any{"status": model.CadreActive, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, who, audit.Event{Action: "cadre.return", TargetKind: "cadre", TargetID: c.ID, RegionCode: c.RegionCode,
			Detail: map[string]any{"from": c.Status}})
	})
	if err != nil {
		return CadreDetail{}, err
	}
	return s.Cadre(ctx, scope, cadreID)
}
