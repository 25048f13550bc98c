package risk

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/pairing"
)

// IncomeInput is a year's income in its four parts, in fen, as a cadre
// enters it. Business income is net and may be negative (a loss year).
type IncomeInput struct {
	Year          int    `json:"year"`
	WageFen       *int64 `json:"wage_fen"`
	BusinessFen   *int64 `json:"business_fen"`
	TransferFen   *int64 `json:"transfer_fen"`
	PropertyFen   *int64 `json:"property_fen"`
	HouseholdSize int    `json:"household_size"`
	Note          string `json:"note"`
}

// IncomeResult is the stored record, whether it was new, and the
// household's flags after it.
type IncomeResult struct {
	Record  IncomeView `json:"record"`
	Created bool       `json:"created"`
	Flags   []FlagView `json:"flags"`
}

// maxPartFen bounds each part (一亿元): beyond it a number is a typo.
const maxPartFen = 10_000_000_000

func (s *Service) checkIncome(in *IncomeInput) error {
	in.Note = strings.TrimSpace(in.Note)
	this := s.today().Year
	switch {
	case in.Year < 2000 || in.Year > this:
		return apperr.BadInput("invalid_year", fmt.Sprintf("年份应在 2000 到 %d 之间", this))
	case in.WageFen == nil || in.BusinessFen == nil || in.TransferFen == nil || in.PropertyFen == nil:
		return apperr.BadInput("missing_income_part", "请填写工资性、生产经营性、转移性、财产性四项收入（没有的填 0）")
	case *in.WageFen < 0 || *in.TransferFen < 0 || *in.PropertyFen < 0:
		return apperr.BadInput("negative_income", "工资性、转移性、财产性收入不能为负数（只有生产经营性净收入可以为负）")
	case *in.WageFen > maxPartFen || *in.TransferFen > maxPartFen || *in.PropertyFen > maxPartFen ||
		*in.BusinessFen > maxPartFen || *in.BusinessFen < -maxPartFen:
		return apperr.BadInput("income_too_large", "收入数额过大，请核对（金额单位为分）")
	case in.HouseholdSize < 1 || in.HouseholdSize > 30:
		return apperr.BadInput("invalid_household_size", "家庭人口应在 1 到 30 人之间")
	case utf8.RuneCountInString(in.Note) > 255:
		return apperr.BadInput("note_too_long", "备注不能超过 255 个字")
	}
	return nil
}

// RecordIncome stores a household's income for a year. A record for a year
// that already has one is a correction: a new revision, the old one kept
// but no longer current. Sending the same figures again changes nothing
// (Created false). The household's flags are recomputed in the same
// transaction, and the change is audited.
func (s *Service) RecordIncome(ctx context.Context, p auth.Principal, householdID int64, in IncomeInput) (IncomeResult, error) {
	if err := s.checkIncome(&in); err != nil {
		return IncomeResult{}, err
	}
	h, err := pairing.Writable(ctx, s.db, s.audit, p, householdID, "income.refused_out_of_scope", map[string]any{"year": in.Year})
	if err != nil {
		return IncomeResult{}, err
	}
	rec := model.IncomeRecord{HouseholdID: h.ID, Year: in.Year, WageFen: *in.WageFen, BusinessFen: *in.BusinessFen,
		TransferFen: *in.TransferFen, PropertyFen: *in.PropertyFen, HouseholdSize: in.HouseholdSize, IsCurrent: true,
		ActorKind: p.ActorKind(), ActorID: p.ActorID(), Note: in.Note}
	rec.PerCapitaFen = model.PerCapita(rec.TotalFen(), rec.HouseholdSize)
	var out IncomeResult
	for attempt := 0; ; attempt++ {
		err = s.db.Tx(ctx, func(tx *model.DB) error {
			var cur model.IncomeRecord
			err := tx.WithContext(ctx).Where("household_id = ? AND year = ? AND is_current = ?", h.ID, in.Year, true).
				Order("revision DESC").Take(&cur).Error
			switch {
			case err == nil && sameIncome(cur, rec):
				out = IncomeResult{Record: IncomeViewOf(cur, s.loc)}
				return nil
			case err == nil:
				rec.Revision = cur.Revision + 1
				if err := tx.WithContext(ctx).Model(&cur).Update("is_current", false).Error; err != nil {
					return err
				}
			case model.IsNotFound(err):
				rec.Revision = 1
			default:
				return err
			}
			rec.ID = 0
			if err := tx.WithContext(ctx).Create(&rec).Error; err != nil {
				return err
			}
			sum, err := s.RecomputeHousehold(ctx, tx, h.ID)
			if err != nil {
				return err
			}
			if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "income.record", TargetKind: "household", TargetID: h.ID,
				RegionCode: h.RegionCode, Detail: map[string]any{"year": rec.Year, "revision": rec.Revision, "record_id": rec.ID,
					"per_capita_fen": rec.PerCapitaFen, "flags_raised": changed(sum.Raised), "flags_cleared": changed(sum.Cleared),
					"elevated": sum.Elevated > 0}}); err != nil {
				return err
			}
			out = IncomeResult{Record: IncomeViewOf(rec, s.loc), Created: true}
			return nil
		})
		// Two corrections of one year at once: one wins the revision
		// number, the other reads the winner and goes again.
		if model.IsDuplicate(err) && attempt < 3 {
			continue
		}
		break
	}
	if err != nil {
		return IncomeResult{}, err
	}
	flags, err := ActiveFlags(ctx, s.db, s.loc, []int64{h.ID})
	out.Flags = nonNil(flags[h.ID])
	return out, err
}

func sameIncome(a, b model.IncomeRecord) bool {
	return a.WageFen == b.WageFen && a.BusinessFen == b.BusinessFen && a.TransferFen == b.TransferFen &&
		a.PropertyFen == b.PropertyFen && a.HouseholdSize == b.HouseholdSize && a.Note == b.Note
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// changed lists the flags a count map says moved, for audit details.
func changed(counts map[string]int) []string {
	out := []string{}
	for _, f := range IncomeFlags() {
		if counts[f] > 0 {
			out = append(out, f)
		}
	}
	return out
}
