package model

import "time"

// Session subjects.
const (
	SubjectUser  = "user"
	SubjectAdmin = "admin"
)

// Session is one sign-in. The token given to the client carries TokenID,
// signed; a revoked or expired row refuses the token at once.
type Session struct {
	ID          int64
	TokenID     string
	SubjectKind string
	SubjectID   int64
	CSRFToken   string `gorm:"column:csrf_token"`
	IP          string
	UserAgent   string
	ExpiresAt   time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

// TableName names the table.
func (Session) TableName() string { return "sessions" }
