package console

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
)

// RegionNode is one region in a picker.
type RegionNode struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      int    `json:"level"`
	ParentCode string `json:"parent_code"`
}

// RegionTree is the scope's region and the regions under it that a filter
// can pick.
type RegionTree struct {
	Root  RegionRef    `json:"root"`
	Items []RegionNode `json:"items"`
}

// Regions lists the regions under the scope (narrowed to region), two
// levels deep: a county official gets the towns and their villages, a town
// official the villages, a whole-deployment scope the provinces and cities.
func (s *Service) Regions(ctx context.Context, scope model.Scope, region string) (RegionTree, error) {
	scope, err := Narrow(scope, region)
	if err != nil {
		return RegionTree{}, err
	}
	prefix := prefixOf(scope)
	root, err := s.regionRef(ctx, prefix)
	if err != nil {
		return RegionTree{}, err
	}
	level := levelOfPrefix(len(prefix))
	q := s.db.WithContext(ctx).Model(&model.Region{}).Where("level > ? AND level <= ?", level, level+2)
	if prefix != "" {
		q = q.Where("code LIKE ?", prefix+"%")
	}
	var rs []model.Region
	if err := q.Order("code").Limit(5000).Find(&rs).Error; err != nil {
		return RegionTree{}, err
	}
	out := RegionTree{Root: root, Items: []RegionNode{}}
	for _, r := range rs {
		parent := ""
		if r.ParentCode != nil {
			parent = *r.ParentCode
		}
		out.Items = append(out.Items, RegionNode{Code: r.Code, Name: r.Name, Level: r.Level, ParentCode: parent})
	}
	return out, nil
}

// levelOfPrefix is the level a prefix of n digits stands for (0: the whole
// deployment). Prefixes between levels count as the level above them.
func levelOfPrefix(n int) int {
	switch {
	case n >= 12:
		return model.LevelVillage
	case n >= 9:
		return model.LevelTown
	case n >= 6:
		return model.LevelCounty
	case n >= 4:
		return model.LevelCity
	case n >= 2:
		return model.LevelProvince
	}
	return 0
}
