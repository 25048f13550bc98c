package imports

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/handover"
	"github.com/xiangbang/xiangbang/service/importer"
	"github.com/xiangbang/xiangbang/service/report"
)

// PaymentsChanged is told, after each committed batch, which households'
// payments an import created or changed: the subsidy service drops its
// cached summaries of them. Batches are written by more than one goroutine
// at once, so it must be safe for concurrent use.
type PaymentsChanged interface {
	InvalidateHousehold(ctx context.Context, householdIDs ...int64) error
}

// CadreSessions is told, after each committed batch, which cadres an
// import took out of post: the sign-in cache drops their principals, so
// their next request is refused at once (auth.Tokens.ForgetCadres).
type CadreSessions interface {
	ForgetCadres(ctx context.Context, cadreIDs ...int64) error
}

// Deps are what the service needs; New refuses missing ones except
// Payments and Sessions, which may be nil when nothing caches payments or
// principals (without Sessions a cached principal lasts out its minutes).
type Deps struct {
	DB       *model.DB
	Cipher   *pii.Cipher
	Audit    *audit.Log
	Items    []config.SubsidyItem // the catalogue synced to subsidy_items
	Logger   *slog.Logger
	Payments PaymentsChanged
	Sessions CadreSessions
}

// Options tune the service.
type Options struct {
	// DataDir is XB_DATA_DIR; uploads and reports live under DataDir/imports.
	DataDir string
	// Location is the county's zone: "today" for dates in files, and the
	// date a job posting or a pairing starts when its file does not say.
	Location *time.Location
	// BatchSize is the number of rows per write transaction (default 1000).
	BatchSize int
	// Writers is how many batches are written at once (default: two on
	// MySQL, whose server works on each in a thread of its own; one on
	// SQLite, which has one writer).
	Writers int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service runs imports.
type Service struct {
	db       *model.DB
	cipher   *pii.Cipher
	audit    *audit.Log
	items    *importer.ItemCatalogue
	log      *slog.Logger
	payments PaymentsChanged
	reports  *report.Reassigner // moves open cases when pairings change
	hands    *handover.Hands    // a cadre who leaves hands over their households
	sessions CadreSessions
	o        Options
}

// New returns the service.
func New(d Deps, o Options) (*Service, error) {
	if d.DB == nil || d.Cipher == nil || d.Audit == nil || d.Logger == nil || len(d.Items) == 0 {
		return nil, errors.New("imports: DB, Cipher, Audit, Logger and Items are required")
	}
	if o.DataDir == "" {
		return nil, errors.New("imports: Options.DataDir is required")
	}
	items, err := importer.NewItemCatalogue(d.Items)
	if err != nil {
		return nil, err
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.Writers <= 0 || d.DB.Dialect == model.SQLite {
		o.Writers = 1
		if d.DB.Dialect == model.MySQL {
			o.Writers = 2
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	reports, err := report.NewReassigner(d.Audit, o.Location, o.Now)
	if err != nil {
		return nil, err
	}
	hands, err := handover.New(d.Audit, reports, o.Now)
	if err != nil {
		return nil, err
	}
	return &Service{db: d.DB, cipher: d.Cipher, audit: d.Audit, items: items, log: d.Logger, payments: d.Payments,
		reports: reports, hands: hands, sessions: d.Sessions, o: o}, nil
}

// Dir is where uploads and reports are kept.
func (s *Service) Dir() string { return filepath.Join(s.o.DataDir, "imports") }

// today is the date in the county's zone.
func (s *Service) today() model.Date { return model.DateOf(s.o.Now().In(s.o.Location)) }

// stamp is a database timestamp: UTC, to the millisecond, as gorm writes them.
func (s *Service) stamp() time.Time { return s.o.Now().UTC().Truncate(time.Millisecond) }

// Request is one import to run.
type Request struct {
	Kind importer.Kind
	// Path is the file. FileName is its name as the person named it
	// (default: the base name of Path).
	Path     string
	FileName string
	// Mode is model.ImportAllOrNothing (the default) or model.ImportKeepGood.
	Mode string
	// DryRun checks the file against the database and writes the report,
	// but writes no data and records no run.
	DryRun bool
	// Scope is whose rows may be imported: an official's region, or the
	// system scope for the command line.
	Scope   model.Scope
	Actor   audit.Actor
	AdminID *int64
	// RunID is a run recorded already (queued by Submit); 0 records one.
	RunID int64
	// ReportPath is where the CSV report of rejected rows goes; default
	// DataDir/imports/<run>/report.csv, or a temporary name for dry runs.
	ReportPath string
	// OwnsFile says the file is an upload the run owns: it holds personal
	// numbers in clear, so it is removed when the run ends, before the run
	// is marked ended.
	OwnsFile bool
	// Progress, when set, is called as rows are read (about every thousand
	// rows) and at the end of each phase.
	Progress func(Progress)
}

// Counts are what a run did to rows.
type Counts struct {
	Total     int `json:"rows_total"`
	Created   int `json:"rows_created"`
	Updated   int `json:"rows_updated"`
	Unchanged int `json:"rows_unchanged"`
	Rejected  int `json:"rows_rejected"`
}

// Progress is a run's progress as it goes.
type Progress struct {
	Phase string // model.PhaseChecking or model.PhaseWriting
	Rows  int    // rows read in this phase
	Total int    // rows in the file, when known (the writing pass of an all-or-nothing run)
	Bytes int64  // bytes of the file read in this phase
	Size  int64  // the file's size
	Counts
}

// Result is how a run ended.
type Result struct {
	RunID  int64
	Status string // model.ImportDone, ImportRejected or ImportFailed
	Counts
	// ReportPath is the CSV report of rejected rows; "" when none was.
	ReportPath string
	// Error says why a failed run failed, in Chinese.
	Error string
	Took  time.Duration
	// Checking and Writing are the time of each pass (one of them is zero
	// for keep_good and for dry runs).
	Checking, Writing time.Duration
}
