package console

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/risk"
)

// HouseholdDetail is one household's file as an official opens it: members
// (numbers masked), cadres, flags, incomes, payments, visits and cases.
type HouseholdDetail struct {
	HouseholdRow
	Address  string        `json:"address"`
	Members  []MemberView  `json:"members"`
	Pairings []PairingView `json:"pairings"`
	Incomes  []IncomeView  `json:"incomes"`
	// Plan is the standing 增收计划 (the latest), nil when none: a 提级帮扶
	// household needs one, and officials check it is there and sensible.
	Plan     *risk.PlanView  `json:"plan"`
	Payments []PaymentView   `json:"payments"`
	Visits   []VisitView     `json:"visits"`
	Reports  []ReportSummary `json:"reports"`
}

// MemberView is a member with personal numbers masked.
type MemberView struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Relation         string `json:"relation"`
	Gender           string `json:"gender"`
	Age              int    `json:"age"`
	IDCard           string `json:"id_card_masked"`
	Phone            string `json:"phone_masked"`
	LabourCapacity   string `json:"labour_capacity"`
	WishToWork       bool   `json:"wish_to_work"`
	EmploymentStatus string `json:"employment_status"`
	InSchool         bool   `json:"in_school"`
	Disability       string `json:"disability"`
	Status           string `json:"status"`
	Bound            bool   `json:"bound"` // a WeChat user is bound to this member
}

// IncomeView is one year's current income record.
type IncomeView struct {
	Year         int   `json:"year"`
	WageFen      int64 `json:"wage_fen"`
	BusinessFen  int64 `json:"business_fen"`
	TransferFen  int64 `json:"transfer_fen"`
	PropertyFen  int64 `json:"property_fen"`
	PerCapitaFen int64 `json:"per_capita_fen"`
	Size         int   `json:"household_size"`
}

// PaymentView is one payment with the status a person sees.
type PaymentView struct {
	ID            int64      `json:"id"`
	ItemCode      string     `json:"item_code"`
	ItemName      string     `json:"item_name"`
	Period        string     `json:"period"`
	AmountFen     int64      `json:"amount_fen"`
	DueDate       model.Date `json:"due_date"`
	PaidDate      model.Date `json:"paid_date"`
	Status        string     `json:"status"`
	StatusName    string     `json:"status_name"`
	FailureReason string     `json:"failure_reason"`
	MemberName    string     `json:"member_name"`
}

// VisitView is one visit (its current revision).
type VisitView struct {
	ID           int64     `json:"id"`
	CadreName    string    `json:"cadre_name"`
	VisitedAt    time.Time `json:"visited_at"`
	LocationFlag string    `json:"location_flag"`
	DistanceM    *float64  `json:"distance_m"`
	Confirmation string    `json:"confirmation"`
	Notes        string    `json:"notes"`
}

// ReportSummary is one case of the household.
type ReportSummary struct {
	ID            int64     `json:"id"`
	Type          string    `json:"type"`
	Kind          string    `json:"kind"`
	Text          string    `json:"text"`
	Status        string    `json:"status"`
	StatusName    string    `json:"status_name"`
	Answer        string    `json:"answer"`
	FinalDeadline time.Time `json:"final_deadline"`
	CreatedAt     time.Time `json:"created_at"`
}

// How much history the file shows; older records are in the lists.
const (
	detailPayments = 120
	detailVisits   = 30
	detailReports  = 50
)

