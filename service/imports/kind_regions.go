package imports

import (
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/importer"
)

type regionItem struct {
	row int
	r   importer.RegionRow
}

// regionWriter writes the county's 统计用区划代码 list, keyed on the code.
type regionWriter struct{ j *job }

func (w *regionWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.RegionRow], error) {
	return importer.NewRegionDecoder(src, o)
}

func (w *regionWriter) rowOf(r *importer.RegionRow) int { return r.Row }
func (w *regionWriter) lookahead() lookahead            { return lookahead{} }
func (w *regionWriter) begin(*importer.Header)          {}
func (w *regionWriter) resolve(rc *rowCheck, r *importer.RegionRow) regionItem {
	if !rc.inScope("code", r.Code, r.Code) {
		return regionItem{}
	}
	rc.dup("code", r.Code, "区划代码", r.Code)
	return regionItem{row: r.Row, r: *r}
}

var regionUpsert = upsert{
	table:  "regions",
	cols:   []string{"code", "name", "level", "parent_code", "rural_population", "latitude", "longitude", "created_at", "updated_at"},
	key:    []string{"code"},
	update: []string{"name", "level", "parent_code", "rural_population", "latitude", "longitude", "updated_at"},
}

func (w *regionWriter) flush(b *batch, items []regionItem) error {
	codes := make([]string, len(items))
	for i := range items {
		codes[i] = items[i].r.Code
	}
	var stored []model.Region
	if err := b.tx.WithContext(b.ctx).Where((&where{}).in("code", codes).and()).Find(&stored).Error; err != nil {
		return err
	}
	byCode := make(map[string]*model.Region, len(stored))
	for i := range stored {
		byCode[stored[i].Code] = &stored[i]
	}
	var rows [][]any
	for _, it := range items {
		r := it.r
		next := model.Region{Code: r.Code, Name: r.Name, Level: r.Level, Latitude: r.Latitude, Longitude: r.Longitude, CreatedAt: b.now}
		if r.ParentCode != "" {
			next.ParentCode = &r.ParentCode
		}
		if r.RuralPopulation != nil {
			next.RuralPopulation = *r.RuralPopulation
		}
		if old, ok := byCode[r.Code]; ok {
			// What the file does not give stays as stored.
			if r.RuralPopulation == nil {
				next.RuralPopulation = old.RuralPopulation
			}
			if r.Latitude == nil {
				next.Latitude, next.Longitude = old.Latitude, old.Longitude
			}
			var c changes
			c.str("name", old.Name, next.Name)
			c.num("level", int64(old.Level), int64(next.Level))
			c.str("parent_code", deref(old.ParentCode), deref(next.ParentCode))
			c.num("rural_population", int64(old.RuralPopulation), int64(next.RuralPopulation))
			c.float("latitude", old.Latitude, next.Latitude)
			c.float("longitude", old.Longitude, next.Longitude)
			if len(c) == 0 {
				b.unchanged++
				continue
			}
			b.changedRow("region", 0, r.Code, c)
			next.CreatedAt = old.CreatedAt
		} else {
			b.created++
		}
		rows = append(rows, []any{next.Code, next.Name, next.Level, next.ParentCode, next.RuralPopulation, next.Latitude, next.Longitude,
			next.CreatedAt, b.now})
	}
	if len(rows) == 0 {
		return nil
	}
	return regionUpsert.exec(b, rows)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
