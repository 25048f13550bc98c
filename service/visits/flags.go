package visits

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/risk"
)

// FlagRecomputer judges one household's flags inside the caller's
// transaction: risk.Service does.
type FlagRecomputer interface {
	RecomputeHousehold(ctx context.Context, tx *model.DB, householdID int64) (risk.Summary, error)
}

// recomputeIfDown recomputes the household's flags in tx when any of the
// visits (the one written, the revision it replaced, the one the household
// just denied) records income down: the signal then appears or goes with
// the write, not at the next nightly run. Other visits change no flag input
// and cost nothing.
func (s *Service) recomputeIfDown(ctx context.Context, tx *model.DB, householdID int64, findings ...string) error {
	for _, f := range findings {
		if model.FindingsIncomeDown(f) {
			_, err := s.flags.RecomputeHousehold(ctx, tx, householdID)
			return err
		}
	}
	return nil
}
