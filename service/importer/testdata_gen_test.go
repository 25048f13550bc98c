package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestGenerateTestdata writes the files under testdata from the fixture
// county. It runs only when asked, so the committed files stay what the
// tests read:
//
//	XB_UPDATE_TESTDATA=1 go test ./service/importer -run TestGenerateTestdata
func TestGenerateTestdata(t *testing.T) {
	if os.Getenv("XB_UPDATE_TESTDATA") == "" {
		t.Skip("set XB_UPDATE_TESTDATA=1 to rewrite testdata")
	}
	for name, gen := range map[string]func() ([]byte, error){
		"regions_gbk_title.csv":         genRegionsGBK,
		"households_utf8_bom.csv":       genHouseholdsBOM,
		"members_merged_header.xlsx":    genMembersXLSX,
		"payments_two_row_header.xlsx":  genPaymentsXLSX,
		"payments_gbk_serial_dates.csv": genPaymentsGBK,
		"payments_bad_rows.csv":         genPaymentsBad,
		"jobs_renshe.csv":               genJobsCSV,
		"cadres.xlsx":                   genCadresXLSX,
		"pairings_utf16_tab.txt":        genPairingsUTF16,
	} {
		data, err := gen()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func csvBytes(rows [][]string, delim rune) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = delim
	w.UseCRLF = true
	w.WriteAll(rows)
	return buf.Bytes()
}

// genRegionsGBK is a county's 统计用区划代码 list as Chinese Excel saves
// CSV: GBK, a title row, an extra column.
func genRegionsGBK() ([]byte, error) {
	rows := [][]string{{"测试县2024年统计用区划代码"}, {"代码", "名称", "上级代码", "城乡分类代码", "农村人口"}}
	for i, r := range fxRegions() {
		pop := ""
		if r.code[9:] != "000" {
			pop = fmt.Sprint(1200 + 150*i)
		}
		rows = append(rows, []string{r.code, r.name, r.parent, "220", pop})
	}
	return gbk(string(csvBytes(rows, ','))), nil
}

// genHouseholdsBOM is a 防返贫监测 household export: UTF-8 with a BOM,
// header variants, a 序号 column, ID numbers text-forced two ways, village
// names instead of codes for some rows.
func genHouseholdsBOM() ([]byte, error) {
	rows := [][]string{{"序号", "户码", "户主", "户主证件号码", "手机号码", "所属乡镇", "村名", "行政区划代码", "户类型", "监测对象类别", "家庭人口", "劳动力数", "住址"}}
	for i, h := range fxHouseholds() {
		id := h.members[0].id
		switch i % 3 {
		case 1:
			id = "=\"" + id + "\""
		case 2:
			id = "'" + id
		}
		code := h.village
		if i%2 == 1 {
			code = "" // found from 所属乡镇 and 村名
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), h.no, h.members[0].name, id, h.phone, h.town, h.villageName, code,
			h.class, h.monitor, "3", "2", h.address})
	}
	return append([]byte("\xef\xbb\xbf"), csvBytes(rows, ',')...), nil
}

// genMembersXLSX has a merged title, a two-row header with merged group
// cells, phones stored as numbers, and styled blank rows at the end.
func genMembersXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	s := "家庭成员"
	f.SetSheetName("Sheet1", s)
	f.SetCellStr(s, "A1", "测试县脱贫人口家庭成员信息表")
	f.MergeCell(s, "A1", "I1")
	f.SetCellStr(s, "A2", "户编号")
	f.MergeCell(s, "A2", "A3")
	f.SetCellStr(s, "B2", "成员信息")
	f.MergeCell(s, "B2", "D2")
	f.SetSheetRow(s, "B3", &[]any{"姓名", "身份证号码", "与户主关系"})
	f.SetCellStr(s, "E2", "联系电话")
	f.MergeCell(s, "E2", "E3")
	f.SetCellStr(s, "F2", "劳动力情况")
	f.MergeCell(s, "F2", "H2")
	f.SetSheetRow(s, "F3", &[]any{"劳动技能", "在校生状况", "务工意愿"})
	f.SetCellStr(s, "I2", "备注")
	f.MergeCell(s, "I2", "I3")
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	r := 4
	for _, h := range fxHouseholds() {
		for j, m := range h.members {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			var phone any
			if j == 0 {
				phone = 13800138000 + r // a phone typed as a number
			}
			f.SetSheetRow(s, cell, &[]any{h.no, m.name, m.id, m.relation, phone, m.labour, m.school, m.wish})
			f.SetCellStyle(s, cell, cell, text)
			r++
		}
	}
	grey, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	end, _ := excelize.CoordinatesToCellName(9, r+20)
	start, _ := excelize.CoordinatesToCellName(1, r)
	f.SetCellStyle(s, start, end, grey) // trailing blank rows, styled
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	return buf.Bytes(), err
}

