package subsidy

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
)

// Payment is one payment as a household sees it (API.md's Payment shape).
type Payment struct {
	ID            int64      `json:"id"`
	ItemCode      string     `json:"item_code"`
	ItemName      string     `json:"item_name"`
	Department    string     `json:"department"`
	Period        string     `json:"period"`
	PeriodLabel   string     `json:"period_label"`
	AmountFen     int64      `json:"amount_fen"`
	DueDate       model.Date `json:"due_date"`
	PaidDate      model.Date `json:"paid_date"`
	Status        string     `json:"status"`
	StatusLabel   string     `json:"status_label"`
	FailureReason string     `json:"failure_reason"`
	MemberName    string     `json:"member_name"`         // masked; "" when paid to the household
	DaysLate      int        `json:"days_late,omitempty"` // overdue: days since the due date; in officials' lists, paid late (迟发): days from due to paid
	OpenReportID  int64      `json:"open_report_id"`      // the 问题反映 still open on it, 0 when none
	ReportStatus  string     `json:"report_status"`       // that report's status, "" when none
	sortOrder     int        `json:"-"`
}

// ItemTotal sums one item's payments of the year.
type ItemTotal struct {
	ItemCode     string `json:"item_code"`
	ItemName     string `json:"item_name"`
	Count        int    `json:"count"`
	PaidCount    int    `json:"paid_count"`
	PaidFen      int64  `json:"paid_fen"`
	UnpaidFen    int64  `json:"unpaid_fen"` // scheduled, overdue, failed or returned
	OverdueCount int    `json:"overdue_count"`
	FailedCount  int    `json:"failed_count"` // failed or returned by the bank
	sortOrder    int
}

// Counts are the year's payments by status as shown (overdue computed).
type Counts struct {
	Paid      int `json:"paid"`
	Scheduled int `json:"scheduled"`
	Overdue   int `json:"overdue"`
	Failed    int `json:"failed"`
	Returned  int `json:"returned"`
}

// YearView is GET /api/v1/subsidies: a household's payments of one year,
// newest first, with per-item totals and the summary line.
type YearView struct {
	Year      int         `json:"year"`
	Today     model.Date  `json:"today"`
	GraceDays int         `json:"grace_days"`
	Summary   string      `json:"summary"`
	Counts    Counts      `json:"counts"`
	PaidFen   int64       `json:"paid_fen"`
	Items     []Payment   `json:"items"`
	Totals    []ItemTotal `json:"totals"`
	Years     []int       `json:"years"` // years that can be asked for, newest first
}

// Failures of the year view.
var (
	ErrBadYear = apperr.BadInput("invalid_year", "年份格式不正确，请用四位数字，如 2026")
)