// Household opens one household in the scope. The read is written to the
// audit log before anything is returned; outside the scope it is 404, the
// same as a household that does not exist.
func (s *Service) Household(ctx context.Context, scope model.Scope, who audit.Actor, id int64) (HouseholdDetail, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return HouseholdDetail{}, err
	}
	var h model.Household
	err := scope.Households(s.db.WithContext(ctx).Table("households h"), "h.id", "h.region_code").Select("h.*").Where("h.id = ?", id).Take(&h).Error
	if model.IsNotFound(err) {
		return HouseholdDetail{}, errNoHousehold
	}
	if err != nil {
		return HouseholdDetail{}, err
	}
	rows, err := s.householdRows(ctx, []model.Household{h})
	if err != nil {
		return HouseholdDetail{}, err
	}
	d := HouseholdDetail{HouseholdRow: rows[0], Address: h.Address}
	db := s.db.WithContext(ctx)

	var members []model.Member
	if err := db.Where("household_id = ?", id).Order("id").Find(&members).Error; err != nil {
		return d, err
	}
	var bound []int64
	if err := db.Model(&model.User{}).Where("household_id = ? AND member_id IS NOT NULL", id).Pluck("member_id", &bound).Error; err != nil {
		return d, err
	}
	isBound := map[int64]bool{}
	for _, b := range bound {
		isBound[b] = true
	}
	today := s.today()
	names := map[int64]string{}
	d.Members = []MemberView{}
	for _, m := range members {
		names[m.ID] = m.Name
		d.Members = append(d.Members, MemberView{ID: m.ID, Name: m.Name, Relation: m.Relation, Gender: m.Gender, Age: m.AgeOn(today),
			IDCard: m.IDCard.Mask(), Phone: m.Phone.Mask(), LabourCapacity: m.LabourCapacity, WishToWork: m.WishToWork,
			EmploymentStatus: m.EmploymentStatus, InSchool: m.InSchool, Disability: m.Disability, Status: m.Status, Bound: isBound[m.ID]})
	}
	if d.Pairings, err = s.pairingsOf(ctx, "p.household_id = ?", id); err != nil {
		return d, err
	}
	var incomes []model.IncomeRecord
	if err := db.Where("household_id = ? AND is_current = ?", id, true).Order("year DESC").Limit(10).Find(&incomes).Error; err != nil {
		return d, err
	}
	d.Incomes = []IncomeView{}
	for _, r := range incomes {
		d.Incomes = append(d.Incomes, IncomeView{Year: r.Year, WageFen: r.WageFen, BusinessFen: r.BusinessFen, TransferFen: r.TransferFen,
			PropertyFen: r.PropertyFen, PerCapitaFen: r.PerCapitaFen, Size: r.HouseholdSize})
	}
	if d.Plan, err = risk.StandingPlan(ctx, s.db, id, s.o.Location); err != nil {
		return d, err
	}
	if d.Payments, err = s.householdPayments(ctx, id, names); err != nil {
		return d, err
	}
	if d.Visits, err = s.householdVisits(ctx, id); err != nil {
		return d, err
	}
	if d.Reports, err = s.householdReports(ctx, id); err != nil {
		return d, err
	}
	err = s.audit.Record(ctx, nil, who, audit.Event{Action: "household.read", TargetKind: "household", TargetID: id, RegionCode: h.RegionCode})
	return d, err
}

func (s *Service) householdPayments(ctx context.Context, id int64, memberNames map[int64]string) ([]PaymentView, error) {
	var ps []struct {
		model.Payment
		ItemName *string
	}
	if err := s.db.WithContext(ctx).Raw("SELECT p.*, i.name AS item_name FROM payments p LEFT JOIN subsidy_items i ON i.code = p.item_code "+
		"WHERE p.household_id = ? ORDER BY p.due_date DESC, p.id DESC LIMIT ?", id, detailPayments).Scan(&ps).Error; err != nil {
		return nil, err
	}
	today := s.today()
	out := []PaymentView{}
	for _, p := range ps {
		status := p.StatusOn(today, s.o.GraceDays)
		out = append(out, PaymentView{ID: p.ID, ItemCode: p.ItemCode, ItemName: deref(p.ItemName), Period: p.Period, AmountFen: p.AmountFen,
			DueDate: p.DueDate, PaidDate: p.PaidDate, Status: status, StatusName: PaymentStatusNames[status], FailureReason: p.FailureReason,
			MemberName: memberNames[p.MemberID]})
	}
	return out, nil
}

func (s *Service) householdVisits(ctx context.Context, id int64) ([]VisitView, error) {
	var vs []struct {
		model.Visit
		CadreName *string
	}
	if err := s.db.WithContext(ctx).Raw("SELECT v.*, c.name AS cadre_name FROM visits v LEFT JOIN cadres c ON c.id = v.cadre_id "+
		"WHERE v.household_id = ? AND v.is_current = ? ORDER BY v.visited_at DESC, v.id DESC LIMIT ?", id, true, detailVisits).Scan(&vs).Error; err != nil {
		return nil, err
	}
	out := []VisitView{}
	for _, v := range vs {
		out = append(out, VisitView{ID: v.ID, CadreName: deref(v.CadreName), VisitedAt: v.VisitedAt.In(s.o.Location), LocationFlag: v.LocationFlag,
			DistanceM: v.DistanceM, Confirmation: v.Confirmation, Notes: deref(v.Notes)})
	}
	return out, nil
}

func (s *Service) householdReports(ctx context.Context, id int64) ([]ReportSummary, error) {
	var rs []model.Report
	if err := s.db.WithContext(ctx).Where("household_id = ?", id).Order("id DESC").Limit(detailReports).Find(&rs).Error; err != nil {
		return nil, err
	}
	out := []ReportSummary{}
	for _, r := range rs {
		out = append(out, ReportSummary{ID: r.ID, Type: r.Type, Kind: r.Kind, Text: r.Text, Status: r.Status, StatusName: ReportStatusNames[r.Status],
			Answer: deref(r.Answer), FinalDeadline: r.FinalDeadline.In(s.o.Location), CreatedAt: r.CreatedAt.In(s.o.Location)})
	}
	return out, nil
}
