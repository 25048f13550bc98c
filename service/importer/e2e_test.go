package importer

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
)

// End-to-end: each file in testdata, as counties' systems export them,
// read by the decoder of its kind against the fixture county.

func fxOptions(t *testing.T) Options {
	return Options{Items: testItems(t), Lookups: fxLookups(), Today: model.Date{Year: 2024, Month: 10, Day: 8}}
}

// decodeFile reads a testdata file with each XLSX engine (or once for CSV)
// and checks that the engines agree.
func decodeFile[T any](t *testing.T, name string, open func(Source, Options) (*Decoder[T], error)) ([]T, [][]Rejection, SourceInfo, *Header) {
	t.Helper()
	var first []T
	var firstRej [][]Rejection
	var info SourceInfo
	var header *Header
	engines := []OpenOptions{{}}
	if strings.HasSuffix(name, ".xlsx") {
		engines = append(engines, OpenOptions{Excelize: true})
	}
	for i, eng := range engines {
		src, err := Open(filepath.Join("testdata", name), eng)
		if err != nil {
			t.Fatal(err)
		}
		d, err := open(src, fxOptions(t))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var recs []T
		var rejs [][]Rejection
		for d.Next() {
			rec, rej := d.Record()
			recs = append(recs, rec)
			rejs = append(rejs, append([]Rejection(nil), rej...))
		}
		if err := d.Err(); err != nil {
			t.Fatal(err)
		}
		if st := d.Stats(); st.Rows != len(recs) {
			t.Fatalf("stats %+v for %d rows", st, len(recs))
		}
		src.Close()
		if i == 0 {
			first, firstRej, info, header = recs, rejs, src.Info(), d.Header()
		} else if !reflect.DeepEqual(recs, first) || !reflect.DeepEqual(rejs, firstRej) {
			t.Fatalf("%s: excelize and the built-in reader disagree", name)
		}
	}
	return first, firstRej, info, header
}

func noRejections(t *testing.T, rejs [][]Rejection) {
	t.Helper()
	for _, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("refused: %+v", r)
		}
	}
}

func TestFileRegionsGBKWithTitle(t *testing.T) {
	recs, rejs, info, h := decodeFile(t, "regions_gbk_title.csv", NewRegionDecoder)
	noRejections(t, rejs)
	if info.Encoding != "gb18030" || h.LastRow != 2 || len(recs) != len(fxRegions()) {
		t.Fatalf("%+v, header row %d, %d rows", info, h.LastRow, len(recs))
	}
	if got := recs[2]; got.Row != 5 || got.Code != "410122100201" || got.Name != "测试村委会" || got.Level != model.LevelVillage ||
		got.ParentCode != "410122100000" || *got.RuralPopulation != 1500 {
		t.Fatalf("%+v", got)
	}
	if !reflect.DeepEqual(h.Ignored, []string{"城乡分类代码"}) {
		t.Fatalf("ignored %v", h.Ignored)
	}
}

func TestFileHouseholdsUTF8BOM(t *testing.T) {
	recs, rejs, info, _ := decodeFile(t, "households_utf8_bom.csv", NewHouseholdDecoder)
	noRejections(t, rejs)
	if info.Encoding != "utf-8-bom" || len(recs) != 8 {
		t.Fatalf("%+v, %d rows", info, len(recs))
	}
	for i, h := range fxHouseholds() {
		r := recs[i]
		if r.Row != i+2 || r.HouseholdNo != h.no || r.RegionCode != h.village || r.HeadIDCard != h.members[0].id || r.HeadName != h.members[0].name {
			t.Fatalf("row %d: %+v, want household %+v", i+2, r, h)
		}
	}
	if recs[2].Class != model.ClassMonitorMarginal || recs[4].Class != model.ClassMonitorUnstable || recs[6].Class != model.ClassMonitorSudden {
		t.Fatalf("classes %s %s %s", recs[2].Class, recs[4].Class, recs[6].Class)
	}
}

