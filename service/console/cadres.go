package console

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// CadreFilter narrows the cadre list.
type CadreFilter struct {
	Region string
	Kind   string
	Status string
	Q      string // part of the name
	Page
}

// CadreRow is one cadre with the work they carry.
type CadreRow struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	Organization  string `json:"organization"`
	Position      string `json:"position"`
	RegionCode    string `json:"region_code"`
	RegionName    string `json:"region_name"`
	Phone         string `json:"phone_masked"`
	Status        string `json:"status"`
	Bound         bool   `json:"bound"`             // signed in to the mini-program with an invite code
	Paired        int64  `json:"paired_households"` // households paired now
	VisitsOverdue int64  `json:"visits_overdue"`    // of those, not visited within their period
	Visits30d     int64  `json:"visits_30d"`
}

// CadrePage is one page of cadres.
type CadrePage struct {
	Items      []CadreRow `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

func (s *Service) cadreQuery(ctx context.Context, scope model.Scope, f CadreFilter) (*gorm.DB, error) {
	scope, err := Narrow(scope, f.Region)
	if err != nil {
		return nil, err
	}
	q := scope.Regions(s.db.WithContext(ctx).Table("cadres c"), "c.region_code")
	if f.Kind != "" {
		if model.CadreKinds[f.Kind] == "" {
			return nil, apperr.BadInput("invalid_kind", "干部类别无效")
		}
		q = q.Where("c.kind = ?", f.Kind)
	}
	if f.Status != "" {
		if !flagPattern.MatchString(f.Status) {
			return nil, apperr.BadInput("invalid_status", "状态无效")
		}
		q = q.Where("c.status = ?", f.Status)
	}
	if kw := strings.TrimSpace(f.Q); kw != "" {
		if utf8.RuneCountInString(kw) > 32 {
			return nil, apperr.BadInput("invalid_q", "搜索词最多 32 个字")
		}
		esc := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(kw)
		q = q.Where("c.name LIKE ? ESCAPE '!'", "%"+esc+"%")
	}
	return q, nil
}

// Cadres lists cadres serving in the scope, by id.
func (s *Service) Cadres(ctx context.Context, scope model.Scope, f CadreFilter) (CadrePage, error) {
	after, limit, err := f.after(50)
	if err != nil {
		return CadrePage{}, err
	}
	q, err := s.cadreQuery(ctx, scope, f)
	if err != nil {
		return CadrePage{}, err
	}
	if after > 0 {
		q = q.Where("c.id > ?", after)
	}
	var cs []model.Cadre
	if err := q.Select("c.*").Order("c.id").Limit(limit + 1).Find(&cs).Error; err != nil {
		return CadrePage{}, err
	}
	page := CadrePage{}
	if len(cs) > limit {
		cs = cs[:limit]
		page.NextCursor = strconv.FormatInt(cs[len(cs)-1].ID, 10)
	}
	page.Items, err = s.cadreRows(ctx, cs)
	return page, err
}

// cadreRows adds pairing and visit counts to a page, one query each.
func (s *Service) cadreRows(ctx context.Context, cs []model.Cadre) ([]CadreRow, error) {
	out := make([]CadreRow, 0, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cs))
	codes := make([]string, len(cs))
	for i, c := range cs {
		ids[i], codes[i] = c.ID, c.RegionCode
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	now := s.now()
	type idCount struct {
		ID int64
		N  int64
	}
	var paired, overdue, visits []idCount
	var bound []int64
	if err := db.Raw("SELECT cadre_id AS id, COUNT(DISTINCT household_id) AS n FROM pairings WHERE cadre_id IN ? AND ended_on IS NULL GROUP BY cadre_id",
		ids).Scan(&paired).Error; err != nil {
		return nil, err
	}
	within, wargs := s.visitedWithin("h.id", "h.region_code", "h.support_level", now)
	if err := db.Raw("SELECT p.cadre_id AS id, COUNT(DISTINCT p.household_id) AS n FROM pairings p JOIN households h ON h.id = p.household_id "+
		"WHERE p.cadre_id IN ? AND p.ended_on IS NULL AND h.status = ? AND NOT "+within+" GROUP BY p.cadre_id",
		append([]any{ids, "active"}, wargs...)...).Scan(&overdue).Error; err != nil {
		return nil, err
	}
	if err := db.Raw("SELECT cadre_id AS id, COUNT(*) AS n FROM visits WHERE cadre_id IN ? AND is_current = ? AND visited_at >= ? GROUP BY cadre_id",
		ids, true, now.AddDate(0, 0, -30)).Scan(&visits).Error; err != nil {
		return nil, err
	}
	if err := db.Model(&model.User{}).Where("cadre_id IN ?", ids).Pluck("cadre_id", &bound).Error; err != nil {
		return nil, err
	}
	toMap := func(rows []idCount) map[int64]int64 {
		m := map[int64]int64{}
		for _, r := range rows {
			m[r.ID] = r.N
		}
		return m
	}
	pm, om, vm := toMap(paired), toMap(overdue), toMap(visits)
	isBound := map[int64]bool{}
	for _, b := range bound {
		isBound[b] = true
	}
	for _, c := range cs {
		out = append(out, CadreRow{ID: c.ID, Name: c.Name, Kind: c.Kind, KindName: model.CadreKinds[c.Kind], Organization: c.Organization,
			Position: c.Position, RegionCode: c.RegionCode, RegionName: names[c.RegionCode], Phone: c.Phone.Mask(), Status: c.Status,
			Bound: isBound[c.ID], Paired: pm[c.ID], VisitsOverdue: om[c.ID], Visits30d: vm[c.ID]})
	}
	return out, nil
}

// CadreDetail is a cadre with every pairing, current and ended.
type CadreDetail struct {
	CadreRow
	Pairings []PairingView `json:"pairings"`
}

var errNoCadre = apperr.Missing("干部")

// Cadre opens one cadre serving in the scope.
func (s *Service) Cadre(ctx context.Context, scope model.Scope, id int64) (CadreDetail, error) {
	c, err := s.cadreInScope(ctx, s.db, scope, id)
	if err != nil {
		return CadreDetail{}, err
	}
	rows, err := s.cadreRows(ctx, []model.Cadre{c})
	if err != nil {
		return CadreDetail{}, err
	}
	d := CadreDetail{CadreRow: rows[0]}
	d.Pairings, err = s.pairingsOf(ctx, "p.cadre_id = ?", id)
	return d, err
}

func (s *Service) cadreInScope(ctx context.Context, db *model.DB, scope model.Scope, id int64) (model.Cadre, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return model.Cadre{}, err
	}
	var c model.Cadre
	err := scope.Regions(db.WithContext(ctx).Table("cadres c"), "c.region_code").Select("c.*").Where("c.id = ?", id).Take(&c).Error
	if model.IsNotFound(err) {
		return c, errNoCadre
	}
	return c, err
}
