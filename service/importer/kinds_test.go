package importer

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
)

// Fake people for the tests: names like 测试甲一, ID numbers from area
// 419999 (no such county) with valid check digits.
var (
	idA = testID("41999919500101123") // head of H001
	idB = testID("41999919800304123") // member of H001
	idC = testID("41999920050607002") // member of H002
	idD = testID("41999919850607123") // a cadre
)

func testLookups() *MemLookups {
	return &MemLookups{
		Regions: map[string]string{
			"410122000000": "测试县",
			"410122100000": "测试镇", "410122100201": "测试村", "410122100202": "测试二村",
			"410122101000": "二镇", "410122101201": "测试村", "410122101202": "东沟村",
		},
		Households: map[string]bool{"H001": true, "H002": true},
		Members:    map[string]string{idA: "H001", idB: "H001", idC: "H002"},
		Cadres:     []MemCadre{{Name: "测试丁四", Phone: "13800138001", IDCard: idD}},
	}
}

func testOptions(t *testing.T) Options {
	return Options{Items: testItems(t), Lookups: testLookups(), Today: model.Date{Year: 2024, Month: 10, Day: 8}}
}

// decodeAll reads every row of a CSV text with the decoder made by open.
func decodeAll[T any](t *testing.T, open func(Source, Options) (*Decoder[T], error), opts Options, csv string) ([]T, [][]Rejection) {
	t.Helper()
	src, err := OpenReader(strings.NewReader(csv), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := open(src, opts)
	if err != nil {
		t.Fatal(err)
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
	return recs, rejs
}

// badRow is one row that must be refused: Column is the header the
// rejection names, Reason a fragment of its reason.
type badRow struct {
	name, row, column, reason string
}

// checkBadRows decodes header + each row (after the optional good row
// before) and checks the last row is refused as expected.
func checkBadRows[T any](t *testing.T, open func(Source, Options) (*Decoder[T], error), opts Options, header, before string, rows []badRow) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			text := header + "\n"
			if before != "" {
				text += before + "\n"
			}
			_, rejs := decodeAll(t, open, opts, text+tt.row+"\n")
			last := rejs[len(rejs)-1]
			for _, r := range last {
				if r.Column == tt.column && strings.Contains(r.Reason, tt.reason) {
					return
				}
			}
			t.Fatalf("rejections %+v\nwant column %q, reason containing %q", last, tt.column, tt.reason)
		})
	}
}

const paymentHeader = "户编号,身份证号,姓名,补贴项目,发放期间,发放批次,发放金额,应发日期,发放日期,发放状态,银行卡号后四位,失败原因"

