package subsidy

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

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
	Late        bool       `json:"late,omitempty"` // paid late (迟发): paid more than the grace days after the due date
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
	TalliedAt  time.Time        `json:"tallied_at"` // when the counts and sums were taken (cached a minute)
	Today      model.Date       `json:"today"`
	GraceDays  int              `json:"grace_days"`
}

// Failures of the payment lists.
var (
	ErrBadStatus  = apperr.BadInput("invalid_status", "状态只能是 scheduled、paid、failed、returned 或 overdue")
	ErrBadRegion  = apperr.BadInput("invalid_region", "地区代码应为 1 到 12 位数字")
	ErrBadItem    = apperr.BadInput("invalid_item", "没有这个补贴项目")
	ErrBadPeriod  = apperr.BadInput("invalid_period", "期次格式不正确")
	ErrBadLate    = apperr.BadInput("invalid_late", "late 只能是 true 或 false")
	ErrBadCursor  = apperr.BadInput("invalid_cursor", "翻页参数不正确，请从第一页重新查询")
	ErrLateStatus = apperr.BadInput("invalid_status", "只看迟发时状态只能是 paid 或不填")
	ErrOutside    = apperr.New(apperr.Forbidden, "region_out_of_scope", "该地区不在您的管辖范围内")
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

	page := PaymentPage{Today: today, GraceDays: s.o.GraceDays}
	t, err := s.tally(ctx, scope, f, today, names, filtered)
	if err != nil {
		return PaymentPage{}, err
	}
	page.Total, page.ByStatus, page.ByItem, page.TalliedAt = t.Total, t.ByStatus, t.ByItem, t.At.In(s.o.Location)
	if page.Items, page.NextCursor, err = s.page(ctx, filtered(), f, today); err != nil {
		return PaymentPage{}, err
	}
	err = s.audit.Record(ctx, nil, who, audit.Event{Action: "payment.list", TargetKind: "payment",
		RegionCode: f.Region, Detail: f})
	return page, err
}

// tallyTTL is how long the counts and sums of one filter are reused: an
// official paging through a county's two million payments should not make
// the database add them all up again for every page.
const tallyTTL = time.Minute

type tallies struct {
	Total    Tally            `json:"total"`
	ByStatus map[string]Tally `json:"by_status"`
	ByItem   []ItemTally      `json:"by_item"`
	At       time.Time        `json:"at"`
}

