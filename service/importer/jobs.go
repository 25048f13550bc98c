package importer

import (
	"strings"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
)

// Physical demands as the jobs table stores them.
const (
	PhysicalLight  = "light"
	PhysicalMedium = "medium"
	PhysicalHeavy  = "heavy"
)

// Job kinds as the jobs table stores them (model.JobKinds).
const (
	JobMigrant       = "migrant"
	JobPark          = "park"
	JobWorkshop      = "workshop"
	JobPublicWelfare = "public_welfare"
	JobWorkRelief    = "work_relief"
	JobGig           = "gig"
)

// JobRow is one job posting from the 人社 system.
type JobRow struct {
	Row            int
	ExternalNo     string // 岗位编号; empty when the file has none
	Kind           string // Job*
	Title          string
	Employer       string
	RegionCode     string // where the work is; outside the county for migrant jobs
	Address        string
	WageMinFen     int64
	WageMaxFen     int64
	WageUnit       string // WageMonth | WageDay | WagePiece
	Headcount      int
	SkillTags      []string
	AgeMin, AgeMax *int
	PhysicalDemand string // Physical*; "" when not given (the table defaults to medium)
	Meals          bool
	Lodging        bool
	Transport      bool
	ContactName    string
	ContactPhone   string
	Description    string
	ValidFrom      model.Date // zero when not given: the writing half uses the import date
	ValidUntil     model.Date
	Latitude       *float64
	Longitude      *float64
}

// maxSkillTags bounds the tags of one job; job_tags rows are indexed.
const maxSkillTags = 20

func jobSpec() *Spec {
	return &Spec{Kind: KindJobs, Title: "岗位信息", Columns: append([]Column{
		{Key: "external_no", Header: "岗位编号", Aliases: []string{"岗位代码", "岗位ID", "招聘编号", "岗位编码", "职位编号", "编号"},
			Example: "RS2024090001", Note: "人社系统中的编号；有它，同一岗位再次导入时会更新而不是重复"},
		{Key: "kind", Header: "岗位类型", Aliases: []string{"岗位类别", "就业类型", "就业方式", "岗位性质", "用工类型"}, Required: true,
			Example: "县城周边园区", Note: "外出务工、县城周边园区、就近就业（帮扶车间）、乡村公益性岗位、以工代赈或零工"},
		{Key: "title", Header: "岗位名称", Aliases: []string{"职位名称", "招聘岗位", "岗位", "工种", "职位"}, Required: true, Example: "包装工"},
		{Key: "employer", Header: "用工单位", Aliases: []string{"招聘单位", "用人单位", "企业名称", "单位名称", "公司名称", "用工企业"},
			Required: true, Example: "测试食品有限公司"},
		{Key: "region_code", Header: "工作地点区划代码", Aliases: []string{"工作地区划代码", "工作地点代码", "区划代码", "行政区划代码"},
			Required: true, Example: "410122000000", Note: "县、乡镇或村的12位区划代码"},
		{Key: "address", Header: "详细地址", Aliases: []string{"工作地点", "工作地址", "地址", "上班地点"}, Example: "测试产业园8号"},
		{Key: "wage_min", Header: "最低工资", Aliases: []string{"工资下限", "薪资下限", "最低薪资", "最低月薪"}, OneOf: "wage", Money: true, Example: "3000"},
		{Key: "wage_max", Header: "最高工资", Aliases: []string{"工资上限", "薪资上限", "最高薪资", "最高月薪"}, Money: true, Example: "4500"},
		{Key: "wage_range", Header: "薪资范围", Aliases: []string{"薪资待遇", "工资待遇", "薪酬", "工资", "月薪", "薪资", "工资标准", "薪酬待遇", "工资范围"},
			OneOf: "wage", Alt: true, Example: "3000-4500元/月", Note: "代替最低工资、最高工资，可写单位"},
		{Key: "wage_unit", Header: "计薪方式", Aliases: []string{"计薪单位", "工资单位", "薪资单位", "结算方式", "计酬方式"},
			Example: "月", Note: "月、日或件；薪资范围里写了“元/月”等时可不填"},
		{Key: "headcount", Header: "招聘人数", Aliases: []string{"需求人数", "用工人数", "招工人数", "岗位数量", "人数", "招聘数量"}, Required: true, Example: "20"},
		{Key: "skills", Header: "技能要求", Aliases: []string{"技能标签", "所需技能", "技能"}, Example: "包装、叉车", Note: "用顿号或逗号分开"},
		{Key: "age", Header: "年龄要求", Aliases: []string{"年龄", "年龄范围", "年龄限制"}, Example: "18-55岁"},
		{Key: "physical", Header: "体力要求", Aliases: []string{"劳动强度", "体力强度", "体力"}, Example: "中", Note: "轻、中或重"},
		{Key: "meals", Header: "包吃", Aliases: []string{"是否包吃", "提供餐食", "包餐", "管吃", "供餐"}, Example: "是"},
		{Key: "lodging", Header: "包住", Aliases: []string{"是否包住", "提供住宿", "住宿", "管住"}, Example: "是"},
		{Key: "board", Header: "食宿", Aliases: []string{"是否包吃住", "包吃住", "食宿情况", "食宿条件"}, Alt: true, Example: "包吃住",
			Note: "包吃和包住写在一格时用"},
		{Key: "transport", Header: "交通补贴", Aliases: []string{"是否有交通补贴", "路费补贴", "交通补助", "报销路费"}, Example: "否"},
		{Key: "contact_name", Header: "联系人", Aliases: []string{"联系人姓名", "招聘联系人"}, Example: "测试丙三"},
		phoneColumn("contact_phone", "联系电话", "联系人电话", "联系人手机"),
		{Key: "description", Header: "岗位描述", Aliases: []string{"岗位说明", "工作内容", "岗位职责", "任职要求", "备注"}},
		{Key: "valid_from", Header: "有效期起", Aliases: []string{"发布日期", "开始日期", "有效期开始", "起始日期", "招聘开始日期"}, Example: "2024-09-01"},
		{Key: "valid_until", Header: "有效期止", Aliases: []string{"有效期至", "截止日期", "结束日期", "有效期结束", "招聘截止日期", "截止时间"},
			OneOf: "valid", Example: "2024-12-31"},
		{Key: "validity", Header: "有效期", Aliases: []string{"招聘有效期", "有效期限"}, OneOf: "valid", Alt: true,
			Example: "2024-09-01至2024-12-31", Note: "代替有效期起、有效期止"},
	}, latLngColumns()...)}
}

