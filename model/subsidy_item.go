package model

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/config"
)

// Payees and schedules of subsidy items.
const (
	PayeeHousehold = "household"
	PayeeMember    = "member"

	ScheduleMonthly   = "monthly"
	ScheduleQuarterly = "quarterly"
	ScheduleYearly    = "yearly"
	ScheduleOnce      = "once"
)

// SubsidyItem is one kind of subsidy (低保, 耕地地力保护补贴, ...).
type SubsidyItem struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	Department string
	ViaCard    bool
	Payee      string
	Schedule   string
	SortOrder  int
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName names the table.
func (SubsidyItem) TableName() string { return "subsidy_items" }

// SyncSubsidyItems makes the subsidy_items table match the catalogue: new
// items added, changed ones updated, items no longer listed kept (payments
// refer to them) but marked inactive.
func (db *DB) SyncSubsidyItems(ctx context.Context, items []SubsidyItem) error {
	return db.Tx(ctx, func(tx *DB) error {
		codes := make([]string, 0, len(items))
		for i := range items {
			items[i].Active = true
			items[i].SortOrder = i + 1
			codes = append(codes, items[i].Code)
		}
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "code"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "department", "via_card", "payee", "schedule", "sort_order", "active", "updated_at"}),
		}).Create(&items).Error; err != nil {
			return err
		}
		return tx.Model(&SubsidyItem{}).Where("code NOT IN ?", codes).Update("active", false).Error
	})
}

// SubsidyItemRows turns the catalogue file's entries into table rows.
func SubsidyItemRows(items []config.SubsidyItem) []SubsidyItem {
	rows := make([]SubsidyItem, len(items))
	for i, it := range items {
		rows[i] = SubsidyItem{Code: it.Code, Name: it.Name, Department: it.Department, ViaCard: it.PaidViaCard(), Payee: it.Payee, Schedule: it.Schedule}
	}
	return rows
}
