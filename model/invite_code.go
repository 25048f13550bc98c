package model

import "time"

// InviteCode lets one WeChat user bind as a cadre, once, before it expires.
// Only the code's keyed hash is stored.
type InviteCode struct {
	ID           int64
	CodeIndex    string
	CadreID      int64
	IssuedBy     int64
	ExpiresAt    time.Time
	UsedAt       *time.Time
	UsedByUserID *int64
	RevokedAt    *time.Time
	CreatedAt    time.Time
}

// TableName names the table.
func (InviteCode) TableName() string { return "invite_codes" }
