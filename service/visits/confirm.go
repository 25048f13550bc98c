package visits

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// Confirmation is a household's answer to "did this visit happen".
type Confirmation struct {
	VisitID      int64      `json:"visit_id"`
	Confirmation string     `json:"confirmation"` // confirmed | denied
	ConfirmedAt  *time.Time `json:"confirmed_at"`
	Note         string     `json:"note"`
}

var (
	errNoVisit = apperr.Missing("走访记录")
	errNote    = apperr.BadInput("note_too_long", "说明不能超过 200 字")
)

// Confirm records a bound household member's answer to a visit of their
// household: it happened, or it did not. The answer is given once: the
// same answer again is harmless, a different one is refused (409) so that
// the record officials rely on is never flipped silently. It lands on the
// visit's current revision whichever revision id the household holds.
func (s *Service) Confirm(ctx context.Context, p auth.Principal, visitID int64, confirmed bool, note string) (Confirmation, error) {
	if p.Role != auth.RoleHousehold || p.HouseholdID == 0 {
		return Confirmation{}, errNoVisit
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 200 {
		return Confirmation{}, errNote
	}
	answer := model.ConfirmDenied
	if confirmed {
		answer = model.ConfirmConfirmed
	}
	var named model.Visit
	if err := s.db.WithContext(ctx).Where("id = ? AND household_id = ?", visitID, p.HouseholdID).Take(&named).Error; err != nil {
		if model.IsNotFound(err) {
			return Confirmation{}, errNoVisit
		}
		return Confirmation{}, err
	}
	root := rootOf(named)
	for attempt := 0; attempt < 5; attempt++ {
		var cur model.Visit
		if err := s.db.WithContext(ctx).Where("(id = ? OR root_id = ?) AND is_current = ?", root, root, true).Take(&cur).Error; err != nil {
			return Confirmation{}, err
		}
		if cur.Confirmation != model.ConfirmPending {
			if cur.Confirmation == answer {
				return confirmationOf(cur, s.loc), nil
			}
			return Confirmation{}, apperr.New(apperr.Conflict, "already_answered", "您已经答复过这次走访，如需更改请联系村委或乡镇").
				WithDetails(map[string]any{"confirmation": cur.Confirmation})
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		var done bool
		err := s.db.Tx(ctx, func(tx *model.DB) error {
			// Conditional on pending and current: a correction or a second
			// device answering at the same moment makes this a no-op, and
			// the loop reads what happened.
			res := tx.WithContext(ctx).Model(&model.Visit{}).
				Where("id = ? AND is_current = ? AND confirmation = ?", cur.ID, true, model.ConfirmPending).
				Updates(map[string]any{"confirmation": answer, "confirmed_at": now, "confirmed_by_user_id": p.UserID,
					"confirmation_note": note, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			done = true
			var region string
			if err := tx.WithContext(ctx).Model(&model.Household{}).Where("id = ?", cur.HouseholdID).Pluck("region_code", &region).Error; err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "visit." + answer, TargetKind: "visit", TargetID: cur.ID,
				RegionCode: region, Detail: map[string]any{"household_id": cur.HouseholdID}}); err != nil {
				return err
			}
			if answer != model.ConfirmDenied {
				return nil
			}
			// A denied visit's findings no longer count (risk/inyear.go).
			if err := s.recomputeIfDown(ctx, tx, cur.HouseholdID, cur.Findings); err != nil {
				return err
			}
			// The officials hear of a denial with it or not at all: the
			// notice commits or rolls back with the answer.
			denied := cur
			denied.Confirmation, denied.ConfirmedAt, denied.ConfirmationNote = answer, &now, note
			_, err := NotifyDenied(ctx, tx, s.loc, denied)
			return err
		})
		if err != nil {
			return Confirmation{}, err
		}
		if done {
			cur.Confirmation, cur.ConfirmedAt, cur.ConfirmationNote = answer, &now, note
			return confirmationOf(cur, s.loc), nil
		}
	}
	return Confirmation{}, apperr.New(apperr.Conflict, "busy", "这条走访记录正在更新，请稍后再试")
}

func confirmationOf(v model.Visit, loc *time.Location) Confirmation {
	c := Confirmation{VisitID: v.ID, Confirmation: v.Confirmation, Note: v.ConfirmationNote}
	if v.ConfirmedAt != nil {
		t := v.ConfirmedAt.In(loc)
		c.ConfirmedAt = &t
	}
	return c
}
