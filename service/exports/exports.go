// Package exports writes the lists officials take to meetings and send up
// the line, as XLSX: overdue payments, households not visited within their
// period, 零就业家庭, and open reports past their deadline. Each list is one
// set-based query (export_queries.go) streamed row by row into excelize's
// StreamWriter, which spills to a temporary file, so a county's list of a
// hundred thousand rows does not sit in memory. Lists are scoped to the
// official's region, show personal numbers masked, and every export is
// audited (action export.<name>): it is a read of many households at once.
package exports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// The lists, by the names their URLs use.
const (
	OverduePayments     = "overdue-payments"
	UnvisitedHouseholds = "unvisited-households"
	ZeroEmployment      = "zero-employment"
	LateReports         = "late-reports"
)

// Names lists every export.
func Names() []string {
	return []string{OverduePayments, UnvisitedHouseholds, ZeroEmployment, LateReports}
}

// Title is a list's Chinese name, for the file name and the sheet.
func Title(name string) string {
	return map[string]string{
		OverduePayments:     "逾期未发放补贴",
		UnvisitedHouseholds: "超期未走访农户",
		ZeroEmployment:      "零就业家庭",
		LateReports:         "超期未办结事项",
	}[name]
}

// ErrUnknown is a list that does not exist.
var ErrUnknown = apperr.Missing("导出清单")

// Deps are what the service needs.
type Deps struct {
	DB     *model.DB
	Audit  *audit.Log
	Policy *config.Policy
}

// Options tune the service.
type Options struct {
	GraceDays int            // XB_PAYMENT_GRACE_DAYS
	Location  *time.Location // dates are judged and shown in the county's zone
	Now       func() time.Time
}

// Service writes the lists.
type Service struct {
	db     *model.DB
	audit  *audit.Log
	policy *config.Policy
	o      Options
}

// New returns the service.
func New(d Deps, o Options) (*Service, error) {
	if d.DB == nil || d.Audit == nil || d.Policy == nil {
		return nil, errors.New("exports: DB, Audit and Policy are required")
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: d.DB, audit: d.Audit, policy: d.Policy, o: o}, nil
}

// maxRows is what one sheet holds below its header (Excel's limit).
const maxRows = 1_048_575

// column is one column of a list.
type column struct {
	header string
	width  float64
}

// list is a query's rows as they go into the sheet.
type list struct {
	cols []column
	// each calls emit for every row, in order.
	each func(ctx context.Context, emit func(cells []any) error) error
}

// Write writes the list to w as XLSX and reports how many rows it held.
// Nothing is written to w when the query fails.
func (s *Service) Write(ctx context.Context, w io.Writer, scope model.Scope, who audit.Actor, name string) (int, error) {
	if scope.Kind != model.ScopeRegion && scope.Kind != model.ScopeSystem {
		return 0, apperr.New(apperr.Forbidden, "forbidden", "只有管理人员可以导出清单")
	}
	var l list
	switch name {
	case OverduePayments:
		l = s.overduePayments(scope)
	case UnvisitedHouseholds:
		l = s.unvisitedHouseholds(scope)
	case ZeroEmployment:
		l = s.zeroEmployment(scope)
	case LateReports:
		l = s.lateReports(scope)
	default:
		return 0, ErrUnknown
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := Title(name)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	if err := header(f, sw, l.cols); err != nil {
		return 0, err
	}
	rows, overflow := 0, 0
	err = l.each(ctx, func(cells []any) error {
		if rows >= maxRows-1 {
			overflow++
			return nil
		}
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, rows+1)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return 0, err
	}
	if overflow > 0 {
		cell, _ := excelize.CoordinatesToCellName(1, rows+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("还有%d行未列出：超过了一张工作表的行数，请缩小区域后分别导出", overflow)}); err != nil {
			return 0, err
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if err := s.audit.Record(ctx, nil, who, audit.Event{Action: "export." + name, TargetKind: "export",
		RegionCode: scopePrefix(scope), Detail: map[string]any{"rows": rows + overflow}}); err != nil {
		return 0, err
	}
	_, err = f.WriteTo(w)
	return rows + overflow, err
}

func header(f *excelize.File, sw *excelize.StreamWriter, cols []column) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: bold, Value: c.header}
	}
	return sw.SetRow("A1", cells)
}

func scopePrefix(s model.Scope) string {
	if s.Kind == model.ScopeRegion {
		return s.RegionPrefix
	}
	return ""
}

// today is the date in the county's zone.
func (s *Service) today() model.Date { return model.DateOf(s.o.Now().In(s.o.Location)) }

// shown formats a stored UTC time in the county's zone.
func (s *Service) shown(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(s.o.Location).Format("2006-01-02 15:04")
}

func yuan(fen int64) float64 { return float64(fen) / 100 }
