package importer

import (
	"github.com/xiangbang/xiangbang/model"
)

// HouseholdRow is one household (户) from the 防返贫监测 system.
type HouseholdRow struct {
	Row         int
	HouseholdNo string
	HeadName    string
	// HeadIDCard is the head's ID number when the file gives it. The
	// households table has no such column: the head is a member, so the
	// writing half keeps it on the head's member row.
	HeadIDCard string
	Phone      string
	// RegionCode is the village: as written, or found from Town and Village
	// through Lookups. Empty only when there are no Lookups to ask.
	RegionCode  string
	Town        string
	Village     string
	Class       string // model.Class*
	Address     string
	Size        *int
	LabourCount *int
	Elevated    *bool // 提级帮扶: support_level elevated when true
	// Status is model.Household*: active, risk_cleared or cancelled; ""
	// when the file does not say, so that what is stored stays.
	Status    string
	Latitude  *float64
	Longitude *float64
}

func householdSpec() *Spec {
	return &Spec{Kind: KindHouseholds, Title: "脱贫户和监测对象", Columns: append([]Column{
		householdNoColumn(true),
		{Key: "head_name", Header: "户主姓名", Aliases: []string{"户主", "户主名称", "户主名字"}, Required: true, Example: "测试甲一"},
		{Key: "head_id_card", Header: "户主身份证号", Aliases: idCardAliases("户主身份证号码", "户主证件号码", "户主公民身份号码", "身份证号"),
			Sensitive: true, Example: "419999195001011237", Note: "18位，末位可为X"},
		phoneColumn("phone", "联系电话", "户主联系电话", "户主电话", "户主手机号"),
		{Key: "region_code", Header: "行政区划代码", Aliases: []string{"区划代码", "村代码", "村级区划代码", "所属村代码", "村行政区划代码", "行政村代码", "统计用区划代码"},
			OneOf: "region", Example: "410122100201", Note: "所在村的12位区划代码；不填时按“所属乡镇”和“所属村”的名称查找"},
		{Key: "village", Header: "所属村", Aliases: []string{"村名", "行政村", "所在村", "村", "村委会", "村名称", "村(社区)", "所属村(社区)"},
			OneOf: "region", Example: "测试村"},
		{Key: "town", Header: "所属乡镇", Aliases: []string{"乡镇", "乡(镇)", "乡镇(街道)", "所在乡镇", "镇", "乡镇名称"}, Example: "测试镇"},
		{Key: "class", Header: "户类型", Aliases: []string{"户类别", "农户类型", "户属性", "人口类型", "户类型名称"},
			OneOf: "class", Example: "脱贫户", Note: "脱贫户、脱贫不稳定户、边缘易致贫户或突发严重困难户"},
		{Key: "monitor_class", Header: "监测对象类别", Aliases: []string{"监测类型", "监测对象类型", "监测户类型", "监测类别"},
			OneOf: "class", Example: "边缘易致贫户", Note: "户类型写“监测户”时用此列区分三类监测对象"},
		{Key: "address", Header: "家庭住址", Aliases: []string{"住址", "详细地址", "家庭地址", "现住址", "居住地址", "地址"}, Example: "测试村3组12号"},
		{Key: "size", Header: "家庭人口数", Aliases: []string{"家庭人口", "人口数", "户人口数", "家庭成员数", "家庭人数", "人口"}, Example: "4"},
		{Key: "labour_count", Header: "劳动力人数", Aliases: []string{"劳动力数", "劳动力", "家庭劳动力人数", "劳力数"}, Example: "2"},
		{Key: "elevated", Header: "是否提级帮扶", Aliases: []string{"提级帮扶"}, Example: "否"},
		{Key: "status", Header: "户状态", Aliases: []string{"农户状态", "风险状态", "监测状态", "风险消除状态", "户籍状态", "状态"},
			Example: "正常", Note: "正常、风险已消除或已注销；不填时不改变已有的状态"},
	}, latLngColumns()...)}
}

// householdClassEnum names the household classes as the monitoring system
// and counties write them.
func householdClassEnum() *enum {
	return newEnum("户类型",
		enumValue{model.ClassPovertyAlleviated, "脱贫户", []string{"脱贫人口", "已脱贫户", "脱贫户(非监测)", "一般脱贫户", "稳定脱贫户"}},
		enumValue{model.ClassMonitorUnstable, "脱贫不稳定户", []string{"脱贫不稳定", "脱贫不稳定人口", "监测户(脱贫不稳定)", "脱贫监测户"}},
		enumValue{model.ClassMonitorMarginal, "边缘易致贫户", []string{"边缘易致贫", "边缘户", "边缘易致贫人口", "边缘致贫户", "监测户(边缘易致贫)"}},
		enumValue{model.ClassMonitorSudden, "突发严重困难户", []string{"突发严重困难", "突发困难户", "突发严重困难人口", "严重困难户", "监测户(突发严重困难)"}},
	)
}

