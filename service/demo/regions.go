package demo

import (
	"fmt"

	"github.com/xiangbang/xiangbang/model"
)

// The demo county's codes. 4199 is not a real city, so demo data can never
// be mistaken for a real county's.
const (
	DemoProvince = "410000000000"
	DemoCity     = "419900000000"
	DemoCounty   = "419901000000"
	// DemoCountyPrefix is the county official's scope.
	DemoCountyPrefix = "419901"
)

var demoTowns = []struct {
	code, name string
	villages   []string
	lat, lng   float64
}{
	{"419901100000", "青石镇", []string{"青石村", "石桥村", "南岗村", "东坡村"}, 34.61, 113.52},
	{"419901101000", "柳河镇", []string{"柳河村", "杨庄村", "北湾村", "前营村"}, 34.68, 113.61},
	{"419901200000", "桃源乡", []string{"桃源村", "梨花村", "后山村", "白云村"}, 34.55, 113.70},
}

// Places outside the county that migrant-work postings name.
var outsideRegions = []model.Region{
	{Code: "440000000000", Name: "广东省", Level: model.LevelProvince},
	{Code: "440300000000", Name: "深圳市", Level: model.LevelCity},
	{Code: "330000000000", Name: "浙江省", Level: model.LevelProvince},
	{Code: "330100000000", Name: "杭州市", Level: model.LevelCity},
	{Code: "320000000000", Name: "江苏省", Level: model.LevelProvince},
	{Code: "320500000000", Name: "苏州市", Level: model.LevelCity},
	{Code: "410100000000", Name: "郑州市", Level: model.LevelCity},
}

func ptr[T any](v T) *T { return &v }

func (s *Seeder) seedRegions(tx *model.DB, sum *Summary) error {
	regions := []model.Region{
		{Code: DemoProvince, Name: "河南省", Level: model.LevelProvince},
		{Code: DemoCity, Name: "演示市", Level: model.LevelCity, ParentCode: ptr(DemoProvince)},
		{Code: DemoCounty, Name: "乡帮演示县", Level: model.LevelCounty, ParentCode: ptr(DemoCity), Latitude: ptr(34.62), Longitude: ptr(113.60)},
	}
	for _, r := range outsideRegions {
		if r.Level == model.LevelCity {
			r.ParentCode = ptr(r.Code[:2] + "0000000000")
		}
		regions = append(regions, r)
	}
	for _, t := range demoTowns {
		town := model.Region{Code: t.code, Name: t.name, Level: model.LevelTown, ParentCode: ptr(DemoCounty), Latitude: ptr(t.lat), Longitude: ptr(t.lng)}
		regions = append(regions, town)
		s.towns = append(s.towns, town)
		for i, name := range t.villages {
			v := model.Region{
				Code: fmt.Sprintf("%s%03d", t.code[:9], 201+i), Name: name, Level: model.LevelVillage,
				ParentCode: ptr(t.code), RuralPopulation: s.between(1800, 4200),
				Latitude: ptr(t.lat + float64(i)*0.012), Longitude: ptr(t.lng + float64(i%2)*0.015),
			}
			regions = append(regions, v)
			s.villages = append(s.villages, v)
		}
	}
	sum.Regions = len(regions)
	return tx.CreateInBatches(regions, batchSize).Error
}
