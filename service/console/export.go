package console

import (
	"context"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// MaxExportRows caps one export: a county has tens of thousands of
// households; more than this is a province, to be exported by county.
const MaxExportRows = 200000

// ErrExportTooLarge asks for a narrower export.
var ErrExportTooLarge = apperr.New(apperr.TooLarge, "export_too_large", "导出的行数过多，请按乡镇或村分批导出")

// sheet streams rows into one worksheet; excelize spills to a temporary
// file past a few MB, so memory stays flat.
type sheet struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

func newSheet(name string, head []string, widths []float64) (*sheet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return &sheet{f: f, sw: sw, row: 1}, nil
}

func (s *sheet) add(cells ...any) error {
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, cells)
}

func (s *sheet) close(w io.Writer) error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return err
	}
	_, err := s.f.WriteTo(w)
	return err
}

// ExportHouseholds writes the filtered household list as XLSX to w, phone
// numbers masked. A bulk read of people's records, so it is audited with
// the filter and the row count before a byte is written.
func (s *Service) ExportHouseholds(ctx context.Context, scope model.Scope, who audit.Actor, f HouseholdFilter, w io.Writer) error {
	q, err := s.householdQuery(ctx, scope, f)
	if err != nil {
		return err
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n > MaxExportRows {
		return ErrExportTooLarge
	}
	narrowed, _ := Narrow(scope, f.Region)
	if err := s.audit.Record(ctx, nil, who, audit.Event{Action: "household.export", TargetKind: "household", RegionCode: prefixOf(narrowed),
		Detail: map[string]any{"rows": n, "filter": filterDetail(f)}}); err != nil {
		return err
	}
	sh, err := newSheet("农户", []string{"户编号", "户主", "乡镇", "村", "户类别", "帮扶等级", "人口", "劳动力", "联系电话", "风险标识", "帮扶干部", "最近走访"},
		[]float64{18, 10, 10, 10, 14, 10, 6, 8, 14, 24, 18, 18})
	if err != nil {
		return err
	}
	after := int64(0)
	for {
		q, _ := s.householdQuery(ctx, scope, f)
		var hs []model.Household
		if err := q.Select("h.*").Where("h.id > ?", after).Order("h.id").Limit(500).Find(&hs).Error; err != nil {
			sh.f.Close()
			return err
		}
		if len(hs) == 0 {
			break
		}
		after = hs[len(hs)-1].ID
		rows, err := s.householdRows(ctx, hs)
		if err != nil {
			sh.f.Close()
			return err
		}
		for _, r := range rows {
			flags := make([]string, len(r.Flags))
			for i, fl := range r.Flags {
				flags[i] = fl.Name
			}
			level := "常规"
			if r.SupportLevel == model.SupportElevated {
				level = "提级帮扶"
			}
			last := ""
			if r.LastVisitAt != nil {
				last = r.LastVisitAt.In(s.o.Location).Format("2006-01-02 15:04")
			}
			if err := sh.add(r.HouseholdNo, r.HeadName, r.TownName, r.VillageName, r.ClassName, level, r.Size, r.LabourCount, r.Phone,
				strings.Join(flags, "、"), strings.Join(r.Cadres, "、"), last); err != nil {
				sh.f.Close()
				return err
			}
		}
	}
	return sh.close(w)
}

// ExportCadres writes the filtered cadre list as XLSX to w, phones masked.
func (s *Service) ExportCadres(ctx context.Context, scope model.Scope, who audit.Actor, f CadreFilter, w io.Writer) error {
	q, err := s.cadreQuery(ctx, scope, f)
	if err != nil {
		return err
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n > MaxExportRows {
		return ErrExportTooLarge
	}
	narrowed, _ := Narrow(scope, f.Region)
	if err := s.audit.Record(ctx, nil, who, audit.Event{Action: "cadre.export", TargetKind: "cadre", RegionCode: prefixOf(narrowed),
		Detail: map[string]any{"rows": n}}); err != nil {
		return err
	}
	sh, err := newSheet("帮扶干部", []string{"姓名", "类别", "单位", "职务", "服务地区", "联系电话", "在岗", "已绑定微信", "结对户数", "走访逾期户数", "近30天走访"},
		[]float64{10, 14, 18, 12, 12, 14, 6, 10, 8, 12, 10})
	if err != nil {
		return err
	}
	after := int64(0)
	for {
		q, _ := s.cadreQuery(ctx, scope, f)
		var cs []model.Cadre
		if err := q.Select("c.*").Where("c.id > ?", after).Order("c.id").Limit(500).Find(&cs).Error; err != nil {
			sh.f.Close()
			return err
		}
		if len(cs) == 0 {
			break
		}
		after = cs[len(cs)-1].ID
		rows, err := s.cadreRows(ctx, cs)
		if err != nil {
			sh.f.Close()
			return err
		}
		for _, r := range rows {
			if err := sh.add(r.Name, r.KindName, r.Organization, r.Position, r.RegionName, r.Phone, yesNo(r.Status == "active"), yesNo(r.Bound),
				r.Paired, r.VisitsOverdue, r.Visits30d); err != nil {
				sh.f.Close()
				return err
			}
		}
	}
	return sh.close(w)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func filterDetail(f HouseholdFilter) map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"region": f.Region, "class": f.Class, "support_level": f.SupportLevel, "status": f.Status,
		"flag": f.Flag, "visit": f.Visit, "paired": f.Paired, "q": f.Q} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// ExportName is a file name for an export made now: 农户_20261123.xlsx.
func (s *Service) ExportName(what string) string {
	return what + "_" + s.o.Now().In(s.o.Location).Format("20060102") + ".xlsx"
}
