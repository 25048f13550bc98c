package subsidy

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// PaymentFilter narrows officials' payment lists. Zero fields do not filter.
type PaymentFilter struct {
	Region      string     `json:"region,omitempty"` // a region code prefix inside the caller's scope
	Item        string     `json:"item,omitempty"`
	Period      string     `json:"period,omitempty"`
	Status      string     `json:"status,omitempty"` // scheduled | paid | failed | returned | overdue
	DueFrom     model.Date `json:"due_from,omitempty"`
	DueTo       model.Date `json:"due_to,omitempty"` // inclusive
	HouseholdID int64      `json:"household_id,omitempty"`
	Cursor      string     `json:"-"`
	Limit       int        `json:"-"`
	oldestFirst bool
}

// AdminPayment is one payment in an official's list.
type AdminPayment struct {
	Payment
	HouseholdID int64  `json:"household_id"`
	HouseholdNo string `json:"household_no"`
	HeadName    string `json:"head_name"`
	RegionCode  string `json:"region_code"`
	BatchNo     string `json:"batch_no"`
	CardLast4   string `json:"card_last4"`
}

// Tally is a count and a sum.
type Tally struct {
	Count     int64 `json:"count"`
	AmountFen int64 `json:"amount_fen"`
}

// ItemTally is a Tally of one item.
type ItemTally struct {
	ItemCode string `json:"item_code"`
	ItemName string `json:"item_name"`
	Tally
}

// PaymentPage is one page of an official's list, with the counts and sums
// of everything the filter matches (not only the page).
type PaymentPage struct {
	Items      []AdminPayment   `json:"items"`
	NextCursor string           `json:"next_cursor"`
	Total      Tally            `json:"total"`
	ByStatus   map[string]Tally `json:"by_status"`
	ByItem     []ItemTally      `json:"by_item"`
	Today      model.Date       `json:"today"`
	GraceDays  int              `json:"grace_days"`
}

// Failures of the payment lists.
var (
	ErrBadStatus = apperr.BadInput("invalid_status", "状态只能是 scheduled、paid、failed、returned 或 overdue")
	ErrBadRegion = apperr.BadInput("invalid_region", "地区代码应为 1 到 12 位数字")
	ErrBadItem   = apperr.BadInput("invalid_item", "没有这个补贴项目")
	ErrBadPeriod = apperr.BadInput("invalid_period", "期次格式不正确")
	ErrBadCursor = apperr.BadInput("invalid_cursor", "翻页参数不正确，请从第一页重新查询")
	ErrOutside   = apperr.New(apperr.Forbidden, "region_out_of_scope", "该地区不在您的管辖范围内")
)

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// ListPayments lists payments in the scope matching f, newest due first.
// The read is written to the audit log.
func (s *Service) ListPayments(ctx context.Context, scope model.Scope, who audit.Actor, f PaymentFilter) (PaymentPage, error) {
	f.oldestFirst = false
	return s.list(ctx, scope, who, f)
}

// Overdue lists the scope's overdue payments, longest overdue first: due,
// the grace period passed, and still not paid.
func (s *Service) Overdue(ctx context.Context, scope model.Scope, who audit.Actor, f PaymentFilter) (PaymentPage, error) {
	f.Status, f.oldestFirst = model.PaymentOverdue, true
	return s.list(ctx, scope, who, f)
}

func (s *Service) list(ctx context.Context, scope model.Scope, who audit.Actor, f PaymentFilter) (PaymentPage, error) {
	today := s.Today()
	names, err := s.itemNames(ctx)
	if err != nil {
		return PaymentPage{}, err
	}
	if err := s.checkFilter(scope, &f, names); err != nil {
		return PaymentPage{}, err
	}
	cutoff := s.overdueBefore(today)
	filtered := func() *gorm.DB { return s.filtered(ctx, scope, f, cutoff) }

	page := PaymentPage{ByStatus: map[string]Tally{}, ByItem: []ItemTally{}, Today: today, GraceDays: s.o.GraceDays}
	var byStatus []struct {
		St  string
		N   int64
		Fen int64
	}
	if err := filtered().Select("CASE WHEN p.status = ? AND p.due_date < ? THEN ? ELSE p.status END AS st, "+
		"COUNT(*) AS n, COALESCE(SUM(p.amount_fen), 0) AS fen", model.PaymentScheduled, cutoff, model.PaymentOverdue).
		Group("st").Scan(&byStatus).Error; err != nil {
		return PaymentPage{}, err
	}
	for _, r := range byStatus {
		page.ByStatus[r.St] = Tally{Count: r.N, AmountFen: r.Fen}
		page.Total.Count += r.N
		page.Total.AmountFen += r.Fen
	}
	var byItem []struct {
		ItemCode string
		N        int64
		Fen      int64
	}
	if err := filtered().Select("p.item_code AS item_code, COUNT(*) AS n, COALESCE(SUM(p.amount_fen), 0) AS fen").
		Group("p.item_code").Order("p.item_code").Scan(&byItem).Error; err != nil {
		return PaymentPage{}, err
	}
	for _, r := range byItem {
		page.ByItem = append(page.ByItem, ItemTally{ItemCode: r.ItemCode, ItemName: names[r.ItemCode], Tally: Tally{r.N, r.Fen}})
	}

	if page.Items, page.NextCursor, err = s.page(ctx, filtered(), f, today); err != nil {
		return PaymentPage{}, err
	}
	err = s.audit.Record(ctx, nil, who, audit.Event{Action: "payment.list", TargetKind: "payment",
		RegionCode: f.Region, Detail: f})
	return page, err
}

