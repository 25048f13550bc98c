package console

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/handover"
)

// PairingView is a pairing with both sides named.
type PairingView struct {
	ID          int64      `json:"id"`
	CadreID     int64      `json:"cadre_id"`
	CadreName   string     `json:"cadre_name"`
	CadreKind   string     `json:"cadre_kind"`
	HouseholdID int64      `json:"household_id"`
	HouseholdNo string     `json:"household_no"`
	HeadName    string     `json:"head_name"`
	RegionCode  string     `json:"region_code"`
	Role        string     `json:"role"`
	RoleName    string     `json:"role_name"`
	StartedOn   model.Date `json:"started_on"`
	EndedOn     model.Date `json:"ended_on"`
	Active      bool       `json:"active"`
}

// pairingsOf lists pairings matching cond (on alias p), current first.
func (s *Service) pairingsOf(ctx context.Context, cond string, args ...any) ([]PairingView, error) {
	var rows []struct {
		model.Pairing
		CadreName   string
		CadreKind   string
		HouseholdNo string
		HeadName    string
		RegionCode  string
	}
	q := "SELECT p.*, c.name AS cadre_name, c.kind AS cadre_kind, h.household_no AS household_no, h.head_name AS head_name, h.region_code AS region_code " +
		"FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id WHERE " + cond +
		" ORDER BY CASE WHEN p.ended_on IS NULL THEN 0 ELSE 1 END, p.id"
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := []PairingView{}
	for _, r := range rows {
		out = append(out, PairingView{ID: r.ID, CadreID: r.CadreID, CadreName: r.CadreName, CadreKind: r.CadreKind, HouseholdID: r.HouseholdID,
			HouseholdNo: r.HouseholdNo, HeadName: r.HeadName, RegionCode: r.RegionCode, Role: r.Role, RoleName: model.PairingRoles[r.Role],
			StartedOn: r.StartedOn, EndedOn: r.EndedOn, Active: r.EndedOn.IsZero()})
	}
	return out, nil
}

// PairInput asks for a cadre to be paired with a household.
type PairInput struct {
	CadreID     int64      `json:"cadre_id"`
	HouseholdID int64      `json:"household_id"`
	Role        string     `json:"role"`       // responsible | work_team | leader
	StartedOn   model.Date `json:"started_on"` // default today
	// Replace ends the household's current pairing in the same role with
	// another cadre (a household has one 帮扶责任人 at a time).
	Replace bool `json:"replace"`
}

// Failures of pairing.
var (
	errNoHousehold   = apperr.Missing("农户")
	errNoPairing     = apperr.Missing("结对关系")
	ErrAlreadyPaired = apperr.New(apperr.Conflict, "already_paired", "该干部已与此户结对")
	ErrRoleTaken     = apperr.New(apperr.Conflict, "role_taken", "此户已有该类帮扶人；如需更换，请选择“替换”")
	ErrCadreInactive = apperr.New(apperr.Conflict, "cadre_inactive", "该干部已不在岗，不能结对")
	ErrNotALeader    = apperr.BadInput("leader_kind_required", "提级帮扶领导须为县处级或乡科级领导干部")
)

