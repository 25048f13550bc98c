// Package pairing is the gate in front of every write a cadre makes to a
// household's records: a visit, an income record, an income plan. Reading
// is wider (a cadre sees the village they are stationed in); writing needs
// an active pairing (结对) with the household.
package pairing

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// ErrNotPaired refuses a write to a household the cadre may see but is not
// paired with.
var ErrNotPaired = apperr.New(apperr.Forbidden, "not_paired", "您不是该户的结对帮扶干部，不能为该户录入")

// ErrNoHousehold is the answer for a household that is not there or not the
// caller's to see: the two look the same.
var ErrNoHousehold = apperr.Missing("农户")

// Writable returns the household when the cadre p has an active pairing
// with it. Otherwise it records the refused attempt in the audit log under
// refusedAction (e.g. "visit.refused_out_of_scope") and returns ErrNotPaired
// when p may see the household and ErrNoHousehold when not. Call it before
// opening the write's transaction: the refusal entry must be committed
// whatever becomes of the write, and SQLite has one writer at a time.
func Writable(ctx context.Context, db *model.DB, log *audit.Log, p auth.Principal, householdID int64, refusedAction string, detail any) (model.Household, error) {
	if p.Role != auth.RoleCadre || p.CadreID == 0 {
		return model.Household{}, ErrNoHousehold
	}
	h, err := db.PairedHousehold(ctx, p.CadreID, householdID)
	if err == nil {
		return h, nil
	}
	if !model.IsNotFound(err) {
		return h, err
	}
	visible, err := db.ScopedHousehold(ctx, p.Scope(), householdID)
	if err != nil && !model.IsNotFound(err) {
		return model.Household{}, err
	}
	region := ""
	if err == nil {
		region = visible.RegionCode
	} else {
		// The region of a household outside the caller's scope still goes
		// in the entry, so the officials of that region see the attempt.
		db.WithContext(ctx).Model(&model.Household{}).Where("id = ?", householdID).Limit(1).Pluck("region_code", &region)
	}
	if aerr := log.Record(ctx, nil, p.Actor(), audit.Event{Action: refusedAction, TargetKind: "household", TargetID: householdID,
		RegionCode: region, Detail: detail}); aerr != nil {
		return model.Household{}, aerr
	}
	if err == nil {
		return model.Household{}, ErrNotPaired
	}
	return model.Household{}, ErrNoHousehold
}