// checkFilter validates f and narrows its region to the scope.
func (s *Service) checkFilter(scope model.Scope, f *PaymentFilter, items map[string]string) error {
	if f.Region != "" && (len(f.Region) > 12 || !digits(f.Region)) {
		return ErrBadRegion
	}
	if scope.Kind == model.ScopeRegion {
		switch {
		case f.Region == "" || (strings.HasPrefix(scope.RegionPrefix, f.Region) && len(f.Region) <= len(scope.RegionPrefix)):
			f.Region = scope.RegionPrefix // all of mine, or wider than mine: mine
		case !strings.HasPrefix(f.Region, scope.RegionPrefix):
			return ErrOutside
		}
	}
	switch f.Status {
	case "", model.PaymentScheduled, model.PaymentPaid, model.PaymentFailed, model.PaymentReturned, model.PaymentOverdue:
	default:
		return ErrBadStatus
	}
	if _, ok := items[f.Item]; f.Item != "" && !ok {
		return ErrBadItem
	}
	if len(f.Period) > 16 {
		return ErrBadPeriod
	}
	if f.Limit <= 0 {
		f.Limit = defaultPageSize
	}
	f.Limit = min(f.Limit, maxPageSize)
	return nil
}

// filtered is the payments the scope may see that match f.
func (s *Service) filtered(ctx context.Context, scope model.Scope, f PaymentFilter, cutoff model.Date) *gorm.DB {
	q := scope.Households(s.db.WithContext(ctx).Table("payments AS p"), "p.household_id", "p.region_code")
	if f.Region != "" {
		q = q.Where("p.region_code LIKE ?", f.Region+"%") // digits only: checked
	}
	if f.Item != "" {
		q = q.Where("p.item_code = ?", f.Item)
	}
	if f.Period != "" {
		q = q.Where("p.period = ?", f.Period)
	}
	if f.HouseholdID != 0 {
		q = q.Where("p.household_id = ?", f.HouseholdID)
	}
	if !f.DueFrom.IsZero() {
		q = q.Where("p.due_date >= ?", f.DueFrom)
	}
	if !f.DueTo.IsZero() {
		q = q.Where("p.due_date <= ?", f.DueTo)
	}
	switch f.Status {
	case "":
	case model.PaymentOverdue:
		q = q.Where("p.status = ? AND p.due_date < ?", model.PaymentScheduled, cutoff)
	case model.PaymentScheduled:
		q = q.Where("p.status = ? AND p.due_date >= ?", model.PaymentScheduled, cutoff)
	default:
		q = q.Where("p.status = ?", f.Status)
	}
	return q
}

// adminRow is flat: gorm scans one level of embedding only.
type adminRow struct {
	model.Payment
	ItemName     string
	Department   string
	MemberName   string
	HouseholdNo  string
	HeadName     string
	OpenReportID int64
	ReportStatus string
}

// page reads one page of q in (due_date, id) order, newest first or oldest
// first, after the cursor.
func (s *Service) page(ctx context.Context, q *gorm.DB, f PaymentFilter, today model.Date) ([]AdminPayment, string, error) {
	dir, cmp := "DESC", "<"
	if f.oldestFirst {
		dir, cmp = "ASC", ">"
	}
	if f.Cursor != "" {
		due, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(fmt.Sprintf("(p.due_date %s ? OR (p.due_date = ? AND p.id %s ?))", cmp, cmp), due, due, id)
	}
	var rows []adminRow
	err := q.Select("p.*, COALESCE(i.name, '') AS item_name, COALESCE(i.department, '') AS department, " +
		"COALESCE(m.name, '') AS member_name, h.household_no AS household_no, h.head_name AS head_name, " +
		"COALESCE(r.id, 0) AS open_report_id, COALESCE(r.status, '') AS report_status").
		Joins("JOIN households h ON h.id = p.household_id").
		Joins("LEFT JOIN subsidy_items i ON i.code = p.item_code").
		Joins("LEFT JOIN members m ON m.id = p.member_id AND p.member_id <> 0").
		Joins("LEFT JOIN reports r ON r.payment_id = p.id AND r.open_key IS NOT NULL").
		Order("p.due_date " + dir + ", p.id " + dir).Limit(f.Limit + 1).Scan(&rows).Error
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		next = encodeCursor(last.DueDate, last.ID)
	}
	out := make([]AdminPayment, len(rows))
	for i, r := range rows {
		p := s.view(paymentRow{Payment: r.Payment, ItemName: r.ItemName, Department: r.Department, MemberName: r.MemberName,
			OpenReportID: r.OpenReportID, ReportStatus: r.ReportStatus}, today)
		p.MemberName = r.MemberName // officials act on the record: the name in full
		out[i] = AdminPayment{Payment: p, HouseholdID: r.HouseholdID, HouseholdNo: r.HouseholdNo, HeadName: r.HeadName,
			RegionCode: r.RegionCode, BatchNo: r.BatchNo, CardLast4: r.CardLast4}
	}
	return out, next, nil
}

func (s *Service) itemNames(ctx context.Context) (map[string]string, error) {
	var rows []model.SubsidyItem
	if err := s.db.WithContext(ctx).Select("code", "name").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Code] = r.Name
	}
	return out, nil
}

func encodeCursor(due model.Date, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(due.String() + "|" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (model.Date, int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return model.Date{}, 0, ErrBadCursor
	}
	d, idText, ok := strings.Cut(string(raw), "|")
	due, derr := model.ParseDate(d)
	id, ierr := strconv.ParseInt(idText, 10, 64)
	if !ok || derr != nil || ierr != nil || id <= 0 {
		return model.Date{}, 0, ErrBadCursor
	}
	return due, id, nil
}
