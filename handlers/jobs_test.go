package handlers

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/jobs"
)

const (
	tCounty  = "419901000000"
	tTown    = "419901100000"
	tVillage = "419901100201"
	tOther   = "419901200201"
	tSZ      = "440300000000"
)

// jobWorld is a county with an official, for the job tests.
type jobWorld struct {
	*harness
	official string // bearer token of the county's official
}

func newJobWorld(t *testing.T, db *model.DB) *jobWorld {
	h := newHarness(t, db)
	for code, name := range map[string]string{"410000000000": "河南省", tCounty: "测试县", tTown: "青石镇",
		tVillage: "青石村", "419901200000": "桃源乡", tOther: "桃源村", "440000000000": "广东省", tSZ: "深圳市"} {
		h.fx.Region(code, name)
	}
	return &jobWorld{harness: h, official: h.signInAdmin(h.fx.Admin("419901"))}
}

// posting is a valid posting to change per test.
func posting(title string) map[string]any {
	return map[string]any{
		"kind": "park", "title": title, "employer": "测试县产业园示例食品厂", "region_code": tCounty,
		"address": "产业园 1 号", "wage_min_fen": 300000, "wage_max_fen": 400000, "wage_unit": "month",
		"headcount": 10, "skill_tags": []string{"包装", "焊工"}, "age_min": 18, "age_max": 60,
		"physical_demand": "light", "benefits": map[string]bool{"meals": true, "lodging": false, "transport": true},
		"contact_name": "王经理", "contact_phone": "0371-66001234", "description": "长期招聘",
		"valid_until": time.Now().AddDate(0, 1, 0).Format("2006-01-02"),
	}
}

func with(base map[string]any, kv ...any) map[string]any {
	m := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
			continue
		}
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func (w *jobWorld) publish(body map[string]any) jobs.AdminJobView {
	w.t.Helper()
	r := w.do("POST", "/admin/api/jobs", body, w.official)
	if r.Code != 201 {
		w.t.Fatalf("publish: %d %s", r.Code, r.Body)
	}
	return decode[jobs.AdminJobView](w.t, r)
}

