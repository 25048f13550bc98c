package jobs

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
)

// BenchmarkList is the public board over 20,000 open postings on MariaDB
// (XB_TEST_MYSQL_DSN), with and without a keyword; it runs only with
// -bench. Results are in docs/PERFORMANCE.md.
func BenchmarkList(b *testing.B) {
	db := modeltest.MySQL(b)
	fx := modeltest.NewFixtures(b, db)
	fx.Region("419001000000", "测试县")
	fx.Region("419001100000", "测试镇")
	r := rand.New(rand.NewPCG(6, 20000))
	titles := []string{"电子厂普工", "食品包装工", "叉车司机", "服装缝纫工", "乡村保洁员", "护林员", "建筑小工", "物流分拣员", "电工", "帮扶车间手工编织"}
	tags := []string{"普工", "包装", "叉车", "缝纫", "保洁", "护林", "建筑", "分拣", "电工", "编织"}
	kinds := []string{"migrant", "park", "workshop", "public_welfare", "work_relief", "gig"}
	cols := []string{"kind", "title", "employer", "region_code", "address", "wage_min_fen", "wage_max_fen", "wage_unit", "headcount",
		"skill_tags", "tag_key", "physical_demand", "benefits", "contact_name", "status", "valid_from", "valid_until", "published_at",
		"owner_region", "created_at", "updated_at"}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	start := time.Now()
	for batch := 0; batch < 20; batch++ {
		var args []any
		for range 1000 {
			t := r.IntN(len(titles))
			published := time.Now().UTC().Add(-time.Duration(r.IntN(60*24*60)) * time.Minute).Truncate(time.Millisecond)
			region := fmt.Sprintf("4190%02d1%02d2%02d", 1+r.IntN(50), r.IntN(5), r.IntN(10))
			tagJSON, _ := json.Marshal([]string{tags[t]})
			args = append(args, kinds[r.IntN(len(kinds))], titles[t], fmt.Sprintf("示例单位%d", r.IntN(500)), region, "", 300000,
				400000, "month", 10, string(tagJSON), tags[t], "medium", "{}", "", model.JobOpen, model.DateOf(published),
				model.DateOf(time.Now().AddDate(0, 0, 1+r.IntN(90))), published, "419001", published, published)
		}
		q := "INSERT INTO jobs (" + strings.Join(cols, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", 1000), ",")
		if err := db.Exec(q, args...).Error; err != nil {
			b.Fatal(err)
		}
	}
	db.Exec("ANALYZE TABLE jobs")
	b.Logf("loaded 20,000 open postings in %s", time.Since(start).Round(time.Millisecond))
	log, _ := audit.New(db, nil)
	s, err := FromConfig(config.Default(), db, fx.Cipher, log, nil)
	if err != nil {
		b.Fatal(err)
	}
	deep, err := s.List(b.Context(), ListQuery{Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	for range 20 { // the cursor of page 21
		p, err := s.List(b.Context(), ListQuery{Limit: 50, Cursor: deep.NextCursor})
		if err != nil {
			b.Fatal(err)
		}
		deep = p
	}
	for _, tt := range []struct {
		name string
		q    ListQuery
	}{
		{"first_page", ListQuery{}},
		{"page_21_by_cursor", ListQuery{Cursor: deep.NextCursor}},
		{"region_county_and_kind", ListQuery{Region: "419001000000", Kind: "workshop"}},
		{"keyword_common_普工", ListQuery{Q: "普工"}},
		{"keyword_two_words", ListQuery{Q: "包装 示例单位1"}},
		{"keyword_matching_nothing", ListQuery{Q: "无人机"}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				p, err := s.List(b.Context(), tt.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(p.Items)
			}
			b.ReportMetric(float64(n), "items")
		})
	}
}
