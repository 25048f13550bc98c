package visits

import (
	"context"
	"encoding/json"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/risk"
)

// FlagRecomputer judges one household's flags inside the caller's
// transaction: risk.Service does.
type FlagRecomputer interface {
	RecomputeHousehold(ctx context.Context, tx *model.DB, householdID int64) (risk.Summary, error)
}

// incomeDown reports whether a visit's findings (normalised JSON) record
// income_change = down: an in-year fall signal for 提级帮扶 (risk/inyear.go).
func incomeDown(findings string) bool {
	var f struct {
		IncomeChange string `json:"income_change"`
	}
	return json.Unmarshal([]byte(findings), &f) == nil && f.IncomeChange == "down"
}

// recomputeIfDown recomputes the household's flags in tx when any of the
// visits (the one written, the revision it replaced, the one the household
// just denied) records income down: the signal then appears or goes with
// the write, not at the next nightly run. Other visits change no flag input
// and cost nothing.
func (s *Service) recomputeIfDown(ctx context.Context, tx *model.DB, householdID int64, findings ...string) error {
	for _, f := range findings {
		if incomeDown(f) {
			_, err := s.flags.RecomputeHousehold(ctx, tx, householdID)
			return err
		}
	}
	return nil
}
