package model

import "context"

// ScopedHousehold returns household id when scope may see it, and
// gorm.ErrRecordNotFound (IsNotFound) when it may not or there is none:
// the two must look the same to the caller.
func (db *DB) ScopedHousehold(ctx context.Context, scope Scope, id int64) (Household, error) {
	var h Household
	q := scope.Households(db.WithContext(ctx).Where("households.id = ?", id), "households.id", "households.region_code")
	err := q.Take(&h).Error
	return h, err
}

// PairedHousehold returns the household when the cadre has an active
// pairing with it, and gorm.ErrRecordNotFound otherwise. Writing a
// household's records (visits, incomes, plans) needs a pairing, not only
// the wider read scope that includes a stationed village.
func (db *DB) PairedHousehold(ctx context.Context, cadreID, householdID int64) (Household, error) {
	var h Household
	err := db.WithContext(ctx).
		Where("households.id = ? AND EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = households.id AND p.cadre_id = ? AND p.ended_on IS NULL)",
			householdID, cadreID).
		Take(&h).Error
	return h, err
}
