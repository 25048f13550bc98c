package visits

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// VisitView is one visit revision as cadres and officials see it.
type VisitView struct {
	ID               int64           `json:"id"`
	ClientID         string          `json:"client_id"`
	HouseholdID      int64           `json:"household_id"`
	HeadName         string          `json:"head_name"`
	RegionCode       string          `json:"region_code"`
	CadreID          int64           `json:"cadre_id"`
	CadreName        string          `json:"cadre_name"`
	Revision         int             `json:"revision"`
	RootID           int64           `json:"root_id"` // the first revision (its own id on the first)
	CorrectsID       *int64          `json:"corrects_id"`
	IsCurrent        bool            `json:"is_current"`
	VisitedAt        time.Time       `json:"visited_at"`  // the phone's clock
	ReceivedAt       time.Time       `json:"received_at"` // ours
	Latitude         *float64        `json:"latitude"`
	Longitude        *float64        `json:"longitude"`
	AccuracyM        *float64        `json:"accuracy_m"`
	DistanceM        *float64        `json:"distance_m"`
	LocationFlag     string          `json:"location_flag"` // ok | far | missing | unknown
	Findings         json.RawMessage `json:"findings"`
	Notes            string          `json:"notes"`
	PhotoIDs         []int64         `json:"photo_ids"`
	Confirmation     string          `json:"confirmation"` // pending | confirmed | denied
	ConfirmedAt      *time.Time      `json:"confirmed_at"`
	ConfirmationNote string          `json:"confirmation_note"`
}

// HouseholdVisit is a visit as the visited household sees it: who came and
// when, and whether they answered.
type HouseholdVisit struct {
	ID           int64      `json:"id"`
	CadreName    string     `json:"cadre_name"`
	VisitedAt    time.Time  `json:"visited_at"`
	Confirmation string     `json:"confirmation"`
	ConfirmedAt  *time.Time `json:"confirmed_at"`
}

// Filter narrows a visit listing.
type Filter struct {
	HouseholdID  int64
	CadreID      int64
	Region       string // a region prefix (officials)
	Confirmation string // pending | confirmed | denied
	LocationFlag string // ok | far | missing | unknown
	Since, Until time.Time
	History      bool // every revision, not only the current ones
	Cursor       string
	Limit        int
}

var (
	errCursor       = apperr.BadInput("invalid_cursor", "翻页参数无效")
	errConfirmation = apperr.BadInput("invalid_confirmation", "confirmation 只能是 pending、confirmed 或 denied")
	errLocationFlag = apperr.BadInput("invalid_location_flag", "location_flag 只能是 ok、far、missing 或 unknown")
)

func (f *Filter) check() (at time.Time, id int64, err error) {
	switch f.Confirmation {
	case "", model.ConfirmPending, model.ConfirmConfirmed, model.ConfirmDenied:
	default:
		return at, 0, errConfirmation
	}
	switch f.LocationFlag {
	case "", model.LocationOK, model.LocationFar, model.LocationMissing, model.LocationUnknown:
	default:
		return at, 0, errLocationFlag
	}
	if !validPrefix(f.Region) {
		return at, 0, apperr.BadInput("invalid_region", "地区代码应为 12 位以内的数字前缀")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	if f.Cursor == "" {
		return at, 0, nil
	}
	ms, rest, ok := strings.Cut(f.Cursor, "_")
	n, err1 := strconv.ParseInt(ms, 10, 64)
	id, err2 := strconv.ParseInt(rest, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return at, 0, errCursor
	}
	return time.UnixMilli(n).UTC(), id, nil
}

// List returns visits of households in scope, latest visit first, a page
// at a time; the next page's cursor is "" at the end. Officials' and
// cadres' listings are audited by the caller's principal.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]VisitView, string, error) {
	rows, next, err := s.list(ctx, p.Scope(), f)
	if err != nil {
		return nil, "", err
	}
	views, err := s.views(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	region := f.Region
	if p.IsAdmin() && region == "" {
		region = p.RegionScope
	}
	err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "visits.list", TargetKind: "household", TargetID: f.HouseholdID,
		RegionCode: region, Detail: map[string]any{"count": len(views), "cadre_id": f.CadreID, "confirmation": f.Confirmation,
			"location_flag": f.LocationFlag}})
	return views, next, err
}

