package report

import (
	"context"
	"encoding/json"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// View is a report as the API shows it, with its steps.
type View struct {
	ID               int64       `json:"id"`
	Type             string      `json:"type"`
	Kind             string      `json:"kind"`
	KindLabel        string      `json:"kind_label"`
	Text             string      `json:"text"`
	PhotoIDs         []int64     `json:"photo_ids"`
	Status           string      `json:"status"`
	StatusLabel      string      `json:"status_label"`
	Answer           string      `json:"answer"`
	HouseholdID      int64       `json:"household_id"`
	HouseholdNo      string      `json:"household_no,omitempty"` // staff only
	HeadName         string      `json:"head_name,omitempty"`    // staff only
	RegionCode       string      `json:"region_code,omitempty"`  // staff only
	Payment          *PaymentRef `json:"payment,omitempty"`
	ReporterRelation string      `json:"reporter_relation"`
	ReporterLabel    string      `json:"reporter_label"`
	AssignedCadre    *CadreRef   `json:"assigned_cadre"`
	Department       string      `json:"department"`
	FirstDeadline    time.Time   `json:"first_deadline"`
	FinalDeadline    time.Time   `json:"final_deadline"`
	Late             bool        `json:"late"` // a deadline has passed while it is still open
	EscalationLevel  int         `json:"escalation_level"`
	EscalatedAt      *time.Time  `json:"escalated_at"`
	AcknowledgedAt   *time.Time  `json:"acknowledged_at"`
	ClosedAt         *time.Time  `json:"closed_at"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	Steps            []Step      `json:"steps"`
}

// PaymentRef is the payment a 问题反映 is about.
type PaymentRef struct {
	ID          int64      `json:"id"`
	ItemCode    string     `json:"item_code"`
	ItemName    string     `json:"item_name"`
	Period      string     `json:"period"`
	PeriodLabel string     `json:"period_label"`
	AmountFen   int64      `json:"amount_fen"`
	DueDate     model.Date `json:"due_date"`
	PaidDate    model.Date `json:"paid_date"`
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
}

// CadreRef names the cadre a case is routed to.
type CadreRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Step is one change of a report, kept forever.
type Step struct {
	FromStatus  string    `json:"from_status"`
	ToStatus    string    `json:"to_status"`
	StatusLabel string    `json:"status_label"`
	ActorKind   string    `json:"actor_kind"`
	ActorName   string    `json:"actor_name"`
	Message     string    `json:"message"`
	At          time.Time `json:"at"`
}

// isLate reports whether a still-open case has missed a deadline.
func isLate(r model.Report, now time.Time) bool {
	switch r.Status {
	case model.ReportOpen:
		return now.After(r.FirstDeadline) || now.After(r.FinalDeadline)
	case model.ReportAcknowledged:
		return now.After(r.FinalDeadline)
	}
	return false
}

// views loads what the reports refer to (steps, payments, cadres,
// households) in one query each and builds their views. staff adds the
// household's number, head and region.
func (s *Service) views(ctx context.Context, db *model.DB, reports []model.Report, staff bool) ([]View, error) {
	out := make([]View, len(reports))
	if len(reports) == 0 {
		return out, nil
	}
	ids, hhIDs, payIDs, cadreIDs := []int64{}, []int64{}, []int64{}, []int64{}
	for _, r := range reports {
		ids = append(ids, r.ID)
		hhIDs = append(hhIDs, r.HouseholdID)
		if r.PaymentID != nil {
			payIDs = append(payIDs, *r.PaymentID)
		}
		if r.AssignedCadreID != nil {
			cadreIDs = append(cadreIDs, *r.AssignedCadreID)
		}
	}
	q := db.WithContext(ctx)
	var events []model.ReportEvent
	if err := q.Where("report_id IN ?", ids).Order("id").Find(&events).Error; err != nil {
		return nil, err
	}
	steps := map[int64][]model.ReportEvent{}
	for _, e := range events {
		steps[e.ReportID] = append(steps[e.ReportID], e)
	}
	payments := map[int64]PaymentRef{}
	if len(payIDs) > 0 {
		var rows []struct {
			model.Payment
			ItemName string
		}
		if err := q.Table("payments AS p").Select("p.*, COALESCE(i.name, '') AS item_name").
			Joins("LEFT JOIN subsidy_items i ON i.code = p.item_code").Where("p.id IN ?", payIDs).Scan(&rows).Error; err != nil {
			return nil, err
		}
		today, grace := s.subsidies.Today(), s.subsidies.GraceDays()
		for _, p := range rows {
			st := p.StatusOn(today, grace)
			payments[p.ID] = PaymentRef{ID: p.ID, ItemCode: p.ItemCode, ItemName: p.ItemName, Period: p.Period,
				PeriodLabel: subsidy.PeriodLabel(p.Period), AmountFen: p.AmountFen, DueDate: p.DueDate, PaidDate: p.PaidDate,
				Status: st, StatusLabel: subsidy.StatusLabels[st]}
		}
	}
	cadres := map[int64]string{}
	if len(cadreIDs) > 0 {
		var rows []model.Cadre
		if err := q.Select("id", "name").Where("id IN ?", cadreIDs).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, c := range rows {
			cadres[c.ID] = c.Name
		}
	}
	households := map[int64]model.Household{}
	if staff {
		var rows []model.Household
		if err := q.Select("id", "household_no", "head_name", "region_code").Where("id IN ?", hhIDs).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, h := range rows {
			households[h.ID] = h
		}
	}
	now := s.now()
	for i, r := range reports {
		out[i] = s.view(r, steps[r.ID], now)
		if r.PaymentID != nil {
			if p, ok := payments[*r.PaymentID]; ok {
				out[i].Payment = &p
			}
		}
		if r.AssignedCadreID != nil {
			out[i].AssignedCadre = &CadreRef{ID: *r.AssignedCadreID, Name: cadres[*r.AssignedCadreID]}
		}
		if h, ok := households[r.HouseholdID]; ok {
			out[i].HouseholdNo, out[i].HeadName, out[i].RegionCode = h.HouseholdNo, h.HeadName, h.RegionCode
		}
	}
	return out, nil
}

func (s *Service) view(r model.Report, events []model.ReportEvent, now time.Time) View {
	loc := s.o.Location
	kinds := PaymentKinds
	if r.Type == model.ReportRisk {
		kinds = RiskKinds
	}
	label, _ := kindLabel(kinds, r.Kind)
	v := View{
		ID: r.ID, Type: r.Type, Kind: r.Kind, KindLabel: label, Text: r.Text, PhotoIDs: []int64{},
		Status: r.Status, StatusLabel: statusLabels[r.Type][r.Status], HouseholdID: r.HouseholdID,
		ReporterRelation: r.ReporterRelation, ReporterLabel: relationLabels[r.ReporterRelation], Department: r.Department,
		FirstDeadline: r.FirstDeadline.In(loc), FinalDeadline: r.FinalDeadline.In(loc), Late: isLate(r, now),
		EscalationLevel: r.EscalationLevel, EscalatedAt: inLoc(r.EscalatedAt, loc), AcknowledgedAt: inLoc(r.AcknowledgedAt, loc),
		ClosedAt: inLoc(r.ClosedAt, loc), CreatedAt: r.CreatedAt.In(loc), UpdatedAt: r.UpdatedAt.In(loc), Steps: []Step{},
	}
	if r.Answer != nil {
		v.Answer = *r.Answer
	}
	_ = json.Unmarshal([]byte(r.PhotoIDs), &v.PhotoIDs)
	for _, e := range events {
		st := Step{FromStatus: e.FromStatus, ToStatus: e.ToStatus, StatusLabel: statusLabels[r.Type][e.ToStatus],
			ActorKind: e.ActorKind, ActorName: e.ActorName, At: e.CreatedAt.In(loc)}
		if e.Message != nil {
			st.Message = *e.Message
		}
		v.Steps = append(v.Steps, st)
	}
	return v
}

func inLoc(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	x := t.In(loc)
	return &x
}
