package visits

import (
	"context"
	"encoding/json"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/risk"
)

// HouseholdFile is what a cadre opens before a visit: the household and
// its people (numbers masked), who helps it, its visit status, flags,
// incomes, plan, payments, visits and reports.
type HouseholdFile struct {
	Household   HouseholdView     `json:"household"`
	Members     []MemberView      `json:"members"`
	Cadres      []PairedCadre     `json:"cadres"`
	VisitStatus *DueItem          `json:"visit_status"` // when I am paired with it
	Flags       []risk.FlagView   `json:"flags"`
	Income      []risk.IncomeView `json:"income"` // every record, latest year and revision first
	Plan        *risk.PlanView    `json:"plan"`   // the standing plan (the latest)
	Payments    []PaymentView     `json:"payments"`
	Visits      []VisitView       `json:"visits"`
	Reports     []ReportView      `json:"reports"`
}

// HouseholdView is the household itself.
type HouseholdView struct {
	ID           int64    `json:"id"`
	HouseholdNo  string   `json:"household_no"`
	HeadName     string   `json:"head_name"`
	RegionCode   string   `json:"region_code"`
	VillageName  string   `json:"village_name"`
	Class        string   `json:"class"`
	ClassName    string   `json:"class_name"`
	Status       string   `json:"status"`
	SupportLevel string   `json:"support_level"`
	Address      string   `json:"address"`
	Latitude     *float64 `json:"latitude"`
	Longitude    *float64 `json:"longitude"`
	Size         int      `json:"size"`
	LabourCount  int      `json:"labour_count"`
	Phone        string   `json:"phone"` // masked
}

// MemberView is one member, personal numbers masked.
type MemberView struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Relation         string `json:"relation"`
	Gender           string `json:"gender"`
	Age              int    `json:"age"`
	IDCard           string `json:"id_card"` // masked
	Phone            string `json:"phone"`   // masked
	LabourCapacity   string `json:"labour_capacity"`
	WishToWork       bool   `json:"wish_to_work"`
	EmploymentStatus string `json:"employment_status"`
	InSchool         bool   `json:"in_school"`
	Disability       string `json:"disability"`
	Status           string `json:"status"`
}

// PairedCadre is one cadre paired with the household.
type PairedCadre struct {
	CadreID      int64      `json:"cadre_id"`
	Name         string     `json:"name"`
	Kind         string     `json:"kind"`
	Role         string     `json:"role"`
	RoleName     string     `json:"role_name"`
	Organization string     `json:"organization"`
	Position     string     `json:"position"`
	Phone        string     `json:"phone"` // masked
	StartedOn    model.Date `json:"started_on"`
}

// PaymentView is API.md's payment shape.
type PaymentView struct {
	ID            int64      `json:"id"`
	ItemCode      string     `json:"item_code"`
	ItemName      string     `json:"item_name"`
	Period        string     `json:"period"`
	AmountFen     int64      `json:"amount_fen"`
	DueDate       model.Date `json:"due_date"`
	PaidDate      model.Date `json:"paid_date"`
	Status        string     `json:"status"`
	FailureReason string     `json:"failure_reason"`
	MemberName    string     `json:"member_name"` // masked, when paid to one member
}

// ReportView is a report (问题反映 or 自主申报) in brief.
type ReportView struct {
	ID            int64     `json:"id"`
	Type          string    `json:"type"`
	Kind          string    `json:"kind"`
	Text          string    `json:"text"`
	Status        string    `json:"status"`
	FinalDeadline time.Time `json:"final_deadline"`
	CreatedAt     time.Time `json:"created_at"`
	PhotoIDs      []int64   `json:"photo_ids"`
}

// Limits of the file's lists: enough for a visit, not an archive.
const (
	fileVisits   = 20
	filePayments = 60
	fileReports  = 20
)

