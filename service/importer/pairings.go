package importer

import (
	"github.com/xiangbang/xiangbang/model"
)

// PairingRow links a cadre to a household they help. The cadre is named by
// name plus phone or ID number, as county lists write them.
type PairingRow struct {
	Row         int
	CadreName   string
	CadrePhone  string
	CadreIDCard string
	HouseholdNo string
	HeadName    string     // as the file writes it, for cross-checking
	Role        string     // model.Role*: responsible when the file does not say
	StartedOn   model.Date // zero when not given: the writing half uses the import date
	EndedOn     model.Date
}

func pairingSpec() *Spec {
	return &Spec{Kind: KindPairings, Title: "结对帮扶关系", Columns: []Column{
		{Key: "cadre_name", Header: "干部姓名", Aliases: []string{"帮扶干部姓名", "帮扶责任人", "帮扶责任人姓名", "帮扶人", "帮扶人姓名", "结对干部", "帮扶干部"},
			Required: true, Example: "测试丁四"},
		phoneColumnOneOf("cadre_phone", "干部联系电话", "cadre", "帮扶干部联系电话", "帮扶责任人联系电话", "帮扶责任人电话", "帮扶人电话", "干部电话", "干部手机号", "联系电话"),
		{Key: "cadre_id_card", Header: "干部身份证号", Aliases: []string{"帮扶干部身份证号", "帮扶责任人身份证号", "帮扶人身份证号"}, OneOf: "cadre",
			Sensitive: true, Example: "419999198506071239", Note: "干部联系电话和干部身份证号至少填一项"},
		householdNoColumn(true),
		{Key: "head_name", Header: "户主姓名", Aliases: []string{"户主", "帮扶对象", "帮扶户户主"}, Example: "测试甲一"},
		{Key: "role", Header: "结对类型", Aliases: []string{"帮扶类型", "帮扶方式", "结对方式", "帮扶关系"}, Example: "帮扶责任人",
			Note: "帮扶责任人、驻村工作队或提级帮扶；不填为帮扶责任人"},
		{Key: "started_on", Header: "结对日期", Aliases: []string{"结对时间", "开始日期", "帮扶开始日期", "结对开始日期", "帮扶日期"}, Example: "2024-03-01"},
		{Key: "ended_on", Header: "结束日期", Aliases: []string{"结对结束日期", "解除日期", "帮扶结束日期", "解除结对日期"}},
	}}
}

// phoneColumnOneOf is a phone column that belongs to a OneOf group.
func phoneColumnOneOf(key, header, group string, extra ...string) Column {
	c := phoneColumn(key, header)
	c.Aliases, c.OneOf = extra, group
	return c
}

func pairingRoleEnum() *enum {
	return newEnum("结对类型",
		enumValue{model.RoleResponsible, "帮扶责任人", []string{"结对帮扶", "责任人帮扶", "一对一帮扶", "帮扶干部"}},
		enumValue{model.RoleWorkTeam, "驻村工作队", []string{"工作队", "驻村帮扶", "驻村工作队帮扶", "驻村工作队员"}},
		enumValue{model.RoleLeader, "提级帮扶", []string{"领导包联", "县级领导包联", "乡级领导包联", "提级帮扶领导", "领导联系", "包联领导"}},
	)
}

// NewPairingDecoder reads cadre–household pairings (干部姓名, 干部联系电话,
// 户编号, 结对类型...).
func NewPairingDecoder(src Source, opts Options) (*Decoder[PairingRow], error) {
	roles := pairingRoleEnum()
	return newDecoder(src, KindPairings, opts, kindRules[PairingRow]{
		parse: func(c *rowContext) PairingRow {
			r := PairingRow{Row: c.row.Num}
			r.CadreName = c.text("cadre_name", true, 64)
			r.CadrePhone = c.phone("cadre_phone", false)
			r.CadreIDCard = c.idCard("cadre_id_card", false)
			if c.raw("cadre_phone") == "" && c.raw("cadre_id_card") == "" {
				c.reject("cadre_phone", "", "干部联系电话和干部身份证号至少填一项")
			}
			r.HouseholdNo = c.code("household_no", true, 32)
			r.HeadName = c.text("head_name", false, 64)
			if r.Role = c.enumValue("role", roles, false); r.Role == "" && c.raw("role") == "" {
				r.Role = model.RoleResponsible
			}
			r.StartedOn = c.date("started_on", false)
			r.EndedOn = c.date("ended_on", false)
			if !r.EndedOn.IsZero() && r.EndedOn.Before(r.StartedOn) {
				c.reject("ended_on", c.raw("ended_on"), "结束日期早于结对日期")
			}
			c.lookupHousehold("household_no", r.HouseholdNo)
			if lk := c.opts.Lookups; lk != nil && r.CadreName != "" && (r.CadrePhone != "" || r.CadreIDCard != "") {
				ok, err := lk.CadreExists(r.CadreName, r.CadrePhone, r.CadreIDCard)
				switch {
				case err != nil:
					c.fail(err)
				case !ok:
					c.reject("cadre_name", r.CadreName, "找不到这位干部（姓名与联系电话或身份证号对不上；请先导入干部信息）")
				}
			}
			return r
		},
		dupKey: func(r *PairingRow) string {
			return r.HouseholdNo + "\x00" + r.CadreName + "\x00" + r.CadrePhone + "\x00" + r.CadreIDCard + "\x00" + r.Role
		},
		dupWhat: "户编号、干部和结对类型",
		dupCols: []string{"household_no"},
	})
}