func jobKindEnum() *enum {
	return newEnum("岗位类型",
		enumValue{JobMigrant, "外出务工", []string{"县外务工", "省外务工", "省内县外务工", "外出", "跨省务工", "县外就业", "外出就业"}},
		enumValue{JobPark, "县城周边园区", []string{"园区就业", "产业园区", "县城园区", "县内园区", "园区", "县城周边产业园区"}},
		enumValue{JobWorkshop, "就近就业", []string{"帮扶车间", "就业帮扶车间", "车间", "就近就业(帮扶车间)", "就近就业/帮扶车间", "乡村就业工厂"}},
		enumValue{JobPublicWelfare, "乡村公益性岗位", []string{"公益性岗位", "公益岗", "公益岗位"}},
		enumValue{JobWorkRelief, "以工代赈", []string{"以工代赈项目"}},
		enumValue{JobGig, "零工", []string{"灵活就业", "零工市场", "打零工", "临时工", "本地灵活就业"}},
	)
}

func wageUnitEnum() *enum {
	return newEnum("计薪方式",
		enumValue{WageMonth, "月", []string{"按月", "月薪", "元/月", "每月", "包月"}},
		enumValue{WageDay, "日", []string{"天", "按日", "按天", "日薪", "元/天", "元/日", "日结"}},
		enumValue{WagePiece, "件", []string{"计件", "按件", "元/件"}},
	)
}

func physicalEnum() *enum {
	return newEnum("体力要求",
		enumValue{PhysicalLight, "轻", []string{"轻体力", "轻体力劳动", "较轻", "低"}},
		enumValue{PhysicalMedium, "中", []string{"一般", "中等", "中体力", "适中"}},
		enumValue{PhysicalHeavy, "重", []string{"重体力", "重体力劳动", "较重", "高"}},
	)
}

// NewJobDecoder reads job postings (岗位类型, 岗位名称, 用工单位, 薪资...).
func NewJobDecoder(src Source, opts Options) (*Decoder[JobRow], error) {
	kinds, units, physical := jobKindEnum(), wageUnitEnum(), physicalEnum()
	return newDecoder(src, KindJobs, opts, kindRules[JobRow]{
		parse: func(c *rowContext) JobRow {
			r := JobRow{Row: c.row.Num}
			r.ExternalNo = c.code("external_no", false, 64)
			r.Kind = c.enumValue("kind", kinds, true)
			r.Title = c.text("title", true, 128)
			r.Employer = c.text("employer", true, 128)
			r.RegionCode = c.regionCode("region_code", true)
			if r.Kind != JobMigrant { // migrant work is outside the county's own regions
				c.lookupRegion("region_code", r.RegionCode)
			}
			r.Address = c.text("address", false, 255)
			wages(c, &r, units)
			if n := c.integer("headcount", true, 1, 100000); n != nil {
				r.Headcount = *n
			}
			r.SkillTags = skillTags(c)
			if age, ok := parsed(c, "age", false, ParseAgeRange); ok {
				r.AgeMin, r.AgeMax = nonZero(age.Min), nonZero(age.Max)
			}
			r.PhysicalDemand = c.enumValue("physical", physical, false)
			board(c, &r)
			r.ContactName = c.text("contact_name", false, 64)
			r.ContactPhone = c.phone("contact_phone", false)
			r.Description = c.text("description", false, 2000)
			validity(c, &r)
			r.Latitude, r.Longitude = c.coordinates()
			return r
		},
		dupKey:  func(r *JobRow) string { return r.ExternalNo },
		dupWhat: "岗位编号",
		dupCols: []string{"external_no"},
	})
}

