package console

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// PaymentStatuses are the statuses a person sees, in the dashboard's order.
var PaymentStatuses = []string{model.PaymentPaid, model.PaymentScheduled, model.PaymentOverdue, model.PaymentFailed, model.PaymentReturned}

// PaymentStatusNames are their Chinese names.
var PaymentStatusNames = map[string]string{
	model.PaymentPaid: "已发放", model.PaymentScheduled: "待发放", model.PaymentOverdue: "逾期未发",
	model.PaymentFailed: "发放失败", model.PaymentReturned: "资金退回",
}

// PaymentStats are this year's 一卡通 payments by month and status, and the
// overdue ones (of any year) by village.
type PaymentStats struct {
	Year             int               `json:"year"`
	GraceDays        int               `json:"grace_days"`
	StatusNames      map[string]string `json:"status_names"`
	Months           []PaymentMonth    `json:"months"`
	ByStatus         map[string]Number `json:"by_status"` // this year
	Overdue          Number            `json:"overdue"`   // every year
	Late             Number            `json:"late"`      // this year's due dates paid late (迟发)
	OverdueByVillage []VillageNumber   `json:"overdue_by_village"`
}

// PaymentMonth is one month of due dates.
type PaymentMonth struct {
	Month    string            `json:"month"` // 2026-03
	ByStatus map[string]Number `json:"by_status"`
}

// VillageNumber is a figure for one village.
type VillageNumber struct {
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	TownName   string `json:"town_name"`
	Number
}

func (s *Service) paymentStats(ctx context.Context, scope model.Scope, now time.Time, d *Dashboard) error {
	today := s.today()
	cut := s.overdueBefore()
	prefix := prefixOf(scope)
	key := prefix + "|" + cut.String()
	if st, ok := s.payments.get(key, now, s.o.PaymentStatsTTL); ok {
		d.Payments = st
		return nil
	}
	st := PaymentStats{Year: today.Year, GraceDays: s.o.GraceDays, StatusNames: PaymentStatusNames, ByStatus: map[string]Number{}}
	first, last := model.Date{Year: today.Year, Month: 1, Day: 1}, model.Date{Year: today.Year, Month: 12, Day: 31}

	// Grouped by month, stored status and whether the due date is before
	// the overdue cut-off (scheduled and before it is overdue, as
	// model.Payment.StatusOn says), so idx_payments_region_cover (region_code,
	// due_date, status, ..., amount_fen) answers it alone and few groups are kept.
	where, args := s.regionRange("p.region_code", scope)
	var rows []struct {
		Month     string
		Status    string
		Late      int
		N         int64
		AmountFen int64
	}
	q := "SELECT SUBSTR(p.due_date, 1, 7) AS month, p.status AS status, CASE WHEN p.due_date < ? THEN 1 ELSE 0 END AS late, " +
		"COUNT(*) AS n, COALESCE(SUM(p.amount_fen), 0) AS amount_fen " +
		"FROM payments p WHERE " + where + " AND p.due_date >= ? AND p.due_date <= ? GROUP BY month, status, late" + s.unordered()
	if err := s.db.WithContext(ctx).Raw(q, append(append([]any{cut}, args...), first, last)...).Scan(&rows).Error; err != nil {
		return err
	}
	months := map[time.Month]map[string]Number{}
	for _, r := range rows {
		var mo int
		if _, err := fmt.Sscanf(r.Month, "%d-%d", new(int), &mo); err != nil || mo < 1 || mo > 12 {
			return fmt.Errorf("console: payment month %q", r.Month)
		}
		status := r.Status
		if status == model.PaymentScheduled && r.Late == 1 {
			status = model.PaymentOverdue
		}
		m := months[time.Month(mo)]
		if m == nil {
			m = map[string]Number{}
			months[time.Month(mo)] = m
		}
		n := m[status]
		n.Count += r.N
		n.AmountFen += r.AmountFen
		m[status] = n
		y := st.ByStatus[status]
		y.Count += r.N
		y.AmountFen += r.AmountFen
		st.ByStatus[status] = y
	}
	for mo := time.January; mo <= time.December; mo++ {
		from := model.Date{Year: today.Year, Month: mo, Day: 1}
		to := model.DateOf(from.Time(time.UTC).AddDate(0, 1, -1))
		pm := PaymentMonth{Month: fmt.Sprintf("%04d-%02d", today.Year, mo), ByStatus: map[string]Number{}}
		for _, status := range PaymentStatuses {
			n := months[mo][status]
			n.Link = paymentsLink(status, prefix, from, to)
			pm.ByStatus[status] = n
		}
		st.Months = append(st.Months, pm)
	}
	for _, status := range PaymentStatuses {
		n := st.ByStatus[status]
		n.Link = paymentsLink(status, prefix, first, last)
		st.ByStatus[status] = n
	}

	var villages []struct {
		RegionCode string
		N          int64
		AmountFen  int64
	}
	q = "SELECT p.region_code AS region_code, COUNT(*) AS n, COALESCE(SUM(p.amount_fen), 0) AS amount_fen FROM payments p " +
		"WHERE p.status = ? AND p.due_date < ? AND " + where + " GROUP BY p.region_code"
	if err := s.db.WithContext(ctx).Raw(q, append([]any{model.PaymentScheduled, cut}, args...)...).Scan(&villages).Error; err != nil {
		return err
	}
	late, err := s.paidLate(ctx, scope, prefix, first, last)
	if err != nil {
		return err
	}
	st.Late = late
	codes := make([]string, 0, 2*len(villages))
	for _, v := range villages {
		codes = append(codes, v.RegionCode, townOf(v.RegionCode))
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return err
	}
	st.Overdue.Link = link("overdue", "region", prefix)
	st.OverdueByVillage = []VillageNumber{}
	for _, v := range villages {
		st.Overdue.Count += v.N
		st.Overdue.AmountFen += v.AmountFen
		st.OverdueByVillage = append(st.OverdueByVillage, VillageNumber{RegionCode: v.RegionCode, RegionName: names[v.RegionCode],
			TownName: names[townOf(v.RegionCode)],
			Number:   Number{Count: v.N, AmountFen: v.AmountFen, Link: link("overdue", "region", v.RegionCode)}})
	}
	sort.SliceStable(st.OverdueByVillage, func(i, j int) bool {
		a, b := st.OverdueByVillage[i], st.OverdueByVillage[j]
		return a.Count > b.Count || (a.Count == b.Count && a.RegionCode < b.RegionCode)
	})
	d.Payments = st
	s.payments.put(key, now, st)
	return nil
}

