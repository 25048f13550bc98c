package importer

import (
	"fmt"

	"github.com/xiangbang/xiangbang/config"
)

// ItemCatalogue finds subsidy items by the codes, names and aliases files
// use for them.
type ItemCatalogue struct {
	items []config.SubsidyItem
	byKey map[string]int
}

// NewItemCatalogue indexes items (config.LoadSubsidyItems). Two items that
// share a name once width, spaces and brackets are ignored are refused: a
// file could not say which one it meant.
func NewItemCatalogue(items []config.SubsidyItem) (*ItemCatalogue, error) {
	c := &ItemCatalogue{items: items, byKey: map[string]int{}}
	for i, it := range items {
		for _, name := range append([]string{it.Code, it.Name}, it.Aliases...) {
			k := textKey(name)
			if j, dup := c.byKey[k]; dup && j != i {
				return nil, fmt.Errorf("importer: subsidy items %s and %s share the name %q", items[j].Code, it.Code, name)
			}
			c.byKey[k] = i
		}
	}
	return c, nil
}

// Find returns the item a file's text names: "耕地地力保护补贴",
// "耕地地力补贴（2024年）", "dibao".
func (c *ItemCatalogue) Find(s string) (config.SubsidyItem, bool) {
	for _, k := range matchKeys(s) {
		if i, ok := c.byKey[k]; ok {
			return c.items[i], true
		}
	}
	return config.SubsidyItem{}, false
}

// Items lists the catalogue in its order.
func (c *ItemCatalogue) Items() []config.SubsidyItem {
	return append([]config.SubsidyItem(nil), c.items...)
}
