package importer

import (
	"fmt"

	"github.com/xiangbang/xiangbang/model/pii"
)

// The fixture county behind the files in testdata: real-looking region
// codes, fake people (测试甲一 …) and ID numbers from area 419999, which no
// county has, with valid check digits.

type fxRegion struct{ code, name, parent string }

func fxRegions() []fxRegion {
	return []fxRegion{
		{"410122000000", "测试县", "410100000000"},
		{"410122100000", "测试镇", "410122000000"},
		{"410122100201", "测试村委会", "410122100000"},
		{"410122100202", "东沟村委会", "410122100000"},
		{"410122100203", "西岭村委会", "410122100000"},
		{"410122101000", "二镇", "410122000000"},
		{"410122101201", "南岗村委会", "410122101000"},
		{"410122101202", "北坡村委会", "410122101000"},
	}
}

type fxMember struct {
	name, id, relation, labour, school, wish string
}

type fxHousehold struct {
	no, village, town, villageName, class, monitor, phone, address string
	members                                                        []fxMember
}

// fxID makes the n-th fake ID number.
func fxID(birth string, n int) string {
	first := fmt.Sprintf("419999%s%03d", birth, n)
	return first + string(pii.IDCheckDigit(first))
}

var fxStems = []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"}

func fxHouseholds() []fxHousehold {
	villages := []struct{ code, town, name string }{
		{"410122100201", "测试镇", "测试村"}, {"410122100202", "测试镇", "东沟村"}, {"410122100203", "测试镇", "西岭村"},
		{"410122101201", "二镇", "南岗村"}, {"410122101202", "二镇", "北坡村"},
	}
	classes := []struct{ class, monitor string }{
		{"脱贫户", ""}, {"脱贫户", ""}, {"监测户", "边缘易致贫户"}, {"脱贫户", ""},
		{"监测户", "脱贫不稳定户"}, {"脱贫户", ""}, {"监测户", "突发严重困难户"}, {"脱贫户", ""},
	}
	var hs []fxHousehold
	for i, stem := range fxStems {
		v := villages[i%len(villages)]
		h := fxHousehold{
			no:      fmt.Sprintf("%s%06d", v.code, i+1),
			village: v.code, town: v.town, villageName: v.name,
			class: classes[i].class, monitor: classes[i].monitor,
			phone:   fmt.Sprintf("1380013%04d", 8000+i),
			address: fmt.Sprintf("%s%d组%d号", v.name, i%4+1, 10+i),
		}
		h.members = []fxMember{
			{"测试" + stem + "一", fxID(fmt.Sprintf("19%02d0101", 50+i), 10*i+1), "户主", "普通劳动力", "非在校生", "是"},
			{"测试" + stem + "二", fxID(fmt.Sprintf("19%02d0304", 52+i), 10*i+2), "配偶", "弱劳动力或半劳动力", "非在校生", "是"},
			{"测试" + stem + "三", fxID(fmt.Sprintf("20%02d0607", 5+i), 10*i+4), "之女", "无劳动力", "普通高中二年级", "否"},
		}
		hs = append(hs, h)
	}
	return hs
}

type fxCadre struct{ name, id, phone, kind, org, position, region string }

func fxCadres() []fxCadre {
	return []fxCadre{
		{"测试壬一", fxID("19800101", 901), "13900139001", "驻村第一书记", "测试县农业农村局", "四级主任科员", "410122100201"},
		{"测试壬二", fxID("19850202", 902), "13900139002", "驻村工作队员", "测试县人社局", "科员", "410122100201"},
		{"测试癸一", fxID("19780303", 903), "13900139003", "帮扶责任人", "测试县财政局", "副局长", "410122100000"},
		{"测试癸二", fxID("19820404", 904), "13900139004", "村两委成员", "东沟村委会", "村委委员", "410122100202"},
		{"测试子一", fxID("19700505", 905), "13900139005", "县处级领导", "测试县人民政府", "副县长", "410122000000"},
	}
}

// fxLookups knows what the fixture files expect to be stored already.
func fxLookups() *MemLookups {
	m := &MemLookups{Regions: map[string]string{}, Households: map[string]bool{}, Members: map[string]string{}}
	for _, r := range fxRegions() {
		m.Regions[r.code] = r.name
	}
	for _, h := range fxHouseholds() {
		m.Households[h.no] = true
		for _, mem := range h.members {
			m.Members[mem.id] = h.no
		}
	}
	for _, c := range fxCadres() {
		m.Cadres = append(m.Cadres, MemCadre{Name: c.name, Phone: c.phone, IDCard: c.id})
	}
	return m
}
