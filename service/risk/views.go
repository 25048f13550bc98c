package risk

import (
	"context"
	"encoding/json"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// FlagView is a standing flag as cadres and officials see it.
type FlagView struct {
	Flag     string          `json:"flag"`
	Name     string          `json:"name"`
	Year     int             `json:"year,omitempty"`
	RaisedAt time.Time       `json:"raised_at"`
	Detail   json.RawMessage `json:"detail,omitempty"` // the numbers the flag was raised on
}

func flagView(f model.HouseholdFlag, loc *time.Location) FlagView {
	return FlagView{Flag: f.Flag, Name: nameOf(f.Flag), Year: f.Year, RaisedAt: f.RaisedAt.In(loc), Detail: detailJSON(f.Detail)}
}

func nameOf(flag string) string {
	if n, ok := model.FlagNames[flag]; ok {
		return n
	}
	return flag
}

// detailJSON passes the JSON details our statements write through as they
// are, and quotes anything else (other services' plain-text details).
func detailJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// ActiveFlags returns the standing flags of the households, by household,
// in raising order. The caller has already scoped the ids.
func ActiveFlags(ctx context.Context, db *model.DB, loc *time.Location, householdIDs []int64) (map[int64][]FlagView, error) {
	out := map[int64][]FlagView{}
	for start := 0; start < len(householdIDs); start += 500 {
		var fs []model.HouseholdFlag
		if err := db.WithContext(ctx).Where("household_id IN ? AND cleared_at IS NULL", householdIDs[start:min(start+500, len(householdIDs))]).
			Order("id").Find(&fs).Error; err != nil {
			return nil, err
		}
		for _, f := range fs {
			out[f.HouseholdID] = append(out[f.HouseholdID], flagView(f, loc))
		}
	}
	return out, nil
}

// IncomeView is one income record.
type IncomeView struct {
	ID            int64     `json:"id"`
	Year          int       `json:"year"`
	WageFen       int64     `json:"wage_fen"`
	BusinessFen   int64     `json:"business_fen"`
	TransferFen   int64     `json:"transfer_fen"`
	PropertyFen   int64     `json:"property_fen"`
	TotalFen      int64     `json:"total_fen"`
	HouseholdSize int       `json:"household_size"`
	PerCapitaFen  int64     `json:"per_capita_fen"`
	Revision      int       `json:"revision"`
	IsCurrent     bool      `json:"is_current"`
	Note          string    `json:"note"`
	RecordedBy    string    `json:"recorded_by"` // actor kind: cadre | official | importer | system
	RecordedAt    time.Time `json:"recorded_at"`
}

// IncomeViewOf shows a record in loc.
func IncomeViewOf(r model.IncomeRecord, loc *time.Location) IncomeView {
	return IncomeView{ID: r.ID, Year: r.Year, WageFen: r.WageFen, BusinessFen: r.BusinessFen, TransferFen: r.TransferFen,
		PropertyFen: r.PropertyFen, TotalFen: r.TotalFen(), HouseholdSize: r.HouseholdSize, PerCapitaFen: r.PerCapitaFen,
		Revision: r.Revision, IsCurrent: r.IsCurrent, Note: r.Note, RecordedBy: r.ActorKind, RecordedAt: r.CreatedAt.In(loc)}
}

// PlanView is an income plan (增收计划).
type PlanView struct {
	ID          int64      `json:"id"`
	Measures    string     `json:"measures"`
	Responsible string     `json:"responsible"`
	TargetFen   int64      `json:"target_fen"`
	ReviewDate  model.Date `json:"review_date"`
	RecordedBy  string     `json:"recorded_by"`
	RecordedAt  time.Time  `json:"recorded_at"`
}

// StandingPlan is a household's standing 增收计划 (the latest; earlier ones
// are kept), shown in loc; nil when it has none. The cadre's and the
// official's household files both show it.
func StandingPlan(ctx context.Context, db *model.DB, householdID int64, loc *time.Location) (*PlanView, error) {
	var plan model.IncomePlan
	err := db.WithContext(ctx).Where("household_id = ?", householdID).Order("id DESC").Take(&plan).Error
	if model.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pv := PlanViewOf(plan, loc)
	return &pv, nil
}

// PlanViewOf shows a plan in loc.
func PlanViewOf(p model.IncomePlan, loc *time.Location) PlanView {
	return PlanView{ID: p.ID, Measures: p.Measures, Responsible: p.Responsible, TargetFen: p.TargetFen, ReviewDate: p.ReviewDate,
		RecordedBy: p.ActorKind, RecordedAt: p.CreatedAt.In(loc)}
}