func TestPaymentRows(t *testing.T) {
	opts := testOptions(t)
	csv := paymentHeader + "\n" +
		"H001,,测试甲一,农村低保,2024年9月,,\"1,234.50\",2024/9/30,2024年9月25日,已发放,0123,\n" +
		"H001," + idB + ",测试甲二,特困供养,,B2,￥500,2024-10-31,,,,\n" +
		"H002,,,耕地地力补贴,2024,,88.8元,,,发放失败,,账户已冻结\n" +
		"," + strings.ToLower(idA) + ",,dibao,,,300,45565,45562,到账,,\n"
	recs, rejs := decodeAll(t, NewPaymentDecoder, opts, csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	want := []PaymentRow{
		{Row: 2, HouseholdNo: "H001", Name: "测试甲一", ItemCode: "dibao", Payee: "household", Period: "2024-09", AmountFen: 123450,
			DueDate: d(2024, 9, 30), PaidDate: d(2024, 9, 25), Status: "paid", CardLast4: "0123"},
		{Row: 3, HouseholdNo: "H001", IDCard: idB, Name: "测试甲二", ItemCode: "tekun", Payee: "member", Period: "2024-10", BatchNo: "B2",
			AmountFen: 50000, DueDate: d(2024, 10, 31), Status: "scheduled"},
		{Row: 4, HouseholdNo: "H002", ItemCode: "farmland_protection", Payee: "household", Period: "2024", AmountFen: 8880,
			DueDate: d(2024, 12, 31), Status: "failed", FailureReason: "账户已冻结"},
		{Row: 5, IDCard: idA, ItemCode: "dibao", Payee: "household", Period: "2024-09", AmountFen: 30000,
			DueDate: d(2024, 9, 30), PaidDate: d(2024, 9, 27), Status: "paid"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("records\n%+v\nwant\n%+v", recs, want)
	}
}

func d(y, m, day int) model.Date { return model.Date{Year: y, Month: timeMonth(m), Day: day} }

func TestPaymentBadRows(t *testing.T) {
	good := "H001,,,农村低保,2024-09,,100,2024-09-30,2024-09-25,已发放,,"
	checkBadRows(t, NewPaymentDecoder, testOptions(t), paymentHeader, good, []badRow{
		{"no payee", ",,测试甲一,农村低保,2024-09,,100,2024-09-30,,,,", "户编号", "至少填一项"},
		{"member item without ID", "H001,,,特困供养,2024-09,,100,2024-09-30,,,,", "身份证号", "按人发放"},
		{"unknown item", "H001,,,种猪补贴,2024-09,,100,2024-09-30,,,,", "补贴项目", "不认识"},
		{"blank item", "H001,,,,2024-09,,100,2024-09-30,,,,", "补贴项目", "必填"},
		{"three decimals", "H001,,,低保,2024-09,,100.005,2024-09-30,,,,", "发放金额", "两位小数"},
		{"negative", "H001,,,低保,2024-09,,-100,2024-09-30,,,,", "发放金额", "负数"},
		{"zero", "H001,,,低保,2024-09,,0.00,2024-09-30,,,,", "发放金额", "不能为0"},
		{"blank amount", "H001,,,低保,2024-09,,,2024-09-30,,,,", "发放金额", "必填"},
		{"not an amount", "H001,,,低保,2024-09,,一百元,2024-09-30,,,,", "发放金额", "不是金额"},
		{"bad thousands", "H001,,,低保,2024-09,,\"1,00\",2024-09-30,,,,", "发放金额", "千分位"},
		{"no such date", "H001,,,低保,2024-09,,100,2024-02-30,,,,", "应发日期", "不存在"},
		{"ambiguous date", "H001,,,低保,2024-09,,100,09/30/2024,,,,", "应发日期", "无法识别"},
		{"serial of a year", "H001,,,低保,2024-09,,100,2024,,,,", "应发日期", "年份不合理"},
		{"period too coarse", "H001,,,低保,2024,,100,2024-09-30,,,,", "发放期间", "应写到月"},
		{"bad period", "H001,,,低保,2024-13,,100,2024-09-30,,,,", "发放期间", "月份"},
		{"neither period nor due", "H001,,,低保,,,100,,,,,", "发放期间", "至少填一项"},
		{"paid without date", "H001,,,低保,2024-09,,100,2024-09-30,,已发放,,", "发放日期", "没有填发放日期"},
		{"scheduled with date", "H001,,,低保,2024-09,,100,2024-09-30,2024-09-20,待发放,,", "发放日期", "待发放"},
		{"failed with date", "H001,,,低保,2024-09,,100,2024-09-30,2024-09-20,发放失败,,卡已注销", "发放日期", "发放失败"},
		{"unknown status", "H001,,,低保,2024-09,,100,2024-09-30,,审核中,,", "发放状态", "不是可用的发放状态"},
		{"paid in the future", "H001,,,低保,2024-09,,100,2024-09-30,2024-10-09,已发放,,", "发放日期", "晚于今天"},
		{"bad ID", "H001," + idA[:17] + "0,,低保,2024-09,,100,2024-09-30,,,,", "身份证号", "校验位"},
		{"ID in scientific notation", "H001,4.19999195001E+17,,低保,2024-09,,100,2024-09-30,,,,", "身份证号", "科学计数法"},
		{"ID unknown", "," + testID("41999919900101999") + ",,低保,2024-09,,100,2024-09-30,,,,", "身份证号", "不在已导入的家庭成员中"},
		{"ID of another household", "H002," + idA + ",,低保,2024-09,,100,2024-09-30,,,,", "身份证号", "不属于户编号为H002的户"},
		{"household unknown", "H999,,,低保,2024-09,,100,2024-09-30,,,,", "户编号", "没有这个户编号"},
		{"card digits", "H001,,,低保,2024-09,,100,2024-09-30,,,123,", "银行卡号后四位", "4位"},
		{"duplicate", good, "户编号", "与第2行重复"},
	})
}

// TestInvalidTextAfterTheSniffedChunk covers a file whose start is UTF-8
// and which later carries bytes of another encoding.
func TestInvalidTextAfterTheSniffedChunk(t *testing.T) {
	var b strings.Builder
	b.WriteString(paymentHeader + "\n")
	for i := 0; b.Len() < 2*sniffSize; i++ {
		b.WriteString(fmt.Sprintf("H001,,测试甲一,低保,2024-09,B%d,100,2024-09-30,2024-09-25,已发放,,\n", i))
	}
	b.WriteString("H001,,\xb2\xe2\xca\xd4,低保,2024-09,X,100,2024-09-30,2024-09-25,已发放,,\n") // 测试 in GBK
	_, rejs := decodeAll(t, NewPaymentDecoder, testOptions(t), b.String())
	last := rejs[len(rejs)-1]
	if len(last) != 1 || last[0].Column != "姓名" || !strings.Contains(last[0].Reason, "无法识别的文字") {
		t.Fatalf("%+v", last)
	}
	for _, r := range rejs[:len(rejs)-1] {
		if len(r) > 0 {
			t.Fatalf("%+v", r)
		}
	}
}

func TestPaymentMoneyUnitsAndCardNumbers(t *testing.T) {
	csv := "户编号,补贴项目,发放金额（万元）,应发日期,银行卡号\nH001,农机补贴,1.2345,2024-09-30,6217 0000 1234 5678\n"
	recs, rejs := decodeAll(t, NewPaymentDecoder, testOptions(t), csv)
	if len(rejs[0]) > 0 || recs[0].AmountFen != 1234500 || recs[0].CardLast4 != "5678" || recs[0].Period != "2024-09-30" {
		t.Fatalf("%+v %+v", recs[0], rejs[0])
	}
	// The whole card number never appears in a report: only masked.
	_, rejs = decodeAll(t, NewPaymentDecoder, testOptions(t), "户编号,补贴项目,发放金额,应发日期,银行卡号\nH001,农机补贴,1,2024-09-30,6217x\n")
	if len(rejs[0]) != 1 || strings.Contains(rejs[0][0].Value, "6217x") {
		t.Fatalf("%+v", rejs[0])
	}
}

func TestPaymentsNeedItems(t *testing.T) {
	src, _ := OpenReader(strings.NewReader(paymentHeader+"\n"), "p.csv")
	if _, err := NewPaymentDecoder(src, Options{}); err == nil {
		t.Fatal("payments decoded without a catalogue")
	}
}

func TestRejectionsMaskNumbers(t *testing.T) {
	bad := idA[:17] + "0"
	_, rejs := decodeAll(t, NewPaymentDecoder, testOptions(t), paymentHeader+"\nH001,"+bad+",,低保,2024-09,,100,2024-09-30,,,,\n")
	if v := rejs[0][0].Value; v != pii4(bad) {
		t.Fatalf("value %q, want it masked", v)
	}
}

func pii4(s string) string { return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:] }

const householdHeader = "户编号,户主姓名,户主身份证号,联系电话,行政区划代码,所属乡镇,所属村,户类型,监测对象类别,家庭住址,家庭人口数,劳动力人数,经纬度"

func TestHouseholdRows(t *testing.T) {
	csv := householdHeader + "\n" +
		"H001,测试甲一," + idA + ",138 0013 8000,410122100201,,,脱贫户,,测试村3组,4,2,\"113.62,34.74\"\n" +
		"H002,测试乙一,,,,测试镇,测试村,监测户,边缘易致贫户,,1,0,\n" +
		"4.10122100201E+11,测试丙一,,,4.10122100202E+11,,,监测户（脱贫不稳定）,,,,,\n"
	recs, rejs := decodeAll(t, NewHouseholdDecoder, testOptions(t), csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	lat, lng := 34.74, 113.62
	four, two, one, zero := 4, 2, 1, 0
	want := []HouseholdRow{
		{Row: 2, HouseholdNo: "H001", HeadName: "测试甲一", HeadIDCard: idA, Phone: "13800138000", RegionCode: "410122100201",
			Class: "poverty_alleviated", Address: "测试村3组", Size: &four, LabourCount: &two, Latitude: &lat, Longitude: &lng},
		{Row: 3, HouseholdNo: "H002", HeadName: "测试乙一", RegionCode: "410122100201", Town: "测试镇", Village: "测试村",
			Class: "monitor_marginal", Size: &one, LabourCount: &zero},
		{Row: 4, HouseholdNo: "410122100201", HeadName: "测试丙一", RegionCode: "410122100202", Class: "monitor_unstable"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("records\n%+v\nwant\n%+v", recs, want)
	}
}

func TestHouseholdBadRows(t *testing.T) {
	good := "H001,测试甲一,,,410122100201,,,脱贫户,,,,,"
	checkBadRows(t, NewHouseholdDecoder, testOptions(t), householdHeader, good, []badRow{
		{"no head name", "H002,,,,410122100201,,,脱贫户,,,,,", "户主姓名", "必填"},
		{"monitored without kind", "H002,测试乙一,,,410122100201,,,监测户,,,,,", "户类型", "须注明"},
		{"unknown class", "H002,测试乙一,,,410122100201,,,一般农户,,,,,", "户类型", "可填：脱贫户、脱贫不稳定户、边缘易致贫户、突发严重困难户"},
		{"monitor kind says not monitored", "H002,测试乙一,,,410122100201,,,监测户,脱贫户,,,,", "监测对象类别", "应为脱贫不稳定户"},
		{"town code", "H002,测试乙一,,,410122100000,,,脱贫户,,,,,", "行政区划代码", "村（社区）级"},
		{"unknown region", "H002,测试乙一,,,410122100299,,,脱贫户,,,,,", "行政区划代码", "不在已导入的行政区划中"},
		{"short code", "H002,测试乙一,,,41012210020,,,脱贫户,,,,,", "行政区划代码", "12位"},
		{"lost digits", "H002,测试乙一,,,4.10122E+11,,,脱贫户,,,,,", "行政区划代码", "科学计数法"},
		{"no village", "H002,测试乙一,,,,,,脱贫户,,,,,", "行政区划代码", "至少填一项"},
		{"village unknown", "H002,测试乙一,,,,测试镇,西沟村,脱贫户,,,,,", "所属村", "找不到"},
		{"village ambiguous", "H002,测试乙一,,,,,测试村,脱贫户,,,,,", "所属村", "同名"},
		{"labour over size", "H002,测试乙一,,,410122100201,,,脱贫户,,,2,3,", "劳动力人数", "多于家庭人口数"},
		{"size zero", "H002,测试乙一,,,410122100201,,,脱贫户,,,0,,", "家庭人口数", "1到50"},
		{"size fraction", "H002,测试乙一,,,410122100201,,,脱贫户,,,2.5,,", "家庭人口数", "小数"},
		{"outside China", "H002,测试乙一,,,410122100201,,,脱贫户,,,,,\"13.6,4.7\"", "纬度", "不在中国境内"},
		{"bad phone", "H002,测试乙一,,12345,410122100201,,,脱贫户,,,,,", "联系电话", "11位"},
		{"household number lost digits", "4.10122E+11,测试乙一,,,410122100201,,,脱贫户,,,,,", "户编号", "科学计数法"},
		{"household number with spaces", "H 002,测试乙一,,,410122100201,,,脱贫户,,,,,", "户编号", "空格"},
		{"duplicate", good, "户编号", "与第2行重复（户编号相同）"},
	})
}

const memberHeader = "户编号,姓名,身份证号,与户主关系,联系电话,劳动技能,是否在校生,残疾情况,务工意愿,务工状态,人员状态"

func TestMemberRows(t *testing.T) {
	csv := memberHeader + "\n" +
		"H001,测试甲一," + idA + ",户主,13800138000,弱劳动力或半劳动力,非在校生,无,是,返乡,正常\n" +
		"H002,测试丙二," + idC + ",之女,,无劳动力,普通高中二年级,肢体残疾四级,否,,\n"
	recs, rejs := decodeAll(t, NewMemberDecoder, testOptions(t), csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	yes, no := true, false
	want := []MemberRow{
		{Row: 2, HouseholdNo: "H001", Name: "测试甲一", IDCard: idA, Gender: "M", BirthDate: d(1950, 1, 1), Relation: "户主", Phone: "13800138000",
			LabourCapacity: "weak", InSchool: &no, WishToWork: &yes, EmploymentStatus: "returned", Status: "active"},
		{Row: 3, HouseholdNo: "H002", Name: "测试丙二", IDCard: idC, Gender: "F", BirthDate: d(2005, 6, 7), Relation: "之女",
			LabourCapacity: "none", InSchool: &yes, Disability: "肢体残疾四级", WishToWork: &no},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("records\n%+v\nwant\n%+v", recs, want)
	}
}

func TestMemberBadRows(t *testing.T) {
	good := "H001,测试甲一," + idA + ",户主,,,,,,,"
	checkBadRows(t, NewMemberDecoder, testOptions(t), memberHeader, good, []badRow{
		{"no ID", "H001,测试甲二,,配偶,,,,,,,", "身份证号", "必填"},
		{"15-digit ID", "H001,测试甲二,419999800304123,配偶,,,,,,,", "身份证号", "15位"},
		{"birth date", "H001,测试甲二," + testID("41999919800230123") + ",配偶,,,,,,,", "身份证号", "出生日期"},
		{"household unknown", "H404,测试甲二," + idB + ",配偶,,,,,,,", "户编号", "没有这个户编号"},
		{"labour unknown", "H001,测试甲二," + idB + ",配偶,,很强,,,,,", "劳动技能", "不是可用的劳动技能"},
		{"in school unknown", "H001,测试甲二," + idB + ",配偶,,,不知道,,,,", "是否在校生", "在校学段"},
		{"wish unknown", "H001,测试甲二," + idB + ",配偶,,,,,看情况,,", "务工意愿", "是"},
		{"status unknown", "H001,测试甲二," + idB + ",配偶,,,,,,,失联", "人员状态", "正常、迁出、死亡"},
		{"long relation", "H001,测试甲二," + idB + ",配偶的兄弟姐妹的子女的配偶的父母亲,,,,,,,", "与户主关系", "过长"},
		{"duplicate ID", "H001,测试甲一," + idA + ",户主,,,,,,,", "身份证号", "身份证号相同"},
	})
}

const regionHeader = "代码,名称,上级代码,农村人口"

func TestRegionRows(t *testing.T) {
	csv := "统计用区划代码和城乡划分代码\n" + regionHeader + "\n" +
		"410122,测试县,,\n410122100000,测试镇,410122000000,\n410122100201,测试村委会,,1860\n"
	recs, rejs := decodeAll(t, NewRegionDecoder, Options{}, csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	pop := 1860
	want := []RegionRow{
		{Row: 3, Code: "410122000000", Name: "测试县", Level: model.LevelCounty, ParentCode: "410100000000"},
		{Row: 4, Code: "410122100000", Name: "测试镇", Level: model.LevelTown, ParentCode: "410122000000"},
		{Row: 5, Code: "410122100201", Name: "测试村委会", Level: model.LevelVillage, ParentCode: "410122100000", RuralPopulation: &pop},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("records\n%+v\nwant\n%+v", recs, want)
	}
}

func TestRegionBadRows(t *testing.T) {
	checkBadRows(t, NewRegionDecoder, Options{}, regionHeader, "410122100201,测试村,,", []badRow{
		{"bad code", "4101221002,测试村,,", "代码", "12位"},
		{"no name", "410122100202,,,", "名称", "必填"},
		{"parent not above", "410122100202,测试村,410122101000,", "上级代码", "不相符"},
		{"parent is itself", "410122100202,测试村,410122100202,", "上级代码", "不相符"},
		{"negative population", "410122100202,测试村,,-5", "农村人口", "负数"},
		{"duplicate", "410122100201,测试村,,", "代码", "区划代码相同"},
	})
}

const jobHeader = "岗位编号,岗位类型,岗位名称,用工单位,工作地点区划代码,薪资范围,计薪方式,招聘人数,技能要求,年龄要求,体力要求,食宿,交通补贴,联系人,联系电话,有效期"

func TestJobRows(t *testing.T) {
	csv := jobHeader + "\n" +
		"RS001,县城周边园区,包装工,测试食品有限公司,410122000000,3000-4500元/月,,20,\"包装、叉车,包装\",18-55岁,中,包吃住,是,测试丙三,13800138002,2024-09-01至2024-12-31\n" +
		"RS002,外出务工,普工,测试电子厂,441900000000,150-200,日,100,,18岁以上,,不包,,,,2024-09-01至2025-03-31\n"
	recs, rejs := decodeAll(t, NewJobDecoder, testOptions(t), csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	a18, a55 := 18, 55
	want := []JobRow{
		{Row: 2, ExternalNo: "RS001", Kind: "park", Title: "包装工", Employer: "测试食品有限公司", RegionCode: "410122000000",
			WageMinFen: 300000, WageMaxFen: 450000, WageUnit: "month", Headcount: 20, SkillTags: []string{"包装", "叉车"},
			AgeMin: &a18, AgeMax: &a55, PhysicalDemand: "medium", Meals: true, Lodging: true, Transport: true,
			ContactName: "测试丙三", ContactPhone: "13800138002", ValidFrom: d(2024, 9, 1), ValidUntil: d(2024, 12, 31)},
		{Row: 3, ExternalNo: "RS002", Kind: "migrant", Title: "普工", Employer: "测试电子厂", RegionCode: "441900000000",
			WageMinFen: 15000, WageMaxFen: 20000, WageUnit: "day", Headcount: 100, AgeMin: &a18,
			ValidFrom: d(2024, 9, 1), ValidUntil: d(2025, 3, 31)},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("records\n%+v\nwant\n%+v", recs, want)
	}
}

func TestJobBadRows(t *testing.T) {
	row := func(kind, region, wage, unit, count, age, board, validity string) string {
		return strings.Join([]string{"", kind, "包装工", "测试食品有限公司", region, wage, unit, count, "", age, "", board, "", "", "", validity}, ",")
	}
	checkBadRows(t, NewJobDecoder, testOptions(t), jobHeader, "", []badRow{
		{"negotiable", row("零工", "410122000000", "面议", "", "5", "", "", "2024-09-01至2024-12-31"), "薪资范围", "面议"},
		{"min over max", row("零工", "410122000000", "4500-3000", "月", "5", "", "", "2024-09-01至2024-12-31"), "薪资范围", "高于上限"},
		{"unit conflict", row("零工", "410122000000", "150元/天", "月", "5", "", "", "2024-09-01至2024-12-31"), "计薪方式", "不一致"},
		{"no unit", row("零工", "410122000000", "150-200", "", "5", "", "", "2024-09-01至2024-12-31"), "计薪方式", "没有写明"},
		{"no wage", row("零工", "410122000000", "", "", "5", "", "", "2024-09-01至2024-12-31"), "薪资范围", "必填"},
		{"zero wage", row("零工", "410122000000", "0", "月", "5", "", "", "2024-09-01至2024-12-31"), "最高工资", "不能为0"},
		{"headcount zero", row("零工", "410122000000", "150", "日", "0", "", "", "2024-09-01至2024-12-31"), "招聘人数", "1到100000"},
		{"unknown kind", row("兼职", "410122000000", "150", "日", "5", "", "", "2024-09-01至2024-12-31"), "岗位类型", "不是可用的岗位类型"},
		{"unknown local region", row("零工", "410122999000", "150", "日", "5", "", "", "2024-09-01至2024-12-31"), "工作地点区划代码", "不在已导入"},
		{"child labour", row("零工", "410122000000", "150", "日", "5", "14-50岁", "", "2024-09-01至2024-12-31"), "年龄要求", "16"},
		{"board unknown", row("零工", "410122000000", "150", "日", "5", "", "看情况", "2024-09-01至2024-12-31"), "食宿", "无法识别"},
		{"validity backwards", row("零工", "410122000000", "150", "日", "5", "", "", "2024-12-31至2024-09-01"), "有效期", "早于"},
		{"validity unreadable", row("零工", "410122000000", "150", "日", "5", "", "", "长期有效"), "有效期", "无法识别"},
		{"validity blank", row("零工", "410122000000", "150", "日", "5", "", "", ""), "有效期", "必填"},
		{"hourly", row("零工", "410122000000", "20元/小时", "", "5", "", "", "2024-09-01至2024-12-31"), "薪资范围", "日薪"},
	})
	dup := "RS9,零工,包装工,测试食品有限公司,410122000000,150,日,5,,,,,,,,2024-09-01至2024-12-31"
	checkBadRows(t, NewJobDecoder, testOptions(t), jobHeader, dup, []badRow{{"duplicate", dup, "岗位编号", "岗位编号相同"}})
}

func TestJobWageColumns(t *testing.T) {
	csv := "岗位类型,岗位名称,用工单位,工作地点区划代码,最低月薪,最高月薪,招聘人数,有效期至\n乡村公益性岗位,保洁员,测试村委会,410122100201,800,,3,2024-12-31\n"
	recs, rejs := decodeAll(t, NewJobDecoder, testOptions(t), csv)
	if len(rejs[0]) > 0 || recs[0].WageMinFen != 80000 || recs[0].WageMaxFen != 80000 || recs[0].WageUnit != "month" {
		t.Fatalf("%+v %+v", recs[0], rejs[0])
	}
}

const cadreHeader = "姓名,身份证号,联系电话,干部类型,工作单位,职务,所在区划代码"

func TestCadreRows(t *testing.T) {
	csv := cadreHeader + "\n测试丁四," + idD + ",13800138001,第一书记,测试县农业农村局,四级主任科员,410122100201\n"
	recs, rejs := decodeAll(t, NewCadreDecoder, testOptions(t), csv)
	want := CadreRow{Row: 2, Name: "测试丁四", IDCard: idD, Phone: "13800138001", Kind: "first_secretary",
		Organization: "测试县农业农村局", Position: "四级主任科员", RegionCode: "410122100201"}
	if len(rejs[0]) > 0 || !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("%+v %+v", recs[0], rejs[0])
	}
}

// TestCadreStatusColumn: 在岗状态 is optional; the rosters' words for a
// cadre rotated out or gone read as left, blank leaves the status as is.
func TestCadreStatusColumn(t *testing.T) {
	csv := "姓名,联系电话,干部类型,所在区划代码,状态\n" +
		"测试甲,13800138011,帮扶责任人,410122100201,在岗\n测试乙,13800138012,帮扶责任人,410122100201,调离\n" +
		"测试丙,13800138013,帮扶责任人,410122100201,离职\n测试丁,13800138014,帮扶责任人,410122100201,正常\n" +
		"测试戊,13800138015,帮扶责任人,410122100201,\n测试己,13800138016,帮扶责任人,410122100201,休假\n"
	recs, rejs := decodeAll(t, NewCadreDecoder, testOptions(t), csv)
	want := []string{model.CadreActive, model.CadreLeft, model.CadreLeft, model.CadreActive, ""}
	for i, w := range want {
		if len(rejs[i]) > 0 || recs[i].Status != w {
			t.Errorf("row %d: status %q (%+v), want %q", i+2, recs[i].Status, rejs[i], w)
		}
	}
	if len(rejs[5]) != 1 || rejs[5][0].Column != "状态" {
		t.Errorf("休假 is no status: %+v", rejs[5])
	}
}

func TestCadreBadRows(t *testing.T) {
	good := "测试丁四,,13800138001,帮扶责任人,,,410122100201"
	checkBadRows(t, NewCadreDecoder, testOptions(t), cadreHeader, good, []badRow{
		{"no phone", "测试戊五,,,帮扶责任人,,,410122100201", "联系电话", "必填"},
		{"unknown kind", "测试戊五,,13800138003,志愿者,,,410122100201", "干部类型", "不是可用的干部类型"},
		{"secretary at a town", "测试戊五,,13800138003,驻村第一书记,,,410122100000", "所在区划代码", "应为村"},
		{"township leader at the county", "测试戊五,,13800138003,乡镇领导,,,410122000000", "所在区划代码", "乡镇或村"},
		{"unknown region", "测试戊五,,13800138003,帮扶责任人,,,410122100299", "所在区划代码", "不在已导入"},
		{"duplicate", good, "姓名", "姓名和联系电话相同"},
	})
}

const pairingHeader = "干部姓名,干部联系电话,干部身份证号,户编号,户主姓名,结对类型,结对日期,结束日期"

func TestPairingRows(t *testing.T) {
	csv := pairingHeader + "\n测试丁四,13800138001,,H001,测试甲一,,2024-03-01,\n测试丁四,," + idD + ",H002,,县级领导包联,2024年3月1日,2024-12-31\n"
	recs, rejs := decodeAll(t, NewPairingDecoder, testOptions(t), csv)
	want := []PairingRow{
		{Row: 2, CadreName: "测试丁四", CadrePhone: "13800138001", HouseholdNo: "H001", HeadName: "测试甲一", Role: "responsible", StartedOn: d(2024, 3, 1)},
		{Row: 3, CadreName: "测试丁四", CadreIDCard: idD, HouseholdNo: "H002", Role: "leader", StartedOn: d(2024, 3, 1), EndedOn: d(2024, 12, 31)},
	}
	if len(rejs[0])+len(rejs[1]) > 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("%+v\n%+v", recs, rejs)
	}
}

func TestPairingBadRows(t *testing.T) {
	good := "测试丁四,13800138001,,H001,,,2024-03-01,"
	checkBadRows(t, NewPairingDecoder, testOptions(t), pairingHeader, good, []badRow{
		{"no phone or ID", "测试丁四,,,H001,,,2024-03-01,", "干部联系电话", "至少填一项"},
		{"unknown cadre", "测试戊五,13800138009,,H001,,,2024-03-01,", "干部姓名", "找不到这位干部"},
		{"unknown household", "测试丁四,13800138001,,H404,,,2024-03-01,", "户编号", "没有这个户编号"},
		{"ends before it starts", "测试丁四,13800138001,,H002,,,2024-03-01,2023-03-01", "结束日期", "早于"},
		{"unknown role", "测试丁四,13800138001,,H002,,监督,2024-03-01,", "结对类型", "不是可用的结对类型"},
		{"duplicate", good, "户编号", "户编号、干部和结对类型相同"},
	})
}

func TestLookupErrorStopsTheRun(t *testing.T) {
	src, _ := OpenReader(strings.NewReader(pairingHeader+"\n测试丁四,13800138001,,H001,,,,\n"), "p.csv")
	d, err := NewPairingDecoder(src, Options{Lookups: &failingLookups{}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Next() || d.Err() == nil {
		t.Fatal("a failed lookup did not stop the run")
	}
}

type failingLookups struct{ MemLookups }

func (*failingLookups) HouseholdExists(string) (bool, error) { return false, errTest }

// TestDate1904 reads serial dates of a workbook in the 1904 date system
// (old Mac Excel): the same day is 1462 lower.
func TestDate1904(t *testing.T) {
	src, err := OpenReader(strings.NewReader("户编号,补贴项目,发放期间,发放金额,应发日期\nH001,低保,44074,100,44103\n"), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewPaymentDecoder(date1904Source{src}, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	d.Next()
	rec, rej := d.Record()
	if len(rej) > 0 || rec.DueDate != (model.Date{Year: 2024, Month: 9, Day: 30}) || rec.Period != "2024-09" {
		t.Fatalf("%+v %+v", rec, rej)
	}
}

type date1904Source struct{ Source }

func (s date1904Source) Info() SourceInfo {
	i := s.Source.Info()
	i.Date1904 = true
	return i
}

// TestHouseholdStatus reads 户状态 as the monitoring system writes it; a
// file without the column, or a blank cell, says nothing.
func TestHouseholdStatus(t *testing.T) {
	csv := "户编号,户主姓名,行政区划代码,户类型,户状态\n" +
		"H001,测试甲一,410122100201,脱贫户,正常\n" +
		"H002,测试乙一,410122100201,边缘易致贫户,风险已消除\n" +
		"H003,测试丙一,410122100201,脱贫户,整户注销\n" +
		"H004,测试丁一,410122100201,脱贫户,\n" +
		"H005,测试戊一,410122100201,脱贫户,待审核\n"
	recs, rejs := decodeAll(t, NewHouseholdDecoder, testOptions(t), csv)
	want := []string{model.HouseholdActive, model.HouseholdRiskCleared, model.HouseholdCancelled, "", ""}
	for i, r := range recs {
		if r.Status != want[i] {
			t.Errorf("row %d: status %q, want %q", r.Row, r.Status, want[i])
		}
	}
	if len(rejs[3]) != 0 || len(rejs[4]) != 1 || rejs[4][0].Column != "户状态" || !strings.Contains(rejs[4][0].Reason, "正常、风险已消除、已注销") {
		t.Fatalf("%+v", rejs)
	}
}
