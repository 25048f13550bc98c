package importer

import (
	"github.com/xiangbang/xiangbang/model"
)

// RegionRow is one 统计用区划代码 entry.
type RegionRow struct {
	Row             int
	Code            string
	Name            string
	Level           int    // model.LevelProvince … model.LevelVillage, from the code
	ParentCode      string // as written, or derived from the code; "" for a province
	RuralPopulation *int
	Latitude        *float64
	Longitude       *float64
}

func regionSpec() *Spec {
	return &Spec{Kind: KindRegions, Title: "行政区划", Columns: append([]Column{
		{Key: "code", Header: "代码", Aliases: []string{"区划代码", "统计用区划代码", "行政区划代码", "区划编码", "行政区划编码", "编码"},
			Required: true, Example: "410122100201", Note: "12位统计用区划代码；县级6位、乡镇9位也可，会补足12位"},
		{Key: "name", Header: "名称", Aliases: []string{"区划名称", "行政区划名称", "单位名称", "地名", "村名", "名字"},
			Required: true, Example: "测试村委会"},
		{Key: "parent", Header: "上级代码", Aliases: []string{"上级区划代码", "父级代码", "上级编码", "上级行政区划代码"},
			Example: "410122100000", Note: "可不填：按代码的层级推出"},
		{Key: "rural_population", Header: "农村人口", Aliases: []string{"农村人口数", "农村户籍人口", "乡村人口", "农业人口"},
			Example: "1860", Note: "用于重点村认定，单位：人"},
	}, latLngColumns()...)}
}

// NewRegionDecoder reads a region list (代码, 名称, 上级代码).
func NewRegionDecoder(src Source, opts Options) (*Decoder[RegionRow], error) {
	return newDecoder(src, KindRegions, opts, kindRules[RegionRow]{
		parse:   parseRegion,
		dupKey:  func(r *RegionRow) string { return r.Code },
		dupWhat: "区划代码",
		dupCols: []string{"code"},
	})
}

func parseRegion(c *rowContext) RegionRow {
	r := RegionRow{Row: c.row.Num}
	r.Code = c.regionCode("code", true)
	r.Name = c.text("name", true, 64)
	r.RuralPopulation = c.integer("rural_population", false, 0, 10_000_000)
	r.Latitude, r.Longitude = c.coordinates()
	if r.Code == "" {
		return r
	}
	r.Level = model.RegionLevelOf(r.Code)
	parent := c.regionCode("parent", false)
	switch {
	case parent == "" && c.raw("parent") == "":
		r.ParentCode = parentOf(r.Code, r.Level)
	case parent == "":
	case !isAncestor(parent, r.Code):
		c.reject("parent", c.raw("parent"), "上级代码与本级代码不相符（下级代码应以上级代码的有效位开头）")
	default:
		r.ParentCode = parent
	}
	return r
}

// parentOf derives the parent of a code from the code's structure: a
// village's parent is its town, a town's its county, and so on.
func parentOf(code string, level int) string {
	if level <= model.LevelProvince {
		return ""
	}
	prefix := model.RegionPrefix(code, level-1)
	return prefix + "000000000000"[:12-len(prefix)]
}

// isAncestor reports whether parent is a region above code that contains it.
func isAncestor(parent, code string) bool {
	pl, cl := model.RegionLevelOf(parent), model.RegionLevelOf(code)
	if pl == 0 || pl >= cl {
		return false
	}
	prefix := model.RegionPrefix(parent, pl)
	return len(code) >= len(prefix) && code[:len(prefix)] == prefix
}