// genPaymentsXLSX is a 一卡通 export: a title, a two-row header with
// "发放金额" over "(元)" and group cells, dates as real Excel dates, amounts
// as numbers and as text, card digits kept as text, trailing blank rows.
func genPaymentsXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	s := "发放明细"
	f.SetSheetName("Sheet1", s)
	f.SetCellStr(s, "A1", "测试县惠民惠农财政补贴资金“一卡通”发放明细表（2024年9月）")
	f.MergeCell(s, "A1", "K1")
	for col, h := range map[string]string{"A2": "序号", "B2": "户编号", "C2": "持卡人姓名", "D2": "身份证号", "E2": "补贴信息",
		"G2": "发放金额", "H2": "应发日期", "I2": "发放日期", "J2": "发放状态", "K2": "卡号后四位"} {
		f.SetCellStr(s, col, h)
	}
	for _, m := range []string{"A", "B", "C", "D", "H", "I", "J", "K"} {
		f.MergeCell(s, m+"2", m+"3")
	}
	f.MergeCell(s, "E2", "F2")
	f.SetSheetRow(s, "E3", &[]any{"补贴项目", "发放期间"})
	f.SetCellStr(s, "G3", "(元)")
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	r := 4
	due := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	for i, h := range fxHouseholds() {
		head := h.members[0]
		items := []struct {
			item, period string
			amount       any
			payee        fxMember
		}{
			{"农村低保", "2024-09", 455.0, head},
			{"耕地地力保护补贴", "2024", fmt.Sprintf("%d.50", 80+i), head},
			{"公益性岗位补贴", "2024年9月", 800, h.members[1]},
		}
		for j, it := range items {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			status, paid := "已发放", any(due.AddDate(0, 0, -5+j))
			switch (i + j) % 5 {
			case 3:
				status, paid = "待发放", nil
			case 4:
				status, paid = "发放失败", nil
			}
			f.SetSheetRow(s, cell, &[]any{r - 3, h.no, it.payee.name, it.payee.id, it.item, it.period, it.amount, due, paid, status, fmt.Sprintf("%04d", (i*37+j)%10000)})
			f.SetCellStyle(s, "H"+fmt.Sprint(r), "I"+fmt.Sprint(r), date)
			f.SetCellStyle(s, "G"+fmt.Sprint(r), "G"+fmt.Sprint(r), money)
			f.SetCellStyle(s, "K"+fmt.Sprint(r), "K"+fmt.Sprint(r), text)
			r++
		}
	}
	grey, _ := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}})
	f.SetCellStyle(s, fmt.Sprintf("A%d", r), fmt.Sprintf("K%d", r+30), grey)
	f.SetCellStr(s, fmt.Sprintf("C%d", r+31), " ")
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	return buf.Bytes(), err
}

// genPaymentsGBK is a platform CSV dump: GBK, a title and a date line,
// Excel serial numbers for dates, amounts with 元 and separators, and a
// blank line in the middle.
func genPaymentsGBK() ([]byte, error) {
	rows := [][]string{
		{"一卡通补贴资金发放明细"},
		{"导出时间：2024-10-08 09:30"},
		{"户编号", "姓名", "公民身份号码", "补贴名称", "所属期", "批次号", "补贴金额(元)", "应发放日期", "到账日期", "支付状态", "银行卡号", "失败原因"},
	}
	for i, h := range fxHouseholds() {
		disabled := h.members[2]
		rows = append(rows,
			[]string{h.no, h.members[0].name, h.members[0].id, "森林生态效益补偿", "2024年度", "2024-1", fmt.Sprintf("1,%03d.00元", 100*i), "45565", "45560", "已到账", "6217000012345" + fmt.Sprintf("%03d", i), ""},
			[]string{h.no, disabled.name, disabled.id, "困难残疾人生活补贴", "2024年9月", "", "￥90", "45565", "", "退回", "", "户名与卡号不符"},
		)
		if i == 3 {
			rows = append(rows, []string{}) // an empty line: still a row number
		}
	}
	return gbk(string(csvBytes(rows, ','))), nil
}