// ParseYear reads the year query parameter; empty means this year.
func (s *Service) ParseYear(raw string) (int, error) {
	if raw == "" {
		return s.Today().Year, nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil || len(raw) != 4 || y < 2000 || y > 2100 {
		return 0, ErrBadYear
	}
	return y, nil
}

// Year builds the view of one household's year, as the scope may see it:
// a household outside the scope is 404, a year outside the household's
// data is 400 with the years there are.
func (s *Service) Year(ctx context.Context, scope model.Scope, householdID int64, year int) (YearView, error) {
	return s.yearOn(ctx, scope, householdID, year, s.Today())
}

func (s *Service) yearOn(ctx context.Context, scope model.Scope, householdID int64, year int, today model.Date) (YearView, error) {
	items, first, last, err := s.payments(ctx, scope, householdID, year, today)
	if err != nil {
		return YearView{}, err
	}
	var years []int
	if len(items) > 0 {
		// Rows came back: the household is in scope and the year within its span.
		years = yearSpan(first, last, today)
	} else {
		// None: out of scope, out of range, or a year without payments. Ask.
		if years, err = s.years(ctx, scope, householdID, today); err != nil {
			return YearView{}, err
		}
		if year > years[0] || year < years[len(years)-1] {
			return YearView{}, apperr.BadInput("year_out_of_range",
				fmt.Sprintf("只能查询 %d 年至 %d 年的补贴记录", years[len(years)-1], years[0])).
				WithDetails(map[string]any{"years": years})
		}
	}
	v := YearView{Year: year, Today: today, GraceDays: s.o.GraceDays, Items: items, Years: years}
	v.Counts, v.PaidFen, v.Totals = tally(items)
	v.Summary = Summary(year, today, v.Counts, v.PaidFen)
	return v, nil
}

// years checks the household is in the scope (404 when not) and lists,
// newest first, every year from its first payment (or this year) to its
// last (or next year: schedules are published ahead). One query.
func (s *Service) years(ctx context.Context, scope model.Scope, householdID int64, today model.Date) ([]int, error) {
	var span []struct {
		ID       int64
		FirstDue model.Date
		LastDue  model.Date
	}
	q := s.db.WithContext(ctx).Table("households AS h").
		Select("h.id AS id, MIN(p.due_date) AS first_due, MAX(p.due_date) AS last_due").
		Joins("LEFT JOIN payments p ON p.household_id = h.id").Where("h.id = ?", householdID)
	if err := scope.Households(q, "h.id", "h.region_code").Group("h.id").Scan(&span).Error; err != nil {
		return nil, err
	}
	if len(span) == 0 {
		return nil, apperr.Missing("户")
	}
	return yearSpan(span[0].FirstDue, span[0].LastDue, today), nil
}

// yearSpan lists, newest first, the years from the first due date (or this
// year) to the last (or next year).
func yearSpan(first, last, today model.Date) []int {
	lo, hi := today.Year, today.Year+1
	if !first.IsZero() && first.Year < lo {
		lo = first.Year
	}
	if !last.IsZero() && last.Year > hi {
		hi = last.Year
	}
	out := make([]int, 0, hi-lo+1)
	for y := hi; y >= lo; y-- {
		out = append(out, y)
	}
	return out
}

type paymentRow struct {
	model.Payment
	ItemName     string
	Department   string
	SortOrder    int
	MemberName   string
	OpenReportID int64
	ReportStatus string
	FirstDue     model.Date
	LastDue      model.Date
}

// payments loads a household's payments due in year, newest first, each
// with the report open on it (at most one: reports.open_key is unique), and
// the household's first and last due dates, in one query: the household's
// row is joined under the scope, and the span is a derived table read once.
func (s *Service) payments(ctx context.Context, scope model.Scope, householdID int64, year int, today model.Date) ([]Payment, model.Date, model.Date, error) {
	from := model.Date{Year: year, Month: 1, Day: 1}
	to := model.Date{Year: year + 1, Month: 1, Day: 1}
	var rows []paymentRow
	q := s.db.WithContext(ctx).Table("payments AS p").
		Select("p.*, COALESCE(i.name, '') AS item_name, COALESCE(i.department, '') AS department, "+
			"COALESCE(i.sort_order, 0) AS sort_order, COALESCE(m.name, '') AS member_name, "+
			"COALESCE(r.id, 0) AS open_report_id, COALESCE(r.status, '') AS report_status, "+
			"span.first_due AS first_due, span.last_due AS last_due").
		Joins("JOIN households h ON h.id = p.household_id").
		Joins("CROSS JOIN (SELECT MIN(due_date) AS first_due, MAX(due_date) AS last_due FROM payments WHERE household_id = ?) span", householdID).
		Joins("LEFT JOIN subsidy_items i ON i.code = p.item_code").
		Joins("LEFT JOIN members m ON m.id = p.member_id AND p.member_id <> 0").
		Joins("LEFT JOIN reports r ON r.payment_id = p.id AND r.open_key IS NOT NULL").
		Where("p.household_id = ? AND p.due_date >= ? AND p.due_date < ?", householdID, from, to)
	if err := scope.Households(q, "h.id", "h.region_code").Order("p.due_date DESC, p.id DESC").Scan(&rows).Error; err != nil {
		return nil, model.Date{}, model.Date{}, err
	}
	out := make([]Payment, len(rows))
	for i, r := range rows {
		out[i] = s.view(r, today)
	}
	if len(rows) == 0 {
		return out, model.Date{}, model.Date{}, nil
	}
	return out, rows[0].FirstDue, rows[0].LastDue, nil
}

func (s *Service) view(r paymentRow, today model.Date) Payment {
	st := r.StatusOn(today, s.o.GraceDays)
	p := Payment{
		ID: r.ID, ItemCode: r.ItemCode, ItemName: r.ItemName, Department: r.Department, Period: r.Period,
		PeriodLabel: PeriodLabel(r.Period), AmountFen: r.AmountFen, DueDate: r.DueDate, PaidDate: r.PaidDate,
		Status: st, StatusLabel: StatusLabels[st], MemberName: pii.MaskName(r.MemberName), sortOrder: r.SortOrder,
		OpenReportID: r.OpenReportID, ReportStatus: r.ReportStatus,
	}
	if p.ItemName == "" { // an item dropped from the catalogue still shows
		p.ItemName = r.ItemCode
	}
	if st == model.PaymentFailed || st == model.PaymentReturned {
		p.FailureReason = r.FailureReason
	}
	if st == model.PaymentOverdue {
		p.DaysLate = r.DueDate.DaysUntil(today)
	}
	return p
}

// tally counts the payments by status and sums them per item, in
// catalogue order.
func tally(items []Payment) (Counts, int64, []ItemTotal) {
	var c Counts
	var paid int64
	byItem := map[string]*ItemTotal{}
	for _, p := range items {
		t := byItem[p.ItemCode]
		if t == nil {
			t = &ItemTotal{ItemCode: p.ItemCode, ItemName: p.ItemName, sortOrder: p.sortOrder}
			byItem[p.ItemCode] = t
		}
		t.Count++
		switch p.Status {
		case model.PaymentPaid:
			c.Paid++
			paid += p.AmountFen
			t.PaidCount++
			t.PaidFen += p.AmountFen
			continue
		case model.PaymentScheduled:
			c.Scheduled++
		case model.PaymentOverdue:
			c.Overdue++
			t.OverdueCount++
		case model.PaymentFailed:
			c.Failed++
			t.FailedCount++
		case model.PaymentReturned:
			c.Returned++
			t.FailedCount++
		}
		t.UnpaidFen += p.AmountFen
	}
	totals := make([]ItemTotal, 0, len(byItem))
	for _, t := range byItem {
		totals = append(totals, *t)
	}
	sort.Slice(totals, func(i, j int) bool {
		if totals[i].sortOrder != totals[j].sortOrder {
			return totals[i].sortOrder < totals[j].sortOrder
		}
		return totals[i].ItemCode < totals[j].ItemCode
	})
	return c, paid, totals
}