func TestFileMembersMergedHeaderXLSX(t *testing.T) {
	recs, rejs, info, h := decodeFile(t, "members_merged_header.xlsx", NewMemberDecoder)
	noRejections(t, rejs)
	if info.Sheet != "家庭成员" || h.LastRow != 3 || len(recs) != 24 {
		t.Fatalf("%+v, header row %d, %d rows", info, h.LastRow, len(recs))
	}
	if h.Name("id_card") != "身份证号码" || h.Name("household_no") != "户编号" || h.Name("labour") != "劳动技能" {
		t.Fatalf("header names %q %q %q", h.Name("id_card"), h.Name("household_no"), h.Name("labour"))
	}
	first, last := recs[0], recs[len(recs)-1]
	if first.Row != 4 || first.Phone != "13800138004" || first.LabourCapacity != model.CapacityFull || *first.WishToWork != true {
		t.Fatalf("%+v", first)
	}
	if last.Row != 27 || last.LabourCapacity != model.CapacityNone || *last.InSchool != true || last.Gender != "F" {
		t.Fatalf("%+v", last)
	}
}

func TestFilePaymentsTwoRowHeaderXLSX(t *testing.T) {
	recs, rejs, _, h := decodeFile(t, "payments_two_row_header.xlsx", NewPaymentDecoder)
	noRejections(t, rejs)
	if h.LastRow != 3 || len(recs) != 24 || h.Name("amount") != "发放金额(元)" || h.Name("period") != "发放期间" {
		t.Fatalf("header row %d, %d rows, amount %q", h.LastRow, len(recs), h.Name("amount"))
	}
	want := PaymentRow{Row: 4, HouseholdNo: "410122100201000001", IDCard: fxHouseholds()[0].members[0].id, Name: "测试甲一",
		ItemCode: "dibao", Payee: "household", Period: "2024-09", AmountFen: 45500,
		DueDate: d(2024, 9, 30), PaidDate: d(2024, 9, 25), Status: "paid", CardLast4: "0000"}
	if !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("%+v\nwant %+v", recs[0], want)
	}
	if r := recs[1]; r.ItemCode != "farmland_protection" || r.Period != "2024" || r.AmountFen != 8050 {
		t.Fatalf("%+v", r)
	}
	if r := recs[2]; r.ItemCode != "public_welfare_job" || r.Payee != "member" || r.IDCard != fxHouseholds()[0].members[1].id {
		t.Fatalf("%+v", r)
	}
	statuses := map[string]int{}
	for _, r := range recs {
		statuses[r.Status]++
	}
	if statuses["paid"] == 0 || statuses["scheduled"] == 0 || statuses["failed"] == 0 {
		t.Fatalf("statuses %v", statuses)
	}
}

func TestFilePaymentsGBKSerialDates(t *testing.T) {
	recs, rejs, info, h := decodeFile(t, "payments_gbk_serial_dates.csv", NewPaymentDecoder)
	noRejections(t, rejs)
	if info.Encoding != "gb18030" || h.LastRow != 3 || len(recs) != 16 {
		t.Fatalf("%+v, header row %d, %d rows", info, h.LastRow, len(recs))
	}
	if r := recs[0]; r.ItemCode != "forest_eco" || r.Period != "2024" || r.AmountFen != 100000 || r.DueDate != d(2024, 9, 30) ||
		r.PaidDate != d(2024, 9, 25) || r.CardLast4 != "5000" || r.BatchNo != "2024-1" {
		t.Fatalf("%+v", r)
	}
	if r := recs[1]; r.Status != model.PaymentReturned || r.FailureReason != "户名与卡号不符" || r.AmountFen != 9000 || r.Payee != "member" {
		t.Fatalf("%+v", r)
	}
	// The blank line after the fourth household still counts as a row.
	if recs[7].Row != 11 || recs[8].Row != 13 || recs[15].Row != 20 {
		t.Fatalf("rows %d %d %d", recs[7].Row, recs[8].Row, recs[15].Row)
	}
}