// householdStatusEnum names the statuses the monitoring system and
// counties write (model.Household*).
func householdStatusEnum() *enum {
	return newEnum("户状态",
		enumValue{model.HouseholdActive, "正常", []string{"在册", "有效", "风险未消除", "未消除", "监测中", "正常户", "未消除风险"}},
		enumValue{model.HouseholdRiskCleared, "风险已消除", []string{"已消除", "风险消除", "已标注风险消除", "消除风险", "已消除风险", "标注风险消除"}},
		enumValue{model.HouseholdCancelled, "已注销", []string{"注销", "销户", "已销户", "自然消亡", "整户消亡", "户注销", "整户注销"}},
	)
}

// isMonitoredOnly reports whether a 户类型 says "monitored" without saying
// which of the three kinds.
func isMonitoredOnly(v string) bool {
	switch textKey(v) {
	case "监测户", "监测对象", "防返贫监测对象", "监测", "监测户(未细分)":
		return true
	}
	return false
}

// NewHouseholdDecoder reads households (户编号, 户主姓名, 行政区划代码, 户类型...).
func NewHouseholdDecoder(src Source, opts Options) (*Decoder[HouseholdRow], error) {
	classes, statuses := householdClassEnum(), householdStatusEnum()
	return newDecoder(src, KindHouseholds, opts, kindRules[HouseholdRow]{
		parse:   func(c *rowContext) HouseholdRow { return parseHousehold(c, classes, statuses) },
		dupKey:  func(r *HouseholdRow) string { return r.HouseholdNo },
		dupWhat: "户编号",
		dupCols: []string{"household_no"},
	})
}

func parseHousehold(c *rowContext, classes, statuses *enum) HouseholdRow {
	r := HouseholdRow{Row: c.row.Num}
	r.HouseholdNo = c.code("household_no", true, 32)
	r.HeadName = c.text("head_name", true, 64)
	r.HeadIDCard = c.idCard("head_id_card", false)
	r.Phone = c.phone("phone", false)
	r.Class = householdClass(c, classes)
	r.Address = c.text("address", false, 255)
	r.Size = c.integer("size", false, 1, 50)
	r.LabourCount = c.integer("labour_count", false, 0, 50)
	if r.Size != nil && r.LabourCount != nil && *r.LabourCount > *r.Size {
		c.reject("labour_count", c.raw("labour_count"), "劳动力人数多于家庭人口数")
	}
	r.Elevated = c.boolean("elevated")
	r.Status = c.enumValue("status", statuses, false)
	r.Latitude, r.Longitude = c.coordinates()
	r.Town = c.text("town", false, 64)
	r.Village = c.text("village", false, 64)
	r.RegionCode = villageCode(c, r.Town, r.Village)
	return r
}

// householdClass reads 户类型, or 监测对象类别 when the file splits them.
func householdClass(c *rowContext, classes *enum) string {
	if c.raw("monitor_class") != "" {
		class := c.enumValue("monitor_class", classes, false)
		if class == model.ClassPovertyAlleviated {
			c.reject("monitor_class", c.raw("monitor_class"), "监测对象类别应为脱贫不稳定户、边缘易致贫户或突发严重困难户")
			return ""
		}
		return class
	}
	v := c.raw("class")
	if v == "" {
		c.reject("class", "", "必填，不能为空")
		return ""
	}
	if isMonitoredOnly(v) {
		c.reject("class", v, "户类型为监测户时，须注明是脱贫不稳定户、边缘易致贫户还是突发严重困难户（可另设“监测对象类别”列）")
		return ""
	}
	return c.enumValue("class", classes, true)
}

// villageCode reads the village's code, or finds it by name.
func villageCode(c *rowContext, town, village string) string {
	if c.raw("region_code") != "" {
		code := c.regionCode("region_code", false)
		if code == "" {
			return ""
		}
		if model.RegionLevelOf(code) != model.LevelVillage {
			c.reject("region_code", c.raw("region_code"), "应为村（社区）级的12位区划代码，末三位不能都是0")
			return ""
		}
		if !c.lookupRegion("region_code", code) {
			return ""
		}
		return code
	}
	if village == "" {
		c.reject("region_code", "", "行政区划代码和所属村至少填一项")
		return ""
	}
	if c.opts.Lookups == nil {
		return "" // the writing half resolves Town and Village itself
	}
	codes, err := c.opts.Lookups.VillageCodes(town, village)
	switch {
	case err != nil:
		c.fail(err)
	case len(codes) == 0:
		c.reject("village", village, "在已导入的行政区划中找不到这个村（请核对村名和所属乡镇，或填写行政区划代码）")
	case len(codes) > 1:
		c.reject("village", village, "有多个同名的村，请填写所属乡镇或行政区划代码")
	default:
		return codes[0]
	}
	return ""
}