func TestJobPostingBadInput(t *testing.T) {
	w := newJobWorld(t, modeltest.SQLite(t))
	w.publish(with(posting("已有"), "external_no", "HR-1"))
	today := time.Now().Format("2006-01-02")
	tenThousand := make([]string, 10000)
	for i := range tenThousand {
		tenThousand[i] = fmt.Sprintf("标签%d", i)
	}
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"unknown kind", with(posting("x"), "kind", "factory"), 400, "unknown_kind"},
		{"region not on file", with(posting("x"), "region_code", "419901999999"), 400, "unknown_region"},
		{"region malformed", with(posting("x"), "region_code", "4199"), 400, "invalid_region"},
		{"wage min above max", with(posting("x"), "wage_min_fen", 500000), 400, "wage_range_inverted"},
		{"wage missing", with(posting("x"), "wage_max_fen", nil), 400, "missing_wage"},
		{"wage negative", with(posting("x"), "wage_min_fen", -1), 400, "invalid_wage"},
		{"wage absurd", with(posting("x"), "wage_max_fen", 1_000_000_000), 400, "invalid_wage"},
		{"wage unit", with(posting("x"), "wage_unit", "year"), 400, "invalid_wage_unit"},
		{"10,000 tags", with(posting("x"), "skill_tags", tenThousand), 400, "too_many_tags"},
		{"a tag too long", with(posting("x"), "skill_tags", []string{strings.Repeat("长", 17)}), 400, "invalid_tag"},
		{"a tag with a separator", with(posting("x"), "skill_tags", []string{"电工|焊工"}), 400, "invalid_tag"},
		{"no headcount", with(posting("x"), "headcount", 0), 400, "invalid_headcount"},
		{"filled on create", with(posting("x"), "filled", 3), 400, "invalid_filled"},
		{"ages inverted", with(posting("x"), "age_min", 50, "age_max", 20), 400, "invalid_age_range"},
		{"age absurd", with(posting("x"), "age_max", 200), 400, "invalid_age_range"},
		{"physical demand", with(posting("x"), "physical_demand", "extreme"), 400, "invalid_physical_demand"},
		{"half coordinates", with(posting("x"), "latitude", 34.6), 400, "invalid_coordinates"},
		{"phone", with(posting("x"), "contact_phone", "12345"), 400, "invalid_phone"},
		{"no phone", with(posting("x"), "contact_phone", nil), 400, "invalid_phone"},
		{"no title", with(posting("x"), "title", "  "), 400, "missing_title"},
		{"title too long", with(posting("x"), "title", strings.Repeat("工", 65)), 400, "invalid_title"},
		{"no employer", with(posting("x"), "employer", nil), 400, "missing_employer"},
		{"until before from", with(posting("x"), "valid_from", today, "valid_until", time.Now().AddDate(0, 0, -1).Format("2006-01-02")), 400, "invalid_validity"},
		{"already expired", with(posting("x"), "valid_from", "2020-01-01", "valid_until", "2020-02-01"), 400, "already_expired"},
		{"valid two years", with(posting("x"), "valid_until", time.Now().AddDate(2, 0, 0).Format("2006-01-02")), 400, "validity_too_long"},
		{"no validity", with(posting("x"), "valid_until", nil), 400, "missing_valid_until"},
		{"bad date", with(posting("x"), "valid_until", "next week"), 400, "invalid_json"},
		{"wrong type", with(posting("x"), "headcount", "ten"), 400, "invalid_field"},
		{"not JSON", "{", 400, "invalid_json"},
		{"duplicate external number", with(posting("x"), "external_no", "HR-1"), 409, "duplicate_external_no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, w.do("POST", "/admin/api/jobs", tt.body, w.official), tt.status, tt.code)
		})
	}
	var n int64
	w.db.Model(&model.Job{}).Count(&n)
	var tags int64
	w.db.Model(&model.JobTag{}).Count(&tags)
	if n != 1 || tags != 2 {
		t.Fatalf("bad input left rows behind: %d jobs, %d tags", n, tags)
	}
}

func TestJobPostingLifecycle(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		created := w.publish(posting("食品包装工"))
		if created.Status != "open" || created.ContactPhone != "0371-****1234" || created.OwnerRegion != "419901" ||
			!slices.Equal(created.SkillTags, []string{"包装", "电焊"}) || created.RegionName != "测试县" || created.Remaining != 10 {
			t.Fatalf("created %+v", created)
		}
		if !strings.HasSuffix(created.PublishedAt.Format(time.RFC3339), "+08:00") {
			t.Fatalf("published_at %s is not shown in +08:00", created.PublishedAt.Format(time.RFC3339))
		}
		path := fmt.Sprintf("/admin/api/jobs/%d", created.ID)

		// Edit: new fields, the phone kept when left empty, tags rewritten.
		r := w.do("PUT", path, with(posting("食品包装工（长白班）"), "contact_phone", "", "filled", 4, "skill_tags", []string{"叉车司机"}), w.official)
		if r.Code != 200 {
			t.Fatalf("edit: %d %s", r.Code, r.Body)
		}
		edited := decode[jobs.AdminJobView](t, r)
		if edited.Title != "食品包装工（长白班）" || edited.ContactPhone != "0371-****1234" || edited.Filled != 4 || edited.Remaining != 6 ||
			!edited.PublishedAt.Equal(created.PublishedAt) {
			t.Fatalf("edited %+v", edited)
		}
		var tags []string
		db.Model(&model.JobTag{}).Where("job_id = ?", created.ID).Pluck("tag", &tags)
		if !slices.Equal(tags, []string{"叉车"}) {
			t.Fatalf("job_tags %v", tags)
		}
		wantError(t, w.do("PUT", path, with(posting("x"), "filled", 11), w.official), 400, "invalid_filled")

		// Another county's official sees nothing of it; a cadre is no official.
		other := w.signInAdmin(w.fx.Admin("419902"))
		wantError(t, w.do("GET", path, nil, other), 404, "not_found")
		wantError(t, w.do("PUT", path, posting("x"), other), 404, "not_found")
		wantError(t, w.do("POST", path+"/close", nil, other), 404, "not_found")
		cadre := w.signInUser(w.fx.CadreUser(w.fx.Cadre(tVillage)))
		wantError(t, w.do("GET", "/admin/api/jobs", nil, cadre), 403, "forbidden")

		// Close twice: the same answer; then it is off the board and cannot be edited.
		for range 2 {
			r = w.do("POST", path+"/close", nil, w.official)
			if r.Code != 200 || decode[jobs.AdminJobView](t, r).Status != "closed" {
				t.Fatalf("close: %d %s", r.Code, r.Body)
			}
		}
		wantError(t, w.do("PUT", path, posting("x"), w.official), 409, "job_closed")
		worker := w.signInUser(w.fx.GuestUser())
		if page := decode[jobs.Page[jobs.JobView]](t, w.do("GET", "/api/v1/jobs", nil, worker)); len(page.Items) != 0 {
			t.Fatalf("a closed posting is listed: %+v", page.Items)
		}
		if v := decode[jobs.JobView](t, w.do("GET", fmt.Sprintf("/api/v1/jobs/%d", created.ID), nil, worker)); v.Status != "closed" {
			t.Fatalf("detail of a closed posting: %+v", v)
		}
		list := decode[jobs.Page[jobs.AdminJobView]](t, w.do("GET", "/admin/api/jobs?status=closed", nil, w.official))
		if len(list.Items) != 1 || list.Items[0].ID != created.ID {
			t.Fatalf("admin list of closed: %+v", list)
		}
		var audits int64
		db.Model(&model.AuditEntry{}).Where("target_kind = 'job' AND target_id = ?", created.ID).Count(&audits)
		if audits != 3 { // create, update, one close
			t.Fatalf("%d audit entries, want 3", audits)
		}
	})
}

