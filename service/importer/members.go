package importer

import (
	"strings"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// Member statuses as the members table stores them.
const (
	MemberActive   = "active"
	MemberMovedOut = "moved_out"
	MemberDeceased = "deceased"
)

// MemberRow is one person of a household.
type MemberRow struct {
	Row         int
	HouseholdNo string
	Name        string
	IDCard      string
	Gender      string     // M | F, read from the ID number
	BirthDate   model.Date // read from the ID number
	Relation    string
	Phone       string
	// Optional fields are empty or nil when the file does not say, so that
	// a file without the column does not overwrite what is stored.
	LabourCapacity   string // model.Capacity*
	InSchool         *bool
	Disability       string // "" also when the file says 无
	WishToWork       *bool
	EmploymentStatus string // model.Employment*
	Status           string // Member*
}

func memberSpec() *Spec {
	return &Spec{Kind: KindMembers, Title: "家庭成员", Columns: []Column{
		householdNoColumn(true),
		{Key: "name", Header: "姓名", Aliases: []string{"成员姓名", "家庭成员姓名", "人员姓名", "名字"}, Required: true, Example: "测试甲二"},
		{Key: "id_card", Header: "身份证号", Aliases: idCardAliases("成员身份证号"), Required: true, Sensitive: true,
			Example: "419999198003041230", Note: "18位，末位可为X"},
		{Key: "relation", Header: "与户主关系", Aliases: []string{"与户主的关系", "家庭关系", "关系"}, Example: "配偶"},
		phoneColumn("phone", "联系电话"),
		{Key: "labour", Header: "劳动技能", Aliases: []string{"劳动能力", "劳动力类型", "劳动力状况", "劳动技能类型", "劳动力情况"},
			Example: "普通劳动力", Note: "普通劳动力、技能劳动力、弱劳动力、半劳动力、丧失劳动力或无劳动力"},
		{Key: "in_school", Header: "是否在校生", Aliases: []string{"在校生", "在校生状况", "在校情况", "是否在校", "在校生情况"},
			Example: "否", Note: "是/否，或在校学段（如“普通高中二年级”）"},
		{Key: "disability", Header: "残疾情况", Aliases: []string{"残疾类别", "残疾等级", "残疾类型", "残疾状况", "是否残疾"}, Example: "无"},
		{Key: "wish_to_work", Header: "务工意愿", Aliases: []string{"是否有务工意愿", "就业意愿", "是否愿意务工", "有无务工意愿", "务工就业意愿"}, Example: "是"},
		{Key: "employment", Header: "务工状态", Aliases: []string{"就业状态", "务工情况", "就业情况", "是否务工"},
			Example: "已就业", Note: "已就业、未就业或返乡"},
		{Key: "status", Header: "人员状态", Aliases: []string{"成员状态", "人口状态", "状态"}, Example: "正常", Note: "正常、迁出或死亡"},
	}}
}

func labourEnum() *enum {
	return newEnum("劳动技能",
		enumValue{model.CapacityFull, "普通劳动力", []string{"技能劳动力", "全劳动力", "全劳力", "劳动力", "有劳动力", "普通劳力"}},
		// The monitoring system has one value for both; weak comes first
		// for 公益性岗位 either way.
		enumValue{model.CapacityWeak, "弱劳动力", []string{"弱劳动力或半劳动力", "弱劳力", "弱劳动力/半劳动力"}},
		enumValue{model.CapacityHalf, "半劳动力", []string{"半劳力"}},
		enumValue{model.CapacityNone, "无劳动力", []string{"丧失劳动力", "无劳力", "丧失劳动能力", "无劳动能力"}},
	)
}

func employmentEnum() *enum {
	return newEnum("务工状态",
		enumValue{model.EmploymentEmployed, "已就业", []string{"就业", "务工", "在外务工", "外出务工", "县内务工", "县外务工", "省外务工", "已务工", "是", "在岗"}},
		enumValue{model.EmploymentUnemployed, "未就业", []string{"待业", "失业", "无业", "未务工", "否", "未就业(有意愿)"}},
		enumValue{model.EmploymentReturned, "返乡", []string{"返乡回流", "返乡人员", "返乡在家", "回流"}},
		enumValue{model.EmploymentUnknown, "未知", []string{"不详", "不清楚"}},
	)
}

func memberStatusEnum() *enum {
	return newEnum("人员状态",
		enumValue{MemberActive, "正常", []string{"在册", "在户", "有效"}},
		enumValue{MemberMovedOut, "迁出", []string{"外迁", "户籍迁出", "已迁出", "迁移"}},
		enumValue{MemberDeceased, "死亡", []string{"已故", "去世", "已死亡", "死亡注销"}},
	)
}

// NewMemberDecoder reads household members (户编号, 姓名, 身份证号...).
func NewMemberDecoder(src Source, opts Options) (*Decoder[MemberRow], error) {
	labour, employment, status := labourEnum(), employmentEnum(), memberStatusEnum()
	return newDecoder(src, KindMembers, opts, kindRules[MemberRow]{
		parse: func(c *rowContext) MemberRow {
			r := MemberRow{Row: c.row.Num}
			r.HouseholdNo = c.code("household_no", true, 32)
			r.Name = c.text("name", true, 64)
			if r.IDCard = c.idCard("id_card", true); r.IDCard != "" {
				facts := pii.ParseIDCard(r.IDCard)
				r.BirthDate = model.DateOf(facts.Birth)
				r.Gender = "M"
				if facts.Female {
					r.Gender = "F"
				}
			}
			r.Relation = c.text("relation", false, 16)
			r.Phone = c.phone("phone", false)
			r.LabourCapacity = c.enumValue("labour", labour, false)
			r.InSchool = inSchool(c)
			r.Disability = disability(c)
			r.WishToWork = c.boolean("wish_to_work")
			r.EmploymentStatus = c.enumValue("employment", employment, false)
			r.Status = c.enumValue("status", status, false)
			c.lookupHousehold("household_no", r.HouseholdNo)
			return r
		},
		dupKey:  func(r *MemberRow) string { return r.IDCard },
		dupWhat: "身份证号",
		dupCols: []string{"id_card"},
	})
}

// inSchool reads 是/否, or the school stage the monitoring system writes
// instead (非在校生, 普通高中二年级, 本科一年级).
func inSchool(c *rowContext) *bool {
	v := c.value("in_school", false)
	if v == "" {
		return nil
	}
	if b, err := ParseBool(v); err == nil {
		return &b
	}
	t, f := true, false
	switch {
	case strings.Contains(v, "非在校") || strings.Contains(v, "不在校") || strings.Contains(v, "毕业") || strings.Contains(v, "辍学") || strings.Contains(v, "学龄前"):
		return &f
	case strings.ContainsAny(v, "学级园") || strings.Contains(v, "在校"):
		return &t
	}
	c.reject("in_school", v, "应填“是”或“否”，或在校学段")
	return nil
}

// disability keeps the 残疾情况 text, with "none" written as nothing.
func disability(c *rowContext) string {
	v := c.text("disability", false, 32)
	switch textKey(v) {
	case "无", "否", "健全", "非残疾", "无残疾", "N", "NO", "0":
		return ""
	}
	return v
}
