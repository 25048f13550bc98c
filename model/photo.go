package model

import "time"

// Photo is an uploaded image; the bytes live behind the storage interface.
type Photo struct {
	ID           int64
	SHA256       string `gorm:"column:sha256"`
	ContentType  string
	SizeBytes    int
	StorageKey   string
	HouseholdID  *int64
	UploaderKind string
	UploaderID   int64
	CreatedAt    time.Time
}

// TableName names the table.
func (Photo) TableName() string { return "photos" }