// Pair pairs a cadre with a household, both in the scope. A pairing that
// ended is reopened (the table keeps one row per cadre, household and
// role). Audited with the change.
func (s *Service) Pair(ctx context.Context, scope model.Scope, who audit.Actor, in PairInput) (PairingView, error) {
	if model.PairingRoles[in.Role] == "" {
		return PairingView{}, apperr.BadInput("invalid_role", "结对角色应为 responsible、work_team 或 leader")
	}
	if in.CadreID <= 0 || in.HouseholdID <= 0 {
		return PairingView{}, apperr.BadInput("invalid_pairing", "请指定干部（cadre_id）和农户（household_id）")
	}
	today := s.today()
	if in.StartedOn.IsZero() {
		in.StartedOn = today
	}
	if today.Before(in.StartedOn) {
		return PairingView{}, apperr.BadInput("invalid_started_on", "结对日期不能晚于今天")
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		// Locked before it is read, so a leave at the same moment cannot
		// miss the pairing made here.
		if err := handover.LockCadre(ctx, tx, in.CadreID); err != nil {
			return err
		}
		c, err := s.cadreInScope(ctx, tx, scope, in.CadreID)
		if err != nil {
			return err
		}
		if c.Status != model.CadreActive {
			return ErrCadreInactive
		}
		if in.Role == model.RoleLeader && !model.LeaderKinds[c.Kind] {
			return ErrNotALeader
		}
		var h model.Household
		err = scope.Households(tx.WithContext(ctx).Table("households h"), "h.id", "h.region_code").Select("h.*").Where("h.id = ?", in.HouseholdID).Take(&h).Error
		if model.IsNotFound(err) {
			return errNoHousehold
		}
		if err != nil {
			return err
		}
		var current []model.Pairing
		if err := tx.WithContext(ctx).Where("household_id = ? AND role = ? AND ended_on IS NULL", h.ID, in.Role).Find(&current).Error; err != nil {
			return err
		}
		for _, p := range current {
			if p.CadreID == c.ID {
				return ErrAlreadyPaired.WithDetails(map[string]any{"pairing_id": p.ID})
			}
		}
		// One 帮扶责任人 per household; work teams and leaders may be several.
		if in.Role == model.RoleResponsible && len(current) > 0 {
			if !in.Replace {
				return ErrRoleTaken.WithDetails(map[string]any{"pairing_id": current[0].ID, "cadre_id": current[0].CadreID})
			}
			for _, p := range current {
				if err := s.endPairing(ctx, tx, who, p, h.RegionCode, in.StartedOn, "replaced"); err != nil {
					return err
				}
			}
		}
		var old model.Pairing
		err = tx.WithContext(ctx).Where("household_id = ? AND cadre_id = ? AND role = ?", h.ID, c.ID, in.Role).Take(&old).Error
		action := "pairing.create"
		switch {
		case err == nil: // ended before: reopen
			action = "pairing.reopen"
			id = old.ID
			if err := tx.WithContext(ctx).Model(&model.Pairing{}).Where("id = ? AND ended_on IS NOT NULL", old.ID).
				Updates(map[string]any{"started_on": in.StartedOn, "ended_on": nil, "updated_at": s.now()}).Error; err != nil {
				return err
			}
		case model.IsNotFound(err):
			p := model.Pairing{CadreID: c.ID, HouseholdID: h.ID, Role: in.Role, StartedOn: in.StartedOn}
			if err := tx.WithContext(ctx).Create(&p).Error; err != nil {
				if model.IsDuplicate(err) {
					return ErrAlreadyPaired
				}
				return err
			}
			id = p.ID
		default:
			return err
		}
		// The household's cases follow its cadre (the filing rule), in this transaction.
		if _, err := s.reports.Reassign(ctx, tx, []int64{h.ID}, who); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, who, audit.Event{Action: action, TargetKind: "household", TargetID: h.ID, RegionCode: h.RegionCode,
			Detail: map[string]any{"pairing_id": id, "cadre_id": c.ID, "cadre_name": c.Name, "role": in.Role, "started_on": in.StartedOn.String()}})
	})
	if err != nil {
		return PairingView{}, err
	}
	return s.pairingView(ctx, id)
}

// EndPairing ends a pairing whose household is in the scope. Ending one
// already ended changes nothing and answers with it as it is, so a retry
// is harmless.
func (s *Service) EndPairing(ctx context.Context, scope model.Scope, who audit.Actor, id int64, on model.Date) (PairingView, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return PairingView{}, err
	}
	today := s.today()
	if on.IsZero() {
		on = today
	}
	if today.Before(on) {
		return PairingView{}, apperr.BadInput("invalid_ended_on", "结束日期不能晚于今天")
	}
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var row struct {
			model.Pairing
			RegionCode string
		}
		q := scope.Households(tx.WithContext(ctx).Table("pairings p").Joins("JOIN households h ON h.id = p.household_id"), "h.id", "h.region_code")
		err := q.Select("p.*, h.region_code AS region_code").Where("p.id = ?", id).Take(&row).Error
		if model.IsNotFound(err) {
			return errNoPairing
		}
		if err != nil {
			return err
		}
		if !row.EndedOn.IsZero() {
			return nil
		}
		if on.Before(row.StartedOn) {
			return apperr.BadInput("invalid_ended_on", "结束日期不能早于结对日期 "+row.StartedOn.String())
		}
		if err := s.endPairing(ctx, tx, who, row.Pairing, row.RegionCode, on, "ended"); err != nil {
			return err
		}
		// Cases go to whoever the filing rule picks now, or to none.
		_, err = s.reports.Reassign(ctx, tx, []int64{row.HouseholdID}, who)
		return err
	})
	if err != nil {
		return PairingView{}, err
	}
	return s.pairingView(ctx, id)
}

func (s *Service) endPairing(ctx context.Context, tx *model.DB, who audit.Actor, p model.Pairing, region string, on model.Date, why string) error {
	_, err := s.hands.EndPairing(ctx, tx, who, p, region, on, why)
	return err
}

func (s *Service) pairingView(ctx context.Context, id int64) (PairingView, error) {
	vs, err := s.pairingsOf(ctx, "p.id = ?", id)
	if err != nil {
		return PairingView{}, err
	}
	if len(vs) == 0 {
		return PairingView{}, errNoPairing
	}
	return vs[0], nil
}
