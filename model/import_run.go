package model

import "time"

// Import run statuses.
const (
	ImportQueued   = "queued"
	ImportRunning  = "running"
	ImportDone     = "done"
	ImportRejected = "rejected" // all-or-nothing run with bad rows: nothing written
	ImportFailed   = "failed"
)

// Import run modes and phases.
const (
	ImportAllOrNothing = "all"       // any bad row: nothing written
	ImportKeepGood     = "keep_good" // good rows written, bad ones reported

	PhaseChecking = "checking"
	PhaseWriting  = "writing"
)

// ImportRun is one file taken in, with its progress and outcome.
type ImportRun struct {
	ID            int64
	Kind          string
	FileName      string
	FileSHA256    string `gorm:"column:file_sha256"`
	Mode          string
	Status        string
	Phase         string // checking | writing, while running
	RowsTotal     int
	RowsDone      int
	RowsCreated   int
	RowsUpdated   int
	RowsUnchanged int
	RowsRejected  int
	BytesTotal    int64
	BytesDone     int64 // read so far while the number of rows is not known
	ReportPath    string
	Error         *string
	AdminUserID   *int64
	RegionScope   string
	StartedAt     *time.Time
	FinishedAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName names the table.
func (ImportRun) TableName() string { return "import_runs" }

// Lease is a named, expiring claim (the scheduler's leader lock without Redis).
type Lease struct {
	Name      string `gorm:"primaryKey"`
	Holder    string
	ExpiresAt time.Time
}

// TableName names the table.
func (Lease) TableName() string { return "leases" }
