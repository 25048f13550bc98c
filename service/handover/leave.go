package handover

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Left counts what a cadre's leaving did.
type Left struct {
	PairingsEnded  int
	ReportsMoved   int
	InvitesRevoked int
}

// LockCadre takes the cadre's row lock (as filing locks a household) before
// anything about the cadre is read: a pairing made at the same time then
// either commits first, and is ended by the leave, or waits and sees the
// cadre left. Pairing takes it too.
func LockCadre(ctx context.Context, tx *model.DB, id int64) error {
	return tx.WithContext(ctx).Exec("UPDATE cadres SET updated_at = updated_at WHERE id = ?", id).Error
}

// EarliestActiveStart is the day the cadre's oldest active pairing started
// (zero with none): a leave dated before it would end a pairing before it
// began.
func EarliestActiveStart(ctx context.Context, tx *model.DB, cadreID int64) (model.Date, error) {
	var starts []model.Date
	err := tx.WithContext(ctx).Model(&model.Pairing{}).Where("cadre_id = ? AND ended_on IS NULL", cadreID).
		Order("started_on").Limit(1).Pluck("started_on", &starts).Error
	if err != nil || len(starts) == 0 {
		return model.Date{}, err
	}
	return starts[0], nil
}

// Leave marks the cadre as having left their post on the day given and
// hands over their work, inside tx: every active pairing ended (each with
// its audit entry), the open cases of their households, and any still
// assigned to them elsewhere, moved by the filing rule, unused invite codes
// revoked, and one "cadre.leave" entry. A cadre already left is left alone
// (zero counts), so a retry or a second import of the same list is
// harmless. The caller has locked the row (LockCadre) and checked scope and
// dates. Their sessions are the caller's to forget after commit.
func (h *Hands) Leave(ctx context.Context, tx *model.DB, who audit.Actor, c model.Cadre, on model.Date) (Left, error) {
	db := tx.WithContext(ctx)
	now := h.now().UTC()
	var out Left
	res := db.Model(&model.Cadre{}).Where("id = ? AND status = ?", c.ID, model.CadreActive).
		Updates(map[string]any{"status": model.CadreLeft, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return out, res.Error
	}
	var pairs []struct {
		model.Pairing
		RegionCode string
	}
	if err := db.Table("pairings p").Joins("JOIN households h ON h.id = p.household_id").
		Select("p.*, h.region_code AS region_code").Where("p.cadre_id = ? AND p.ended_on IS NULL", c.ID).
		Order("p.id").Scan(&pairs).Error; err != nil {
		return out, err
	}
	var households []int64
	for _, p := range pairs {
		ended, err := h.EndPairing(ctx, tx, who, p.Pairing, p.RegionCode, on, "cadre_left")
		if err != nil {
			return out, err
		}
		if ended {
			out.PairingsEnded++
		}
		households = append(households, p.HouseholdID)
	}
	// Cases can be with them for a household they no longer help (a
	// pairing ended by hand, and nobody picked since): those move too.
	var elsewhere []int64
	if err := db.Model(&model.Report{}).Where("assigned_cadre_id = ? AND status IN ?", c.ID,
		[]string{model.ReportOpen, model.ReportAcknowledged}).Distinct("household_id").Pluck("household_id", &elsewhere).Error; err != nil {
		return out, err
	}
	households = append(households, elsewhere...) // Reassign sorts them and drops repeats
	moved, err := h.Reassign(ctx, tx, households, who)
	if err != nil {
		return out, err
	}
	out.ReportsMoved = moved
	res = db.Model(&model.InviteCode{}).Where("cadre_id = ? AND used_at IS NULL AND revoked_at IS NULL", c.ID).Update("revoked_at", now)
	if res.Error != nil {
		return out, res.Error
	}
	out.InvitesRevoked = int(res.RowsAffected)
	return out, h.audit.Record(ctx, tx, who, audit.Event{Action: "cadre.leave", TargetKind: "cadre", TargetID: c.ID, RegionCode: c.RegionCode,
		Detail: map[string]any{"on": on.String(), "pairings_ended": out.PairingsEnded, "reports_moved": out.ReportsMoved,
			"invites_revoked": out.InvitesRevoked}})
}