// genPaymentsBad has one row for each way a payment row goes wrong; the
// 问题 column says which, and the importer ignores it.
func genPaymentsBad() ([]byte, error) {
	h := fxHouseholds()[0]
	id := h.members[0].id
	other := fxHouseholds()[1].no
	bad := id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11])
	rows := [][]string{{"户编号", "身份证号", "补贴项目", "发放期间", "发放批次", "发放金额", "应发日期", "发放日期", "发放状态", "银行卡号后四位", "失败原因", "问题"}}
	add := func(problem string, cells ...string) { rows = append(rows, append(cells, problem)) }
	add("正常", h.no, "", "农村低保", "2024-09", "", "455", "2024-09-30", "2024-09-25", "已发放", "1234", "")
	add("重复", h.no, "", "农村低保", "2024-09", "", "455", "2024-09-30", "2024-09-25", "已发放", "1234", "")
	add("户编号和身份证号都空", "", "", "农村低保", "2024-09", "B2", "455", "2024-09-30", "", "", "", "")
	add("户编号不存在", "410122100201999999", "", "农村低保", "2024-09", "B3", "455", "2024-09-30", "", "", "", "")
	add("身份证校验位错", "", bad, "农村低保", "2024-09", "B4", "455", "2024-09-30", "", "", "", "")
	add("身份证号变成科学计数法", "", "4.19999E+17", "农村低保", "2024-09", "B5", "455", "2024-09-30", "", "", "", "")
	add("身份证号不属于该户", other, id, "农村低保", "2024-09", "B6", "455", "2024-09-30", "", "", "", "")
	add("按人发放缺身份证号", h.no, "", "特困供养", "2024-09", "B7", "455", "2024-09-30", "", "", "", "")
	add("未知补贴项目", h.no, "", "种猪补贴", "2024-09", "B8", "455", "2024-09-30", "", "", "", "")
	add("金额为负", h.no, "", "农村低保", "2024-09", "B9", "-455", "2024-09-30", "", "", "", "")
	add("金额三位小数", h.no, "", "农村低保", "2024-09", "B10", "455.005", "2024-09-30", "", "", "", "")
	add("金额为0", h.no, "", "农村低保", "2024-09", "B11", "0", "2024-09-30", "", "", "", "")
	add("金额不是数字", h.no, "", "农村低保", "2024-09", "B12", "四百五", "2024-09-30", "", "", "", "")
	add("千分位错", h.no, "", "农村低保", "2024-09", "B13", "4,55", "2024-09-30", "", "", "", "")
	add("日期不存在", h.no, "", "农村低保", "2024-09", "B14", "455", "2024-02-30", "", "", "", "")
	add("日期格式不明", h.no, "", "农村低保", "2024-09", "B15", "455", "30/09/2024", "", "", "", "")
	add("期间粒度不够", h.no, "", "农村低保", "2024", "B16", "455", "2024-09-30", "", "", "", "")
	add("期间和应发日期都空", h.no, "", "农村低保", "", "B17", "455", "", "", "", "", "")
	add("已发放无发放日期", h.no, "", "农村低保", "2024-09", "B18", "455", "2024-09-30", "", "已发放", "", "")
	add("待发放有发放日期", h.no, "", "农村低保", "2024-09", "B19", "455", "2024-09-30", "2024-09-20", "待发放", "", "")
	add("失败却有发放日期", h.no, "", "农村低保", "2024-09", "B20", "455", "2024-09-30", "2024-09-20", "发放失败", "", "卡已冻结")
	add("未知状态", h.no, "", "农村低保", "2024-09", "B21", "455", "2024-09-30", "", "审核中", "", "")
	add("发放日期在未来", h.no, "", "农村低保", "2024-09", "B22", "455", "2024-09-30", "2024-12-01", "已发放", "", "")
	add("卡号后四位不足", h.no, "", "农村低保", "2024-09", "B23", "455", "2024-09-30", "2024-09-25", "已发放", "123", "")
	add("批次过长", h.no, "", "农村低保", "2024-09", strings.Repeat("批", 65), "455", "2024-09-30", "", "", "", "")
	return append([]byte("\xef\xbb\xbf"), csvBytes(rows, ',')...), nil
}