func TestJobListFilters(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		w.publish(with(posting("电子厂普工"), "kind", "migrant", "region_code", tSZ, "employer", "深圳示例电子有限公司", "skill_tags", []string{"普工"}))
		w.publish(with(posting("乡村保洁员"), "kind", "public_welfare", "region_code", tVillage, "employer", "青石镇人民政府", "skill_tags", []string{"保洁"}))
		w.publish(with(posting("钢结构焊接"), "kind", "park", "skill_tags", []string{"电焊"}))
		w.publish(with(posting("100%好工作_急招"), "kind", "gig", "skill_tags", []string{}))
		expired := w.publish(with(posting("过期岗位"), "kind", "gig"))
		db.Model(&model.Job{}).Where("id = ?", expired.ID).Update("valid_until", model.DateOf(time.Now().AddDate(0, 0, -2)))
		guest := w.signInUser(w.fx.GuestUser())

		titles := func(query string) []string {
			t.Helper()
			r := w.do("GET", "/api/v1/jobs?"+query, nil, guest)
			if r.Code != 200 {
				t.Fatalf("%s: %d %s", query, r.Code, r.Body)
			}
			var out []string
			for _, v := range decode[jobs.Page[jobs.JobView]](t, r).Items {
				out = append(out, v.Title)
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"100%好工作_急招", "乡村保洁员", "钢结构焊接", "电子厂普工"}},
			{"q=" + url.QueryEscape("保洁"), []string{"乡村保洁员"}},
			{"q=" + url.QueryEscape("深圳"), []string{"电子厂普工"}},               // employer
			{"q=" + url.QueryEscape("普工"), []string{"电子厂普工"}},               // title and tag
			{"q=" + url.QueryEscape("焊工"), []string{"钢结构焊接"}},               // a synonym finds the tag 电焊
			{"q=" + url.QueryEscape("镇 保洁"), []string{"乡村保洁员"}},             // every word must appear
			{"q=" + url.QueryEscape("100%"), []string{"100%好工作_急招"}},        // wildcards are literal
			{"q=" + url.QueryEscape("%"), []string{"100%好工作_急招"}},           //
			{"q=" + url.QueryEscape("_"), []string{"100%好工作_急招"}},           //
			{"q=" + url.QueryEscape("过期"), nil},                             // expired postings drop out
			{"region=" + tCounty, []string{"100%好工作_急招", "乡村保洁员", "钢结构焊接"}}, // the county and under it
			{"region=" + tTown, []string{"乡村保洁员"}},
			{"region=440000000000", []string{"电子厂普工"}},
			{"kind=public_welfare", []string{"乡村保洁员"}},
			{"kind=migrant,park", []string{"钢结构焊接", "电子厂普工"}},
			{"kind=park&region=" + tTown, nil},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				slices.Sort(tt.want)
				if got := titles(tt.query); !slices.Equal(got, tt.want) {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			})
		}
		bad := []struct{ query, code string }{
			{"kind=factory", "unknown_kind"},
			{"kind=park,", "unknown_kind"},
			{"region=419901999999", "unknown_region"},
			{"region=41", "invalid_region"},
			{"cursor=not-a-cursor", "invalid_cursor"},
			{"cursor=" + url.QueryEscape("djEuMS4w"), "invalid_cursor"}, // "v1.1.0": id 0
			{"q=" + strings.Repeat("字", 31), "query_too_long"},
			{"q=a+b+c+d+e+f", "query_too_long"},
			{"limit=0", "invalid_limit"},
			{"limit=many", "invalid_limit"},
		}
		for _, tt := range bad {
			t.Run("bad "+tt.query, func(t *testing.T) {
				wantError(t, w.do("GET", "/api/v1/jobs?"+tt.query, nil, guest), 400, tt.code)
			})
		}
		wantError(t, w.do("GET", "/api/v1/jobs", nil, ""), 401, "unauthenticated")
		wantError(t, w.do("GET", "/api/v1/jobs/abc", nil, guest), 404, "not_found")
		wantError(t, w.do("GET", "/api/v1/jobs/999999", nil, guest), 404, "not_found")
		wantError(t, w.do("GET", "/admin/api/jobs?status=lost", nil, w.official), 400, "invalid_status")
	})
}

