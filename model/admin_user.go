package model

import "time"

// Admin roles.
const (
	AdminOfficial = "official"
	AdminSysadmin = "sysadmin"
)

// AdminUser is an official (or system admin) of the console, scoped to a
// region code prefix ("" is the whole deployment).
type AdminUser struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string `json:"-"`
	Role         string
	RegionScope  string
	Department   string
	WechatUserID *int64
	Disabled     bool
	LastLoginAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName names the table.
func (AdminUser) TableName() string { return "admin_users" }