// statsCache keeps the payment figures of recent dashboards by region and
// day. The figures are never changed after they are stored, so readers
// share them.
type statsCache struct {
	mu      sync.Mutex
	entries map[string]statsEntry
}

type statsEntry struct {
	at    time.Time
	stats PaymentStats
}

func (c *statsCache) get(key string, now time.Time, ttl time.Duration) (PaymentStats, bool) {
	if ttl < 0 {
		return PaymentStats{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= ttl || now.Before(e.at) {
		return PaymentStats{}, false
	}
	return e.stats, true
}

func (c *statsCache) put(key string, now time.Time, st PaymentStats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// A deployment has at most a few hundred scopes; past that, start over
	// rather than keep a map that only grows.
	if c.entries == nil || len(c.entries) >= 512 {
		c.entries = map[string]statsEntry{}
	}
	c.entries[key] = statsEntry{at: now, stats: st}
}

func paymentsLink(status, prefix string, from, to model.Date) string {
	if status == model.PaymentOverdue {
		return link("overdue", "region", prefix, "due_from", from.String(), "due_to", to.String())
	}
	return link("payments", "status", status, "region", prefix, "due_from", from.String(), "due_to", to.String())
}

// paidLate counts this year's payments paid late (迟发): paid more than the
// grace days after their due date. paid_late_days (0017) makes it a range of
// idx_payments_paid_late over the late payments alone (few), each then read
// for its region and amount. The figure links to the payment list's late=true.
func (s *Service) paidLate(ctx context.Context, scope model.Scope, prefix string, first, last model.Date) (Number, error) {
	where, args := s.regionRange("p.region_code", scope)
	var n Number
	q := "SELECT COUNT(*) AS count, COALESCE(SUM(p.amount_fen), 0) AS amount_fen FROM payments p " +
		"WHERE p.paid_late_days > ? AND p.status = ? AND p.due_date >= ? AND p.due_date <= ? AND " + where
	if err := s.db.WithContext(ctx).Raw(q, append([]any{s.o.GraceDays, model.PaymentPaid, first, last}, args...)...).Scan(&n).Error; err != nil {
		return Number{}, err
	}
	n.Link = link("payments", "late", "true", "region", prefix, "due_from", first.String(), "due_to", last.String())
	return n, nil
}