// TestJobPagingStableUnderInserts pages through the board while postings
// are published between pages: every posting there at the start is seen
// exactly once, in order.
func TestJobPagingStableUnderInserts(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		var initial []int64
		for i := range 11 {
			initial = append(initial, w.publish(posting(fmt.Sprintf("岗位%02d", i))).ID)
		}
		// Two postings share a published_at to the millisecond: the id breaks the tie.
		same := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
		db.Model(&model.Job{}).Where("id IN ?", initial[3:5]).Update("published_at", same)
		guest := w.signInUser(w.fx.GuestUser())
		var seen []int64
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			r := w.do("GET", "/api/v1/jobs?limit=3&cursor="+url.QueryEscape(cursor), nil, guest)
			if r.Code != 200 {
				t.Fatalf("page %d: %d %s", pages, r.Code, r.Body)
			}
			page := decode[jobs.Page[jobs.JobView]](t, r)
			for _, v := range page.Items {
				seen = append(seen, v.ID)
			}
			// Publishing between pages must not shift what comes next.
			w.publish(posting(fmt.Sprintf("新岗位%d", pages)))
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		var fromStart []int64
		for _, id := range seen {
			if slices.Contains(initial, id) {
				fromStart = append(fromStart, id)
			}
		}
		if len(seen) != len(fromStart) {
			t.Fatalf("postings published after the first page showed up in later pages: %v", seen)
		}
		slices.Sort(fromStart)
		if !slices.Equal(slices.Compact(fromStart), initial) || len(fromStart) != len(initial) {
			t.Fatalf("seen %v, want each of %v once", seen, initial)
		}
		var want []model.Job
		db.Where("id IN ?", initial).Order("published_at DESC, id DESC").Find(&want)
		for i, j := range want {
			if seen[i] != j.ID {
				t.Fatalf("order %v differs from (published_at, id) DESC at %d", seen, i)
			}
		}
	})
}
