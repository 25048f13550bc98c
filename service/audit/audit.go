// Package audit writes and lists the audit log: who read or changed which
// household's records, when, from which IP, through which endpoint. Entries
// are only ever inserted.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Actor is who acted.
type Actor struct {
	Kind string // household | cadre | official | system | importer
	ID   int64
	Name string
}

// System is the program itself (schedulers, workers).
var System = Actor{Kind: "system", Name: "系统"}

// Request is where an action came from; handlers put it in the context.
type Request struct {
	IP        string
	Endpoint  string // "GET /api/v1/cadre/households/:id"
	RequestID string
}

type requestKey struct{}

// WithRequest returns ctx carrying the request's origin.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the origin put there by WithRequest (zero when none:
// a background job).
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// Event is one thing to record.
type Event struct {
	Action     string // e.g. household.read, visit.create, binding.lockout
	TargetKind string // household | member | visit | payment | report | cadre | admin_user | ...
	TargetID   int64
	RegionCode string // the target's region, so officials see entries in their scope
	Detail     any    // marshalled to JSON; never personal numbers
}

// Log writes audit entries.
type Log struct {
	db  *model.DB
	now func() time.Time
}

// New returns an audit log on db.
func New(db *model.DB, now func() time.Time) (*Log, error) {
	if db == nil {
		return nil, errors.New("audit: New needs a database")
	}
	if now == nil {
		now = time.Now
	}
	return &Log{db: db, now: now}, nil
}

// Record writes one entry. Pass a transaction as db to keep the entry with
// the change it describes; nil uses the log's own database.
func (l *Log) Record(ctx context.Context, db *model.DB, who Actor, e Event) error {
	if db == nil {
		db = l.db
	}
	entry := l.entry(ctx, who, e)
	return db.WithContext(ctx).Create(&entry).Error
}

func (l *Log) entry(ctx context.Context, who Actor, e Event) model.AuditEntry {
	req := RequestFrom(ctx)
	entry := model.AuditEntry{
		CreatedAt: l.now().UTC(), ActorKind: who.Kind, ActorID: who.ID, ActorName: truncate(who.Name, 64),
		Action: e.Action, TargetKind: e.TargetKind, TargetID: e.TargetID, RegionCode: e.RegionCode,
		IP: req.IP, Endpoint: truncate(req.Endpoint, 128), RequestID: req.RequestID,
	}
	if e.Detail != nil {
		if raw, err := json.Marshal(e.Detail); err == nil {
			s := string(raw)
			entry.Detail = &s
		}
	}
	return entry
}

// Filter narrows a listing.
type Filter struct {
	Action     string
	TargetKind string
	TargetID   int64
	ActorKind  string
	ActorID    int64
	Since      time.Time
	Until      time.Time
	BeforeID   int64 // cursor: entries older than this id
	Limit      int
}

// List returns entries in the scope, newest first. Officials see entries
// whose region is inside theirs.
func (l *Log) List(ctx context.Context, scope model.Scope, f Filter) ([]model.AuditEntry, error) {
	q := scope.Regions(l.db.WithContext(ctx).Model(&model.AuditEntry{}), "region_code")
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.TargetKind != "" {
		q = q.Where("target_kind = ?", f.TargetKind)
	}
	if f.TargetID != 0 {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if f.ActorKind != "" {
		q = q.Where("actor_kind = ?", f.ActorKind)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var out []model.AuditEntry
	err := q.Order("id DESC").Limit(f.Limit).Find(&out).Error
	return out, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	for len(string(r)) > n {
		r = r[:len(r)-1]
	}
	return string(r)
}