// Household returns the household file for a cadre (or an official), when
// the household is in the caller's scope; the read is audited.
func (s *Service) Household(ctx context.Context, p auth.Principal, id int64) (HouseholdFile, error) {
	h, err := s.db.ScopedHousehold(ctx, p.Scope(), id)
	if err != nil {
		if model.IsNotFound(err) {
			return HouseholdFile{}, errNoHouseholdFile
		}
		return HouseholdFile{}, err
	}
	f := HouseholdFile{}
	db := s.db.WithContext(ctx)
	names, err := s.regionNames(ctx, []string{h.RegionCode})
	if err != nil {
		return f, err
	}
	f.Household = HouseholdView{ID: h.ID, HouseholdNo: h.HouseholdNo, HeadName: h.HeadName, RegionCode: h.RegionCode,
		VillageName: names[h.RegionCode], Class: h.Class, ClassName: model.HouseholdClasses[h.Class], Status: h.Status,
		SupportLevel: h.SupportLevel, Address: h.Address, Latitude: h.Latitude, Longitude: h.Longitude, Size: h.Size,
		LabourCount: h.LabourCount, Phone: h.Phone.Mask()}

	var members []model.Member
	if err := db.Where("household_id = ?", h.ID).Order("id").Find(&members).Error; err != nil {
		return f, err
	}
	today := s.today()
	memberNames := map[int64]string{}
	f.Members = make([]MemberView, 0, len(members))
	for _, m := range members {
		memberNames[m.ID] = m.Name
		f.Members = append(f.Members, MemberView{ID: m.ID, Name: m.Name, Relation: m.Relation, Gender: m.Gender, Age: m.AgeOn(today),
			IDCard: m.IDCard.Mask(), Phone: m.Phone.Mask(), LabourCapacity: m.LabourCapacity, WishToWork: m.WishToWork,
			EmploymentStatus: m.EmploymentStatus, InSchool: m.InSchool, Disability: m.Disability, Status: m.Status})
	}
	if f.Cadres, err = s.pairedCadres(ctx, h.ID); err != nil {
		return f, err
	}
	if p.Role == auth.RoleCadre {
		rows, err := s.dueRows(ctx, "p.cadre_id = ? AND h.id = ?", p.CadreID, h.ID)
		if err != nil {
			return f, err
		}
		if items := s.items(rows, today, DueAll); len(items) == 1 {
			items[0].Flags = nil
			f.VisitStatus = &items[0]
		}
	}
	flags, err := risk.ActiveFlags(ctx, s.db, s.loc, []int64{h.ID})
	if err != nil {
		return f, err
	}
	f.Flags = orEmpty(flags[h.ID])

	var incomes []model.IncomeRecord
	if err := db.Where("household_id = ?", h.ID).Order("year DESC, revision DESC").Find(&incomes).Error; err != nil {
		return f, err
	}
	f.Income = make([]risk.IncomeView, 0, len(incomes))
	for _, r := range incomes {
		f.Income = append(f.Income, risk.IncomeViewOf(r, s.loc))
	}
	if f.Plan, err = risk.StandingPlan(ctx, s.db, h.ID, s.loc); err != nil {
		return f, err
	}
	if f.Payments, err = s.payments(ctx, h.ID, memberNames, today); err != nil {
		return f, err
	}
	if f.Visits, _, err = s.visitsOf(ctx, h.ID); err != nil {
		return f, err
	}
	if f.Reports, err = s.reports(ctx, h.ID); err != nil {
		return f, err
	}
	err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "household.read", TargetKind: "household", TargetID: h.ID,
		RegionCode: h.RegionCode})
	return f, err
}

var errNoHouseholdFile = apperr.Missing("农户")

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Service) pairedCadres(ctx context.Context, householdID int64) ([]PairedCadre, error) {
	var rows []struct {
		model.Cadre
		Role      string
		StartedOn model.Date
	}
	err := s.db.WithContext(ctx).Table("pairings").
		Select("cadres.*, pairings.role, pairings.started_on").
		Joins("JOIN cadres ON cadres.id = pairings.cadre_id").
		Where("pairings.household_id = ? AND pairings.ended_on IS NULL", householdID).
		Order("pairings.id").Scan(&rows).Error
	out := make([]PairedCadre, 0, len(rows))
	for _, r := range rows {
		out = append(out, PairedCadre{CadreID: r.ID, Name: r.Name, Kind: r.Kind, Role: r.Role, RoleName: model.PairingRoles[r.Role],
			Organization: r.Organization, Position: r.Position, Phone: r.Phone.Mask(), StartedOn: r.StartedOn})
	}
	return out, err
}

func (s *Service) payments(ctx context.Context, householdID int64, memberNames map[int64]string, today model.Date) ([]PaymentView, error) {
	var rows []struct {
		model.Payment
		ItemName string
	}
	err := s.db.WithContext(ctx).Table("payments").Select("payments.*, subsidy_items.name AS item_name").
		Joins("LEFT JOIN subsidy_items ON subsidy_items.code = payments.item_code").
		Where("payments.household_id = ?", householdID).Order("payments.due_date DESC, payments.id DESC").Limit(filePayments).
		Scan(&rows).Error
	out := make([]PaymentView, 0, len(rows))
	for _, r := range rows {
		pv := PaymentView{ID: r.ID, ItemCode: r.ItemCode, ItemName: r.ItemName, Period: r.Period, AmountFen: r.AmountFen,
			DueDate: r.DueDate, PaidDate: r.PaidDate, Status: r.StatusOn(today, s.grace), FailureReason: r.FailureReason}
		if r.MemberID != 0 {
			pv.MemberName = pii.MaskName(memberNames[r.MemberID])
		}
		out = append(out, pv)
	}
	return out, err
}

func (s *Service) visitsOf(ctx context.Context, householdID int64) ([]VisitView, string, error) {
	rows, next, err := s.list(ctx, model.SystemScope(), Filter{HouseholdID: householdID, Limit: fileVisits})
	if err != nil {
		return nil, "", err
	}
	views, err := s.views(ctx, rows)
	return views, next, err
}

func (s *Service) reports(ctx context.Context, householdID int64) ([]ReportView, error) {
	var rows []model.Report
	err := s.db.WithContext(ctx).Where("household_id = ?", householdID).Order("id DESC").Limit(fileReports).Find(&rows).Error
	out := make([]ReportView, 0, len(rows))
	for _, r := range rows {
		rv := ReportView{ID: r.ID, Type: r.Type, Kind: r.Kind, Text: r.Text, Status: r.Status,
			FinalDeadline: r.FinalDeadline.In(s.loc), CreatedAt: r.CreatedAt.In(s.loc), PhotoIDs: []int64{}}
		_ = json.Unmarshal([]byte(r.PhotoIDs), &rv.PhotoIDs)
		out = append(out, rv)
	}
	return out, err
}
