package model

import "time"

// User roles of WeChat users.
const (
	UserGuest     = "guest"     // signed in, not bound
	UserHousehold = "household" // bound to a household member
	UserCadre     = "cadre"     // bound to a cadre
)

// User is one WeChat user of the mini-program or the official account.
type User struct {
	ID              int64
	MiniappOpenid   *string
	OfficialOpenid  *string
	Unionid         *string
	Role            string
	MemberID        *int64
	HouseholdID     *int64
	CadreID         *int64
	BoundAt         *time.Time
	FollowsOfficial bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName names the table.
func (User) TableName() string { return "users" }