func nonZero(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// wages reads the minimum and maximum or the range, and the pay unit from
// 计薪方式, the range text or the header (最低月薪), which must agree.
func wages(c *rowContext, r *JobRow, units *enum) {
	unit := c.enumValue("wage_unit", units, false)
	var textUnit string
	if c.raw("wage_min") != "" || c.raw("wage_max") != "" {
		lo, okLo := c.fen("wage_min", true)
		hi, okHi := c.fen("wage_max", false)
		if !okHi && c.raw("wage_max") == "" {
			hi, okHi = lo, okLo
		}
		if !okLo || !okHi {
			return
		}
		r.WageMinFen, r.WageMaxFen = lo, hi
		textUnit = headerUnit(c.h.Name("wage_min"))
	} else {
		w, ok := parsed(c, "wage_range", false, ParseWageRange)
		if !ok {
			if c.raw("wage_range") == "" {
				c.reject("wage_range", "", "必填，不能为空（或填最低工资、最高工资）")
			}
			return
		}
		r.WageMinFen, r.WageMaxFen, textUnit = w.MinFen, w.MaxFen, w.Unit
		if textUnit == "" {
			textUnit = headerUnit(c.h.Name("wage_range"))
		}
	}
	switch {
	case r.WageMinFen > r.WageMaxFen:
		c.reject("wage_min", c.raw("wage_min"), "最低工资高于最高工资")
	case r.WageMaxFen == 0:
		c.reject("wage_max", c.raw("wage_max")+c.raw("wage_range"), "工资不能为0")
	}
	switch {
	case unit != "" && textUnit != "" && unit != textUnit:
		c.reject("wage_unit", c.raw("wage_unit"), "计薪方式与薪资中写的单位不一致")
	case unit == "" && textUnit == "" && c.raw("wage_unit") == "":
		c.reject("wage_unit", "", "没有写明计薪方式（按月、按日或计件）")
	case unit == "":
		unit = textUnit
	}
	r.WageUnit = unit
}

// headerUnit reads a pay unit a header implies: 月薪, 日薪.
func headerUnit(header string) string {
	switch {
	case strings.Contains(header, "月"):
		return WageMonth
	case strings.Contains(header, "日") || strings.Contains(header, "天"):
		return WageDay
	case strings.Contains(header, "件"):
		return WagePiece
	}
	return ""
}

// skillTags splits 技能要求 into tags.
func skillTags(c *rowContext) []string {
	v := c.value("skills", false)
	switch textKey(v) {
	case "", "无", "不限", "无要求", "无技能要求":
		return nil
	}
	var tags []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("、，,;；/|\n ", r) }) {
		t = cleanCell(t)
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > 32 {
			c.reject("skills", t, "单个技能标签过长（最多32个字），请用顿号分开")
			return nil
		}
		seen[t] = true
		tags = append(tags, t)
	}
	if len(tags) > maxSkillTags {
		c.reject("skills", v, "技能标签过多（最多20个）")
		return nil
	}
	return tags
}

// board reads 包吃, 包住 and 交通补贴, or a joint 食宿 cell (包吃住, 包住不包吃).
func board(c *rowContext, r *JobRow) {
	if b := c.boolean("meals"); b != nil {
		r.Meals = *b
	}
	if b := c.boolean("lodging"); b != nil {
		r.Lodging = *b
	}
	if b := c.boolean("transport"); b != nil {
		r.Transport = *b
	}
	v := c.value("board", false)
	if v == "" || c.raw("meals") != "" || c.raw("lodging") != "" {
		return
	}
	if b, err := ParseBool(v); err == nil {
		r.Meals, r.Lodging = b, b
		return
	}
	k := textKey(v)
	switch k {
	case "包吃住", "包食宿", "提供食宿", "管吃住":
		r.Meals, r.Lodging = true, true
	case "不包吃住", "不包食宿", "不提供食宿", "自理", "食宿自理":
		r.Meals, r.Lodging = false, false
	case "包吃", "管吃", "包吃不包住", "只包吃", "供餐":
		r.Meals = true
	case "包住", "管住", "包住不包吃", "只包住", "提供住宿":
		r.Lodging = true
	default:
		c.reject("board", v, "无法识别的食宿条件（可填：包吃住、包吃、包住、不包）")
	}
}

// validity reads 有效期起/止 or a joint 有效期 range.
func validity(c *rowContext, r *JobRow) {
	if v := c.raw("validity"); v != "" && c.raw("valid_until") == "" {
		from, until, err := dateRange(v)
		if err != nil {
			c.reject("validity", v, err.Error())
			return
		}
		r.ValidFrom, r.ValidUntil = from, until
	} else {
		r.ValidFrom = c.date("valid_from", false)
		r.ValidUntil = c.date("valid_until", !c.has("validity"))
		if r.ValidUntil.IsZero() && c.raw("valid_until") == "" && c.has("validity") {
			c.reject("validity", "", "必填，不能为空")
		}
	}
	if !r.ValidFrom.IsZero() && r.ValidUntil.Before(r.ValidFrom) && !r.ValidUntil.IsZero() {
		key := "valid_until"
		if c.raw("valid_until") == "" {
			key = "validity"
		}
		c.reject(key, c.raw(key), "有效期止早于有效期起")
	}
}