// tally counts and sums everything the filter matches by status (overdue
// computed) and by item, in one grouped query, cached for tallyTTL per
// scope, filter and day.
func (s *Service) tally(ctx context.Context, scope model.Scope, f PaymentFilter, today model.Date, names map[string]string,
	filtered func() *gorm.DB) (tallies, error) {
	raw, _ := json.Marshal(struct {
		Scope  model.Scope
		Filter PaymentFilter
		Today  string
		Grace  int
	}{scope, f, today.String(), s.o.GraceDays})
	sum := sha256.Sum256(raw)
	key := "subsidy:tally:" + hex.EncodeToString(sum[:16])
	var t tallies
	if b, err := s.kv.Get(ctx, key); err == nil && json.Unmarshal(b, &t) == nil {
		return t, nil
	}
	var rows []struct {
		St       string
		ItemCode string
		N        int64
		Fen      int64
	}
	cutoff := s.overdueBefore(today)
	if err := filtered().Select("CASE WHEN p.status = ? AND p.due_date < ? THEN ? ELSE p.status END AS st, p.item_code AS item_code, "+
		"COUNT(*) AS n, COALESCE(SUM(p.amount_fen), 0) AS fen", model.PaymentScheduled, cutoff, model.PaymentOverdue).
		Group("st, p.item_code").Scan(&rows).Error; err != nil {
		return t, err
	}
	t = tallies{ByStatus: map[string]Tally{}, ByItem: []ItemTally{}, At: s.o.Now().UTC()}
	byItem := map[string]*ItemTally{}
	for _, r := range rows {
		st := t.ByStatus[r.St]
		st.Count, st.AmountFen = st.Count+r.N, st.AmountFen+r.Fen
		t.ByStatus[r.St] = st
		t.Total.Count, t.Total.AmountFen = t.Total.Count+r.N, t.Total.AmountFen+r.Fen
		it := byItem[r.ItemCode]
		if it == nil {
			it = &ItemTally{ItemCode: r.ItemCode, ItemName: names[r.ItemCode]}
			byItem[r.ItemCode] = it
		}
		it.Count, it.AmountFen = it.Count+r.N, it.AmountFen+r.Fen
	}
	for _, it := range byItem {
		t.ByItem = append(t.ByItem, *it)
	}
	sort.Slice(t.ByItem, func(i, j int) bool { return t.ByItem[i].ItemCode < t.ByItem[j].ItemCode })
	if b, err := json.Marshal(t); err == nil {
		if err := s.kv.Set(ctx, key, b, tallyTTL); err != nil {
			s.o.Logger.WarnContext(ctx, "payment tally cache write failed", "err", err)
		}
	}
	return t, nil
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
	if f.Late && f.Status != "" && f.Status != model.PaymentPaid {
		return ErrLateStatus // paid late is a kind of paid
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
	switch {
	case len(f.Region) == 12: // one village: equality lets the index give its payments in due order
		q = q.Where("p.region_code = ?", f.Region)
	case f.Region != "":
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
	if f.Late {
		// A range of idx_payments_paid_late (0017): paid_late_days is the
		// days from due to paid, NULL while unpaid or when paid on time.
		q = q.Where("p.paid_late_days > ? AND p.status = ?", s.o.GraceDays, model.PaymentPaid)
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
// first, after the cursor. It is a deferred join: the page's ids come from
// payments alone, which the database reads in due order (an index) and
// stops at the page's end; only then are the page's rows joined to their
// household, item, member and open report. Asked in one statement, MariaDB
// may sort a whole county's payments to return fifty.
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
	var keys []struct {
		ID      int64
		DueDate model.Date
	}
	if err := q.Select("p.id AS id, p.due_date AS due_date").Order("p.due_date " + dir + ", p.id " + dir).
		Limit(f.Limit + 1).Scan(&keys).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(keys) > f.Limit {
		keys = keys[:f.Limit]
		last := keys[len(keys)-1]
		next = encodeCursor(last.DueDate, last.ID)
	}
	if len(keys) == 0 {
		return []AdminPayment{}, "", nil
	}
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	var rows []adminRow
	err := s.db.WithContext(ctx).Table("payments AS p").
		Select("p.*, COALESCE(i.name, '') AS item_name, COALESCE(i.department, '') AS department, "+
			"COALESCE(m.name, '') AS member_name, COALESCE(h.household_no, '') AS household_no, COALESCE(h.head_name, '') AS head_name, "+
			"COALESCE(r.id, 0) AS open_report_id, COALESCE(r.status, '') AS report_status").
		Joins("LEFT JOIN households h ON h.id = p.household_id").
		Joins("LEFT JOIN subsidy_items i ON i.code = p.item_code").
		Joins("LEFT JOIN members m ON m.id = p.member_id AND p.member_id <> 0").
		Joins("LEFT JOIN reports r ON r.payment_id = p.id AND r.open_key IS NOT NULL").
		Where("p.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, "", err
	}
	byID := make(map[int64]adminRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]AdminPayment, 0, len(ids))
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			continue // deleted between the two reads
		}
		p := s.view(paymentRow{Payment: r.Payment, ItemName: r.ItemName, Department: r.Department, MemberName: r.MemberName,
			OpenReportID: r.OpenReportID, ReportStatus: r.ReportStatus}, today)
		p.MemberName = r.MemberName // officials act on the record: the name in full
		if p.Status == model.PaymentPaid && !r.PaidDate.IsZero() {
			if days := r.DueDate.DaysUntil(r.PaidDate); days > s.o.GraceDays {
				p.DaysLate = days // paid late (迟发): days from due to paid, as paid_late_days
			}
		}
		out = append(out, AdminPayment{Payment: p, HouseholdID: r.HouseholdID, HouseholdNo: r.HouseholdNo, HeadName: r.HeadName,
			RegionCode: r.RegionCode, BatchNo: r.BatchNo, CardLast4: r.CardLast4})
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