// genJobsCSV is a 人社 job list: UTF-8 without BOM, its own header words.
func genJobsCSV() ([]byte, error) {
	rows := [][]string{
		{"岗位编号", "岗位类别", "招聘岗位", "招聘单位", "工作地点代码", "工作地址", "薪资待遇", "招聘人数", "技能要求", "年龄要求", "体力要求", "是否包吃住", "交通补贴", "联系人", "联系电话", "有效期"},
		{"RS2024090001", "县城周边园区", "包装工", "测试食品有限公司", "410122000000", "测试产业园8号", "3000-4500元/月", "20", "包装、叉车", "18-55岁", "中", "包吃住", "否", "测试丑一", "13700137001", "2024-09-01至2024-12-31"},
		{"RS2024090002", "外出务工", "电子装配工", "测试电子（东莞）有限公司", "441900000000", "广东省东莞市", "5000-7000元/月", "100", "", "18-45周岁", "轻", "包住不包吃", "是", "测试丑二", "13700137002", "2024-09-01至2025-02-28"},
		{"RS2024090003", "乡村公益性岗位", "保洁员", "测试村委会", "410122100201", "测试村", "800元/月", "2", "", "不限", "轻", "不包", "否", "测试丑三", "0371-12345678", "2024-09-01至2024-12-31"},
		{"RS2024090004", "帮扶车间", "手工编织", "测试编织车间", "410122100202", "东沟村", "0.5元/件", "30", "编织", "18岁以上", "轻", "不包", "否", "测试丑四", "13700137004", "2024-09-15至2025-06-30"},
		{"RS2024090005", "以工代赈", "道路施工", "测试建设工程有限公司", "410122101000", "二镇", "150-200元/天", "15", "力工,瓦工", "18-60岁", "重", "包吃", "否", "测试丑五", "13700137005", "2024-10-01至2024-11-30"},
		{"RS2024090006", "零工", "采摘工", "测试果园合作社", "410122101202", "北坡村", "日薪120", "10", "", "", "中", "不包", "否", "测试丑六", "13700137006", "2024-09-01至2024-10-31"},
	}
	return csvBytes(rows, ','), nil
}

// genCadresXLSX is a 帮扶干部 list with header variants.
func genCadresXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	s := "Sheet1"
	f.SetSheetRow(s, "A1", &[]any{"干部姓名", "身份证号码", "手机号码", "帮扶身份", "派出单位", "现任职务", "帮扶村代码"})
	for i, c := range fxCadres() {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow(s, cell, &[]any{c.name, c.id, c.phone, c.kind, c.org, c.position, c.region})
	}
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	return buf.Bytes(), err
}

// genPairingsUTF16 is Excel's "Unicode 文本" export: UTF-16LE with a BOM,
// tab-separated.
func genPairingsUTF16() ([]byte, error) {
	rows := [][]string{{"帮扶责任人", "帮扶责任人联系电话", "户编号", "户主姓名", "帮扶类型", "结对时间"}}
	cadres := fxCadres()
	for i, h := range fxHouseholds() {
		c := cadres[i%4]
		role := "帮扶责任人"
		if c.kind == "驻村工作队员" || c.kind == "驻村第一书记" {
			role = "驻村工作队"
		}
		rows = append(rows, []string{c.name, c.phone, h.no, h.members[0].name, role, "2024/3/1"})
		if h.monitor != "" {
			rows = append(rows, []string{cadres[4].name, cadres[4].phone, h.no, h.members[0].name, "县级领导包联", "2024年6月1日"})
		}
	}
	return utf16le(string(csvBytes(rows, '\t'))), nil
}