func TestFilePaymentsEveryBadRow(t *testing.T) {
	_, rejs, _, _ := decodeFile(t, "payments_bad_rows.csv", NewPaymentDecoder)
	want := []struct{ column, reason string }{
		{"", ""}, // the good row
		{"户编号", "与第2行重复"},
		{"户编号", "至少填一项"},
		{"户编号", "没有这个户编号"},
		{"身份证号", "校验位"},
		{"身份证号", "科学计数法"},
		{"身份证号", "不属于户编号"},
		{"身份证号", "按人发放"},
		{"补贴项目", "不认识"},
		{"发放金额", "负数"},
		{"发放金额", "两位小数"},
		{"发放金额", "不能为0"},
		{"发放金额", "不是金额"},
		{"发放金额", "千分位"},
		{"应发日期", "不存在"},
		{"应发日期", "无法识别"},
		{"发放期间", "应写到月"},
		{"发放期间", "至少填一项"},
		{"发放日期", "没有填发放日期"},
		{"发放日期", "待发放"},
		{"发放日期", "发放失败"},
		{"发放状态", "不是可用的发放状态"},
		{"发放日期", "晚于今天"},
		{"银行卡号后四位", "4位"},
		{"发放批次", "过长"},
	}
	if len(rejs) != len(want) {
		t.Fatalf("%d rows, want %d", len(rejs), len(want))
	}
	for i, w := range want {
		got := rejs[i]
		if w.reason == "" {
			if len(got) != 0 {
				t.Errorf("row %d refused: %+v", i+2, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Row != i+2 || got[0].Column != w.column || !strings.Contains(got[0].Reason, w.reason) {
			t.Errorf("row %d: %+v, want one rejection of %s mentioning %s", i+2, got, w.column, w.reason)
		}
	}
}

func TestFileJobsRenshe(t *testing.T) {
	recs, rejs, _, _ := decodeFile(t, "jobs_renshe.csv", NewJobDecoder)
	noRejections(t, rejs)
	if len(recs) != 6 {
		t.Fatalf("%d rows", len(recs))
	}
	kinds := []string{JobPark, JobMigrant, JobPublicWelfare, JobWorkshop, JobWorkRelief, JobGig}
	units := []string{WageMonth, WageMonth, WageMonth, WagePiece, WageDay, WageDay}
	for i, r := range recs {
		if r.Kind != kinds[i] || r.WageUnit != units[i] {
			t.Errorf("row %d: kind %s unit %s", r.Row, r.Kind, r.WageUnit)
		}
	}
	if r := recs[1]; !r.Lodging || r.Meals || !r.Transport || *r.AgeMax != 45 || r.RegionCode != "441900000000" {
		t.Fatalf("%+v", r)
	}
	if r := recs[4]; !reflect.DeepEqual(r.SkillTags, []string{"力工", "瓦工"}) || r.PhysicalDemand != PhysicalHeavy {
		t.Fatalf("%+v", r)
	}
	if recs[2].ContactPhone != "0371-12345678" || recs[3].WageMinFen != 50 {
		t.Fatalf("%+v %+v", recs[2], recs[3])
	}
}

func TestFileCadresXLSX(t *testing.T) {
	recs, rejs, _, _ := decodeFile(t, "cadres.xlsx", NewCadreDecoder)
	noRejections(t, rejs)
	kinds := []string{CadreFirstSecretary, CadreWorkTeam, CadreResponsible, CadreVillageCommittee, CadreCountyLeader}
	for i, c := range fxCadres() {
		r := recs[i]
		if r.Name != c.name || r.IDCard != c.id || r.Phone != c.phone || r.Kind != kinds[i] || r.RegionCode != c.region {
			t.Fatalf("%+v, want %+v", r, c)
		}
	}
}

func TestFilePairingsUTF16Tabs(t *testing.T) {
	recs, rejs, info, _ := decodeFile(t, "pairings_utf16_tab.txt", NewPairingDecoder)
	noRejections(t, rejs)
	if info.Encoding != "utf-16le" || info.Delimiter != '\t' || len(recs) != 11 {
		t.Fatalf("%+v, %d rows", info, len(recs))
	}
	roles := map[string]int{}
	for _, r := range recs {
		roles[r.Role]++
		if r.StartedOn.IsZero() {
			t.Fatalf("%+v", r)
		}
	}
	if roles[model.RoleLeader] != 3 || roles[model.RoleWorkTeam] == 0 || roles[model.RoleResponsible] == 0 {
		t.Fatalf("roles %v", roles)
	}
}

// TestCheckAndReportFromFile runs the dry run over the bad file into both
// report formats.
func TestCheckAndReportFromFile(t *testing.T) {
	for _, format := range []string{FormatCSV, FormatXLSX} {
		src, err := Open(filepath.Join("testdata", "payments_bad_rows.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var buf strings.Builder
		w, _ := NewReport(&buf, format)
		stats, err := Check(KindPayments, src, fxOptions(t), w.Write)
		src.Close()
		if err != nil || w.Close() != nil {
			t.Fatal(err)
		}
		if stats.Rows != 25 || stats.Rejected != 24 {
			t.Fatalf("%+v", stats)
		}
		rep, err := OpenReader(strings.NewReader(buf.String()), "report."+format)
		if err != nil {
			t.Fatal(err)
		}
		if rows := readAll(t, rep); len(rows) != 25 || rows[1].Cells[0] != "3" {
			t.Fatalf("%s report: %v", format, rows)
		}
	}
}
