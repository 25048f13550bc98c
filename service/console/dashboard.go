package console

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Number is one figure on the dashboard and the console route of the list
// behind it ("#/households?flag=under_line"), so every number can be
// clicked through to the records it counts.
type Number struct {
	Count     int64  `json:"count"`
	AmountFen int64  `json:"amount_fen,omitempty"`
	Link      string `json:"link"`
}

// RegionRef names a region.
type RegionRef struct {
	Prefix string `json:"prefix"`
	Code   string `json:"code"`
	Name   string `json:"name"`
}

// Dashboard is everything the console's first page shows, for one scope.
type Dashboard struct {
	Region      RegionRef    `json:"region"`
	Today       model.Date   `json:"today"`
	GeneratedAt time.Time    `json:"generated_at"`
	Payments    PaymentStats `json:"payments"`
	Visits      VisitStats   `json:"visits"`
	Flags       FlagStats    `json:"flags"`
	Reports     ReportStats  `json:"reports"`
	Jobs        JobStats     `json:"jobs"`
	Pushes      PushStats    `json:"pushes"`
}

// Dashboard gathers the numbers for scope narrowed to region. Each part is
// one or two set-based queries; nothing loops over households.
func (s *Service) Dashboard(ctx context.Context, scope model.Scope, region string) (Dashboard, error) {
	scope, err := Narrow(scope, region)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.now()
	d := Dashboard{Today: s.today(), GeneratedAt: now.In(s.o.Location)}
	if d.Region, err = s.regionRef(ctx, prefixOf(scope)); err != nil {
		return d, err
	}
	// The parts read different tables and fill different fields: run them
	// side by side, so the page waits for the slowest, not for the sum.
	parts := []func(context.Context, model.Scope, time.Time, *Dashboard) error{
		s.paymentStats, s.visitStats, s.flagStats, s.reportStats, s.jobStats, s.pushStats,
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { errs[i] = part(ctx, scope, now, &d) })
	}
	wg.Wait()
	return d, errors.Join(errs...)
}

// regionRef names a scope prefix: "419901" is 乡帮演示县 (419901000000).
func (s *Service) regionRef(ctx context.Context, prefix string) (RegionRef, error) {
	if prefix == "" {
		return RegionRef{Name: "全部地区"}, nil
	}
	code := prefix + strings.Repeat("0", max(0, 12-len(prefix)))
	names, err := s.regionNames(ctx, []string{code})
	if err != nil {
		return RegionRef{}, err
	}
	name := names[code]
	if name == "" {
		name = code
	}
	return RegionRef{Prefix: prefix, Code: code, Name: name}, nil
}

// link builds a console route with a query; empty values are left out.
func link(route string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return "#/" + route
	}
	return "#/" + route + "?" + q.Encode()
}

// countRows runs a COUNT query with its arguments.
func (s *Service) count(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&n).Error
	return n, err
}

// regionCond filters col by the scope's prefix; "1 = 1" for all.
func regionCond(col string, scope model.Scope) (string, []any) {
	p := prefixOf(scope)
	if p == "" {
		return "1 = 1", nil
	}
	return col + " LIKE ?", []any{p + "%"}
}

// regionRange filters col by the scope's prefix as a range of codes
// ("419901" ≤ code < "419902") rather than LIKE, so an index that starts
// with the region code is used on every database (SQLite's LIKE is
// case-insensitive and never uses a plain index).
func (s *Service) regionRange(col string, scope model.Scope) (string, []any) {
	p := prefixOf(scope)
	if p == "" {
		return "1 = 1", nil
	}
	if hi, ok := nextPrefix(p); ok {
		return col + " >= ? AND " + col + " < ?", []any{p, hi}
	}
	return col + " >= ?", []any{p}
}

// nextPrefix is the smallest digit string after every code starting with
// p: "419901" → "419902", "41999" → "42". All nines have none.
func nextPrefix(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// unordered ends a GROUP BY query: MariaDB sorts grouped rows unless told
// not to, and nobody reads them in order.
func (s *Service) unordered() string {
	if s.db.Dialect == model.MySQL {
		return " ORDER BY NULL"
	}
	return ""
}