// ForHousehold lists the visits to the caller's own household, latest
// first, for it to confirm or deny.
func (s *Service) ForHousehold(ctx context.Context, p auth.Principal, cursor string, limit int) ([]HouseholdVisit, string, error) {
	if p.Role != auth.RoleHousehold {
		return nil, "", errNoVisit
	}
	rows, next, err := s.list(ctx, p.Scope(), Filter{Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	names, err := s.cadreNames(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	out := make([]HouseholdVisit, 0, len(rows))
	for _, v := range rows {
		hv := HouseholdVisit{ID: v.ID, CadreName: names[v.CadreID], VisitedAt: v.VisitedAt.In(s.loc), Confirmation: v.Confirmation}
		if v.ConfirmedAt != nil {
			t := v.ConfirmedAt.In(s.loc)
			hv.ConfirmedAt = &t
		}
		out = append(out, hv)
	}
	return out, next, nil
}

func (s *Service) list(ctx context.Context, scope model.Scope, f Filter) ([]model.Visit, string, error) {
	at, afterID, err := f.check()
	if err != nil {
		return nil, "", err
	}
	q := s.db.WithContext(ctx).Model(&model.Visit{}).Select("visits.*").
		Joins("JOIN households ON households.id = visits.household_id")
	q = scope.Households(q, "households.id", "households.region_code")
	if !f.History {
		q = q.Where("visits.is_current = ?", true)
	}
	if f.HouseholdID != 0 {
		q = q.Where("visits.household_id = ?", f.HouseholdID)
	}
	if f.CadreID != 0 {
		q = q.Where("visits.cadre_id = ?", f.CadreID)
	}
	if f.Region != "" {
		q = q.Where("households.region_code LIKE ?", f.Region+"%")
	}
	if f.Confirmation != "" {
		q = q.Where("visits.confirmation = ?", f.Confirmation)
	}
	if f.LocationFlag != "" {
		q = q.Where("visits.location_flag = ?", f.LocationFlag)
	}
	if !f.Since.IsZero() {
		q = q.Where("visits.visited_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("visits.visited_at < ?", f.Until.UTC())
	}
	if afterID != 0 {
		q = q.Where("(visits.visited_at < ? OR (visits.visited_at = ? AND visits.id < ?))", at, at, afterID)
	}
	var rows []model.Visit
	if err := q.Order("visits.visited_at DESC, visits.id DESC").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = fmt.Sprintf("%d_%d", last.VisitedAt.UnixMilli(), last.ID)
	}
	return rows, next, nil
}

func (s *Service) cadreNames(ctx context.Context, rows []model.Visit) (map[int64]string, error) {
	var ids []int64
	for _, v := range rows {
		ids = append(ids, v.CadreID)
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []model.Cadre
	err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&cs).Error
	for _, c := range cs {
		out[c.ID] = c.Name
	}
	return out, err
}

// views adds cadre and household names to visit rows.
func (s *Service) views(ctx context.Context, rows []model.Visit) ([]VisitView, error) {
	out := make([]VisitView, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	cadres, err := s.cadreNames(ctx, rows)
	if err != nil {
		return nil, err
	}
	var hids []int64
	for _, v := range rows {
		hids = append(hids, v.HouseholdID)
	}
	var hs []model.Household
	if err := s.db.WithContext(ctx).Select("id", "head_name", "region_code").Where("id IN ?", hids).Find(&hs).Error; err != nil {
		return nil, err
	}
	byID := map[int64]model.Household{}
	for _, h := range hs {
		byID[h.ID] = h
	}
	for _, v := range rows {
		out = append(out, s.view(v, cadres[v.CadreID], byID[v.HouseholdID]))
	}
	return out, nil
}

func (s *Service) view(v model.Visit, cadre string, h model.Household) VisitView {
	vv := VisitView{ID: v.ID, ClientID: v.ClientID, HouseholdID: v.HouseholdID, HeadName: h.HeadName, RegionCode: h.RegionCode,
		CadreID: v.CadreID, CadreName: cadre, Revision: v.Revision, RootID: rootOf(v), CorrectsID: v.CorrectsID, IsCurrent: v.IsCurrent,
		VisitedAt: v.VisitedAt.In(s.loc), ReceivedAt: v.ReceivedAt.In(s.loc), Latitude: v.Latitude, Longitude: v.Longitude,
		AccuracyM: v.AccuracyM, DistanceM: v.DistanceM, LocationFlag: v.LocationFlag, Findings: json.RawMessage(v.Findings),
		Confirmation: v.Confirmation, ConfirmationNote: v.ConfirmationNote, PhotoIDs: []int64{}}
	if !json.Valid(vv.Findings) {
		vv.Findings = json.RawMessage("{}")
	}
	if v.Notes != nil {
		vv.Notes = *v.Notes
	}
	_ = json.Unmarshal([]byte(v.PhotoIDs), &vv.PhotoIDs)
	if v.ConfirmedAt != nil {
		t := v.ConfirmedAt.In(s.loc)
		vv.ConfirmedAt = &t
	}
	return vv
}

// Revisions returns every revision of the visit id belongs to, oldest
// first, when the visit's household is in the caller's scope.
func (s *Service) Revisions(ctx context.Context, p auth.Principal, id int64) ([]VisitView, error) {
	var v model.Visit
	q := s.db.WithContext(ctx).Model(&model.Visit{}).Select("visits.*").
		Joins("JOIN households ON households.id = visits.household_id").Where("visits.id = ?", id)
	if err := p.Scope().Households(q, "households.id", "households.region_code").Take(&v).Error; err != nil {
		if model.IsNotFound(err) {
			return nil, errNoVisit
		}
		return nil, err
	}
	root := rootOf(v)
	var rows []model.Visit
	if err := s.db.WithContext(ctx).Where("id = ? OR root_id = ?", root, root).Order("revision").Find(&rows).Error; err != nil {
		return nil, err
	}
	views, err := s.views(ctx, rows)
	if err != nil {
		return nil, err
	}
	var region string
	if len(views) > 0 {
		region = views[0].RegionCode
	}
	err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "visits.list", TargetKind: "visit", TargetID: root,
		RegionCode: region, Detail: map[string]any{"revisions": len(views)}})
	return views, err
}
