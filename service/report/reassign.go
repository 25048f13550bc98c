package report

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Reassigner moves a household's unclosed cases (open, acknowledged) to
// the cadre the filing rule picks now, when the household's pairings
// change: a cadre who was replaced or left must not be the only one who
// can answer. Those who change pairings (the console, the importer) hold
// one and call Reassign in the transaction of their change.
type Reassigner struct {
	audit *audit.Log
	loc   *time.Location
	now   func() time.Time
}

// NewReassigner builds a Reassigner; loc is the zone of the dates in its
// notices, now its clock (nil: time.Now).
func NewReassigner(log *audit.Log, loc *time.Location, now func() time.Time) (*Reassigner, error) {
	if log == nil || loc == nil {
		return nil, errors.New("report: NewReassigner needs the audit log and a location")
	}
	if now == nil {
		now = time.Now
	}
	return &Reassigner{audit: log, loc: loc, now: now}, nil
}

// reassignChunk bounds the households, and so the cases, handled by one
// round of statements (IN lists, the CASE of the update).
const reassignChunk = 500

// move is one case changing hands.
type move struct {
	report model.Report
	to     *int64 // nil: no cadre; the case rests with its department
	step   int    // the move's position among the case's steps
}

// Reassign moves the unclosed cases of the households whose cadre differs
// from the one the filing rule picks now, inside tx, which must be the
// transaction that changed their pairings (after the change). Each move
// gets a step, an audit entry and, when there is a new cadre, a notice to
// them. Deadlines stay: the household's clock does not restart. Cases
// already with the right cadre are left alone, so calling it again, or for
// households whose pairings did not change the choice, moves nothing. It
// returns how many cases moved.
func (r *Reassigner) Reassign(ctx context.Context, tx *model.DB, householdIDs []int64, who audit.Actor) (int, error) {
	ids := slices.Clone(householdIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	moved := 0
	for start := 0; start < len(ids); start += reassignChunk {
		n, err := r.reassign(ctx, tx, ids[start:min(start+reassignChunk, len(ids))], who)
		moved += n
		if err != nil {
			return moved, err
		}
	}
	return moved, nil
}

func (r *Reassigner) reassign(ctx context.Context, tx *model.DB, householdIDs []int64, who audit.Actor) (int, error) {
	db := tx.WithContext(ctx)
	// The households' row locks, as filing takes them (lockHousehold): a
	// filing that got in first is committed and seen below; one that comes
	// later waits and then routes by the new pairings. Ids are sorted, so
	// two importing batches lock in the same order.
	if err := db.Exec("UPDATE households SET updated_at = updated_at WHERE id IN ?", householdIDs).Error; err != nil {
		return 0, err
	}
	choice, err := assignees(ctx, tx, householdIDs)
	if err != nil {
		return 0, err
	}
	q := db.Where("household_id IN ? AND status IN ?", householdIDs, activeStatuses).Order("id")
	if tx.Dialect == model.MySQL {
		// A cadre answering one of these cases now waits for the move, so
		// no move lands on a case closed meanwhile. SQLite has one writer,
		// which the household lock above already made us.
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var open []model.Report
	if err := q.Find(&open).Error; err != nil {
		return 0, err
	}
	var moves []move
	for _, rep := range open {
		var to *int64
		if c, ok := choice[rep.HouseholdID]; ok {
			to = &c
		}
		if !sameCadre(rep.AssignedCadreID, to) {
			moves = append(moves, move{report: rep, to: to})
		}
	}
	if len(moves) == 0 {
		return 0, nil
	}
	now := r.now().UTC().Truncate(time.Millisecond)
	if err := setAssignees(ctx, tx, moves, now); err != nil {
		return 0, err
	}
	if err := r.record(ctx, tx, moves, who, now); err != nil {
		return 0, err
	}
	return len(moves), r.notify(ctx, tx, moves, now)
}

func sameCadre(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// setAssignees moves the cases in one statement. Only the cadre and
// updated_at change; deadlines and escalation stay as they were.
func setAssignees(ctx context.Context, tx *model.DB, moves []move, now time.Time) error {
	var sql strings.Builder
	sql.WriteString("UPDATE reports SET assigned_cadre_id = CASE id")
	args := make([]any, 0, 2*len(moves)+2)
	ids := make([]int64, len(moves))
	for i, m := range moves {
		sql.WriteString(" WHEN ? THEN ?")
		var to any // a typed nil pointer is not NULL to every driver
		if m.to != nil {
			to = *m.to
		}
		args = append(args, m.report.ID, to)
		ids[i] = m.report.ID
	}
	sql.WriteString(" END, updated_at = ? WHERE id IN ?")
	args = append(args, now, ids)
	return tx.WithContext(ctx).Exec(sql.String(), args...).Error
}
