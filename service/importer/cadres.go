package importer

import (
	"github.com/xiangbang/xiangbang/model"
)

// Cadre kinds as the cadres table stores them (model.CadreKinds).
const (
	CadreResponsible      = "responsible"
	CadreFirstSecretary   = "first_secretary"
	CadreWorkTeam         = "work_team"
	CadreVillageCommittee = "village_committee"
	CadreTownshipLeader   = "township_leader"
	CadreCountyLeader     = "county_leader"
)

// CadreRow is one cadre who helps households.
type CadreRow struct {
	Row  int
	Name string
	// IDCard is checked when given, but the cadres table has no column for
	// it; pairings find cadres by name and phone.
	IDCard       string
	Phone        string
	Kind         string // Cadre*
	Organization string
	Position     string
	RegionCode   string // where they serve
	// Status is model.CadreActive or model.CadreLeft, or "" when the file
	// has no 在岗状态 or leaves it blank: the stored status stays.
	Status string
}

func cadreSpec() *Spec {
	return &Spec{Kind: KindCadres, Title: "帮扶干部", Columns: []Column{
		{Key: "name", Header: "姓名", Aliases: []string{"干部姓名", "帮扶干部姓名", "帮扶责任人姓名", "帮扶人姓名", "人员姓名"}, Required: true, Example: "测试丁四"},
		{Key: "id_card", Header: "身份证号", Aliases: idCardAliases("干部身份证号"), Sensitive: true, Example: "419999198506071239"},
		phoneColumn("phone", "联系电话", "干部联系电话", "干部电话"),
		{Key: "kind", Header: "干部类型", Aliases: []string{"干部类别", "人员类型", "帮扶身份", "身份类别", "人员类别", "类型"}, Required: true,
			Example: "帮扶责任人", Note: "帮扶责任人、驻村第一书记、驻村工作队员、村两委成员、乡科级领导或县处级领导"},
		{Key: "organization", Header: "工作单位", Aliases: []string{"单位", "所在单位", "派出单位", "单位名称"}, Example: "测试县农业农村局"},
		{Key: "position", Header: "职务", Aliases: []string{"职务职级", "现任职务", "职位"}, Example: "科员"},
		{Key: "region_code", Header: "所在区划代码", Aliases: []string{"帮扶区划代码", "驻村区划代码", "所在村代码", "帮扶村代码", "区划代码", "行政区划代码"},
			Required: true, Example: "410122100201", Note: "所帮扶或驻在的村、乡镇或县的12位区划代码"},
		{Key: "status", Header: "在岗状态", Aliases: []string{"状态", "人员状态", "在岗情况"}, Example: "在岗",
			Note: "在岗或离岗（调离、离职）；离岗的干部结对于导入当日结束，未办结的问题反映转交接手干部；不填则不变"},
	}}
}

func cadreKindEnum() *enum {
	return newEnum("干部类型",
		enumValue{CadreResponsible, "帮扶责任人", []string{"结对帮扶责任人", "帮扶干部", "结对帮扶干部", "帮扶人"}},
		enumValue{CadreFirstSecretary, "驻村第一书记", []string{"第一书记", "驻村第一书记兼工作队长", "第一书记兼队长"}},
		enumValue{CadreWorkTeam, "驻村工作队员", []string{"工作队员", "驻村队员", "驻村工作队", "驻村工作队长", "工作队长", "驻村干部"}},
		enumValue{CadreVillageCommittee, "村两委成员", []string{"村两委", "村干部", "村支书", "村党支部书记", "村主任", "村委会主任", "村委委员", "村支委委员"}},
		enumValue{CadreTownshipLeader, "乡科级领导", []string{"乡镇领导", "乡级领导", "乡镇领导干部", "科级领导"}},
		enumValue{CadreCountyLeader, "县处级领导", []string{"县级领导", "县领导", "处级领导", "县处级领导干部"}},
	)
}

// cadreStatusEnum reads 在岗/离岗 as county rosters spell them: a cadre
// rotated out (调离) or who quit (离职) has left their post.
func cadreStatusEnum() *enum {
	return newEnum("在岗状态",
		enumValue{model.CadreActive, "在岗", []string{"正常", "在职"}},
		enumValue{model.CadreLeft, "离岗", []string{"调离", "离职", "已调离", "已离岗", "已离职", "不在岗"}},
	)
}

// NewCadreDecoder reads cadres (姓名, 联系电话, 干部类型, 所在区划代码...).
func NewCadreDecoder(src Source, opts Options) (*Decoder[CadreRow], error) {
	kinds, statuses := cadreKindEnum(), cadreStatusEnum()
	return newDecoder(src, KindCadres, opts, kindRules[CadreRow]{
		parse: func(c *rowContext) CadreRow {
			r := CadreRow{Row: c.row.Num}
			r.Name = c.text("name", true, 64)
			r.IDCard = c.idCard("id_card", false)
			r.Phone = c.phone("phone", true)
			r.Kind = c.enumValue("kind", kinds, true)
			r.Organization = c.text("organization", false, 128)
			r.Position = c.text("position", false, 64)
			r.RegionCode = c.regionCode("region_code", true)
			r.Status = c.enumValue("status", statuses, false)
			if r.RegionCode != "" && c.lookupRegion("region_code", r.RegionCode) {
				checkCadreLevel(c, r.Kind, r.RegionCode)
			}
			return r
		},
		dupKey:  func(r *CadreRow) string { return r.Name + "\x00" + r.Phone },
		dupWhat: "姓名和联系电话",
		dupCols: []string{"name", "phone"},
	})
}

// checkCadreLevel refuses a region that cannot be where such a cadre
// serves: village cadres serve a village, a county leader a county or below.
func checkCadreLevel(c *rowContext, kind, code string) {
	level := model.RegionLevelOf(code)
	switch kind {
	case CadreFirstSecretary, CadreWorkTeam, CadreVillageCommittee:
		if level != model.LevelVillage {
			c.reject("region_code", c.raw("region_code"), "驻村干部和村两委成员的所在区划应为村（社区）")
		}
	case CadreTownshipLeader:
		if level < model.LevelTown {
			c.reject("region_code", c.raw("region_code"), "乡科级领导的所在区划应为乡镇或村")
		}
	case CadreCountyLeader, CadreResponsible:
		if level < model.LevelCounty {
			c.reject("region_code", c.raw("region_code"), "所在区划应为县、乡镇或村")
		}
	}
}
