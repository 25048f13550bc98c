// Package handover is what happens to a cadre's work when their pairings
// end or they leave their post (驻村工作队 rotate every couple of years,
// 帮扶责任人 change jobs). The console and the importer both change
// pairings and cadres; they share this so a cadre who leaves by a click and
// one who leaves by a spreadsheet row hand over the same way: each pairing
// ended with its audit entry, the households' open cases moved to whoever
// the filing rule picks now, unused invite codes revoked.
package handover

import (
	"context"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/report"
)

// Hands does hand-overs inside the caller's transaction.
type Hands struct {
	audit   *audit.Log
	reports *report.Reassigner
	now     func() time.Time
}

// New builds Hands; now is the clock (nil: time.Now).
func New(log *audit.Log, reports *report.Reassigner, now func() time.Time) (*Hands, error) {
	if log == nil || reports == nil {
		return nil, errors.New("handover: New needs the audit log and a reassigner")
	}
	if now == nil {
		now = time.Now
	}
	return &Hands{audit: log, reports: reports, now: now}, nil
}

// EndPairing ends one active pairing on the day given (never before it
// started) with an audit entry naming why ("ended", "replaced",
// "cadre_left"). A pairing already ended is left alone. The caller moves
// the household's cases afterwards (Reassign), once for all its changes.
func (h *Hands) EndPairing(ctx context.Context, tx *model.DB, who audit.Actor, p model.Pairing, region string, on model.Date, why string) (bool, error) {
	if on.Before(p.StartedOn) {
		on = p.StartedOn
	}
	res := tx.WithContext(ctx).Model(&model.Pairing{}).Where("id = ? AND ended_on IS NULL", p.ID).
		Updates(map[string]any{"ended_on": on, "updated_at": h.now().UTC()})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, h.audit.Record(ctx, tx, who, audit.Event{Action: "pairing.end", TargetKind: "household", TargetID: p.HouseholdID, RegionCode: region,
		Detail: map[string]any{"pairing_id": p.ID, "cadre_id": p.CadreID, "role": p.Role, "ended_on": on.String(), "reason": why}})
}

// Reassign moves the households' unclosed cases to the cadre the filing
// rule picks now (see report.Reassigner).
func (h *Hands) Reassign(ctx context.Context, tx *model.DB, householdIDs []int64, who audit.Actor) (int, error) {
	return h.reports.Reassign(ctx, tx, householdIDs, who)
}
