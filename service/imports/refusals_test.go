package imports

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

// The fixture county's people, as its files name them.
const (
	hhJia   = "410122100201000001" // 测试甲一's household, 测试村 (测试镇)
	hhYi    = "410122100202000002" // 测试乙一's, 东沟村 (测试镇)
	hhDing  = "410122101201000004" // 测试丁一's, 南岗村 (二镇)
	idJia1  = "419999195001010015" // 测试甲一, head of hhJia
	idJia3  = "419999200506070041" // 测试甲三, daughter in hhJia
	idYi1   = "419999195101010119" // 测试乙一, head of hhYi
	idDing1 = "419999195301010316" // 测试丁一, head of hhDing
)

var (
	idRen1   = withCheckDigit("41999919800101901") // cadre 测试壬一
	noSuchID = withCheckDigit("41999919900101001") // valid, nobody's
)

func withCheckDigit(first17 string) string { return first17 + string(pii.IDCheckDigit(first17)) }

type refusal struct {
	row    string
	column string
	reason string
}

// TestRowsTheDatabaseRefuses covers every check that needs stored data or
// the importer's scope, kind by kind, on the loaded fixture county: the
// decoders' own checks are service/importer's tests.
func TestRowsTheDatabaseRefuses(t *testing.T) {
	tests := []struct {
		name  string
		kind  importer.Kind
		scope string // an official's prefix; "-" the command line
		rows  [][]string
		want  []refusal
	}{
		{"households", importer.KindHouseholds, "-", [][]string{
			{"户编号", "户主姓名", "户主身份证号", "行政区划代码", "所属乡镇", "所属村", "户类型"},
			{"410122100201000091", "测试新一", idYi1, "410122100201", "", "", "脱贫户"},
			{"410122100201000092", "测试新二", "", "", "测试镇", "不存在村", "脱贫户"},
			{"410122100201000093", "测试新三", "", "410122100299", "", "", "脱贫户"},
			{"410122100201000094", "测试新四", noSuchID, "410122100201", "", "", "脱贫户"},
			{"410122100201000095", "测试新五", noSuchID, "410122100201", "", "", "脱贫户"},
		}, []refusal{
			{"2", "户主身份证号", "已登记在户编号为" + hhYi + "的户中"},
			{"3", "所属村", "找不到这个村"},
			{"4", "行政区划代码", "不在已导入的行政区划中"},
			{"6", "户主身份证号", "与第5行重复"},
		}},
		{"households outside the scope", importer.KindHouseholds, "410122100", [][]string{
			{"户编号", "户主姓名", "行政区划代码", "户类型"},
			{hhDing, "测试丁一", "410122101201", "脱贫户"},
			{hhDing, "测试丁一", "410122100201", "脱贫户"},
		}, []refusal{
			{"2", "行政区划代码", "不在您的管辖范围"},
			{"3", "户编号", "已登记在您管辖范围以外的地区"},
		}},
		{"members", importer.KindMembers, "410122100", [][]string{
			{"户编号", "姓名", "身份证号"},
			{"410122100201999999", "测试新一", noSuchID},
			{hhDing, "测试丁一", idDing1},
			{hhJia, "测试丁一", idDing1},
		}, []refusal{
			{"2", "户编号", "没有这个户编号的户"},
			{"3", "户编号", "不在您的管辖范围"},
			{"4", "身份证号", "已登记在您管辖范围以外的户中"},
		}},
		{"payments", importer.KindPayments, "410122100", [][]string{
			{"户编号", "身份证号", "姓名", "补贴项目", "发放期间", "发放金额", "发放状态"},
			{"", noSuchID, "", "农村低保", "2024-10", "455", "待发放"},
			{"", idJia3, "测试甲二", "困难残疾人生活补贴", "2024-10", "90", "待发放"},
			{hhDing, "", "", "农村低保", "2024-10", "455", "待发放"},
			{hhJia, "", "", "农村低保", "2024-10", "455", "待发放"},
			{"", idJia1, "测试甲一", "农村低保", "2024-10", "455", "待发放"},
		}, []refusal{
			{"2", "身份证号", "不在已导入的家庭成员中"},
			{"3", "姓名", "姓名与该身份证号登记的姓名不一致"},
			{"4", "户编号", "不在您的管辖范围"},
			// The same household payment named by 户编号, then by the head's ID number.
			{"6", "身份证号", "与第5行重复"},
		}},
		{"cadres", importer.KindCadres, "410122100", [][]string{
			{"姓名", "身份证号", "联系电话", "干部类型", "所在区划代码"},
			{"测试壬一", noSuchID, "13900139001", "驻村第一书记", "410122100201"},
			{"测试新干", "", "13900139099", "帮扶责任人", "410122101000"},
			{"测试子一", "", "13900139005", "帮扶责任人", "410122100000"},
			{"测试新干", "", "13900139098", "帮扶责任人", "410122100000"},
			{"测试新干", "", "13900139098", "帮扶责任人", "410122100000"},
		}, []refusal{
			{"2", "身份证号", "登记了另一个身份证号"},
			{"3", "所在区划代码", "不在您的管辖范围"},
			{"4", "姓名", "已登记在您管辖范围以外的地区"},
			{"6", "姓名", "与第5行重复"},
		}},
		{"pairings", importer.KindPairings, "410122100", [][]string{
			{"干部姓名", "干部联系电话", "干部身份证号", "户编号", "户主姓名", "结对类型"},
			{"测试壬一", "13900139009", "", hhJia, "", "帮扶责任人"},
			{"测试壬一", "13900139001", "", hhJia, "测试乙一", "帮扶责任人"},
			{"测试壬一", "13900139001", "", hhDing, "", "帮扶责任人"},
			{"测试壬一", "", idRen1, hhJia, "", "驻村工作队"},
			{"测试壬一", "", idRen1, hhJia, "", "提级帮扶"},
		}, []refusal{
			{"2", "干部姓名", "找不到这位干部"},
			{"3", "户主姓名", "与这个户编号登记的户主不一致"},
			{"4", "户编号", "不在您的管辖范围"},
			{"6", "结对类型", "须为县处级或乡科级领导干部"},
			// The same pairing as the file loaded already, by ID number: a duplicate of nothing in this file.
		}},
		{"jobs", importer.KindJobs, "410122100", [][]string{
			{"岗位编号", "岗位类型", "岗位名称", "用工单位", "工作地点区划代码", "薪资范围", "招聘人数", "有效期止"},
			{"RS2024090005", "以工代赈", "道路施工", "测试建设工程有限公司", "410122100201", "150-200元/天", "15", "2024-11-30"},
			{"RS2024100001", "零工", "采摘工", "测试果园合作社", "410122101202", "120元/天", "10", "2024-10-31"},
			{"RS2024100002", "外出务工", "装配工", "测试电子有限公司", "441900000000", "5000元/月", "10", "2025-02-28"},
			{"RS2024100002", "外出务工", "装配工", "测试电子有限公司", "441900000000", "5000元/月", "10", "2025-02-28"},
			{"RS2024100003", "零工", "采摘工", "测试果园合作社", "410122100299", "120元/天", "10", "2024-10-31"},
		}, []refusal{
			{"2", "岗位编号", "已由您管辖范围以外的地区发布"},
			{"3", "工作地点区划代码", "不在您的管辖范围"},
			{"5", "岗位编号", "与第4行重复"},
			{"6", "工作地点区划代码", "不在已导入的行政区划中"},
		}},
		{"regions", importer.KindRegions, "410122100", [][]string{
			{"代码", "名称"},
			{"410122101203", "新村"},
			{"410122100204", "新村"},
		}, []refusal{
			{"2", "代码", "不在您的管辖范围"},
		}},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadCounty()
		before := dump(t, db)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				scope := func(r *Request) {}
				if tc.scope != "-" {
					scope = official(tc.scope)
				}
				res := e.run(tc.kind, writeCSV(t, string(tc.kind)+".csv", tc.rows), scope)
				if res.Status != model.ImportRejected || res.Rejected != len(tc.want) {
					t.Errorf("%+v", res)
				}
				report := readReport(t, res.ReportPath)
				for _, w := range tc.want {
					wantReason(t, report, w.row, w.column, w.reason)
				}
				if len(report) != len(tc.want) {
					t.Errorf("report %v", report)
				}
			})
		}
		sameDump(t, before, dump(t, db))
	})
}
