package handlers

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/jobs"
)

// profile is a valid job profile to change per test.
func profile() map[string]any {
	return map[string]any{
		"skills": []string{"缝纫", "焊工"}, "places": []string{"本地", "county"}, "kinds": []string{"workshop", "park"},
		"min_wage_fen": 300000, "wage_unit": "month", "capacity": "full",
	}
}

func TestJobProfile(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		_, m := w.fx.Household(tVillage)
		db.Model(&model.Member{}).Where("id = ?", m.ID).Update("wish_to_work", false)
		tok := w.signInUser(w.fx.HouseholdUser(m))

		wantError(t, w.do("GET", "/api/v1/me/job-profile", nil, tok), 404, "job_profile_missing")
		wantError(t, w.do("GET", "/api/v1/jobs/recommended", nil, tok), 404, "job_profile_missing")
		r := w.do("PUT", "/api/v1/me/job-profile", with(profile(), "places", []string{"本地", "county", tSZ, "local"}), tok)
		if r.Code != 200 {
			t.Fatalf("save: %d %s", r.Code, r.Body)
		}
		v := decode[jobs.ProfileView](t, r)
		if !slices.Equal(v.Skills, []string{"缝纫", "电焊"}) || !slices.Equal(v.Places, []string{"local", "county", tSZ}) ||
			!slices.Equal(v.PlaceNames, []string{"本地（本乡镇）", "县城周边（本县）", "深圳市"}) || !v.Matching || v.Capacity != "full" {
			t.Fatalf("saved %+v", v)
		}
		var mem model.Member
		db.Take(&mem, m.ID)
		if !mem.WishToWork {
			t.Fatal("saving a job profile did not record the wish to work")
		}
		var rows int64
		db.Model(&model.JobProfileTarget{}).Count(&rows)
		if rows != 2*3 { // two kinds × (township, county, 深圳)
			t.Fatalf("%d index rows, want 6", rows)
		}

		// Saving again replaces, never adds.
		r = w.do("PUT", "/api/v1/me/job-profile", with(profile(), "kinds", []string{}, "capacity", nil), tok)
		if r.Code != 200 {
			t.Fatalf("resave: %d %s", r.Code, r.Body)
		}
		var profiles int64
		db.Model(&model.JobProfile{}).Count(&profiles)
		db.Model(&model.JobProfileTarget{}).Count(&rows)
		if profiles != 1 || rows != 6*2 { // every kind × (township, county)
			t.Fatalf("%d profiles, %d index rows after resave", profiles, rows)
		}
		if got := decode[jobs.ProfileView](t, w.do("GET", "/api/v1/me/job-profile", nil, tok)); got.Capacity != "full" || len(got.Kinds) != 0 {
			t.Fatalf("read back %+v", got)
		}

		tenThousand := make([]string, 10000)
		for i := range tenThousand {
			tenThousand[i] = "电工"
		}
		bad := []struct {
			name string
			body any
			code string
		}{
			{"unknown kind", with(profile(), "kinds", []string{"factory"}), "unknown_kind"},
			{"region not on file", with(profile(), "places", []string{"419901999999"}), "unknown_region"},
			{"unknown place", with(profile(), "places", []string{"abroad"}), "invalid_place"},
			{"no place", with(profile(), "places", []string{}), "missing_places"},
			{"too many places", with(profile(), "places", strings.Split(strings.Repeat("local,", 11), ",")[:11]), "too_many_places"},
			{"10,000 skills", with(profile(), "skills", tenThousand), "too_many_tags"},
			{"a bad skill", with(profile(), "skills", []string{""}), "invalid_tag"},
			{"piece-rate wish", with(profile(), "wage_unit", "piece"), "invalid_wage_unit"},
			{"negative wage", with(profile(), "min_wage_fen", -1), "invalid_wage"},
			{"capacity", with(profile(), "capacity", "strong"), "invalid_capacity"},
			{"available in two years", with(profile(), "available_from", "2099-01-01"), "invalid_available_from"},
			{"places not a list", with(profile(), "places", "local"), "invalid_field"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, w.do("PUT", "/api/v1/me/job-profile", tt.body, tok), 400, tt.code)
			})
		}
		guest := w.signInUser(w.fx.GuestUser())
		wantError(t, w.do("PUT", "/api/v1/me/job-profile", profile(), guest), 403, "forbidden")
		wantError(t, w.do("GET", "/api/v1/jobs/recommended", nil, guest), 403, "forbidden")
	})
}

func TestRecommendedJobs(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		park := w.publish(with(posting("叉车司机"), "skill_tags", []string{"叉车"}, "wage_min_fen", 400000, "wage_max_fen", 500000))
		shop := w.publish(with(posting("服装帮扶车间缝纫工"), "kind", "workshop", "region_code", tVillage, "skill_tags", []string{"缝纫"},
			"wage_min_fen", 320000, "wage_max_fen", 400000))
		w.publish(with(posting("深圳电子厂"), "kind", "migrant", "region_code", tSZ))
		w.publish(with(posting("零工"), "kind", "gig", "region_code", tVillage))
		_, m := w.fx.Household(tVillage)
		tok := w.signInUser(w.fx.HouseholdUser(m))
		if r := w.do("PUT", "/api/v1/me/job-profile", with(profile(), "skills", []string{"缝纫"}), tok); r.Code != 200 {
			t.Fatalf("profile: %d %s", r.Code, r.Body)
		}
		r := w.do("GET", "/api/v1/jobs/recommended", nil, tok)
		if r.Code != 200 {
			t.Fatalf("recommended: %d %s", r.Code, r.Body)
		}
		page := decode[jobs.Page[jobs.RecommendedJob]](t, r)
		if len(page.Items) != 2 || page.Items[0].ID != shop.ID || page.Items[1].ID != park.ID {
			t.Fatalf("recommended %+v", page.Items)
		}
		first := page.Items[0]
		for _, want := range []string{"就在本乡镇，离家近", "用得上您的技能：缝纫", "工资高于您的期望"} {
			if !slices.Contains(first.Reasons, want) {
				t.Errorf("reasons %q lack %q", first.Reasons, want)
			}
		}
		if first.Score <= page.Items[1].Score || first.Score > 100 || first.Title == "" || first.ContactPhone != "0371-****1234" {
			t.Fatalf("first %+v", first)
		}
		if !slices.Contains(page.Items[1].Reasons, "在您愿意去的县城周边") {
			t.Fatalf("second reasons %q", page.Items[1].Reasons)
		}
		if p := decode[jobs.Page[jobs.RecommendedJob]](t, w.do("GET", "/api/v1/jobs/recommended?limit=1", nil, tok)); len(p.Items) != 1 {
			t.Fatalf("limit 1: %d", len(p.Items))
		}
	})
}

func TestJobInterest(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newJobWorld(t, db)
		landline := w.publish(posting("包装工"))
		mobile := w.publish(with(posting("保洁员"), "contact_phone", "13800138000"))
		h, m := w.fx.Household(tVillage)
		tok := w.signInUser(w.fx.HouseholdUser(m))
		path := fmt.Sprintf("/api/v1/jobs/%d/interest", mobile.ID)

		r := w.do("POST", path, nil, tok)
		if r.Code != 201 {
			t.Fatalf("interest: %d %s", r.Code, r.Body)
		}
		first := decode[jobs.InterestView](t, r)
		if first.ContactPhoneFull != "13800138000" || first.ContactPhone != "138****8000" || first.Title != "保洁员" {
			t.Fatalf("interest %+v", first)
		}
		again := w.do("POST", path, nil, tok)
		if again.Code != 200 || decode[jobs.InterestView](t, again) != first {
			t.Fatalf("replay: %d %s", again.Code, again.Body)
		}
		if v := decode[jobs.InterestView](t, w.do("POST", fmt.Sprintf("/api/v1/jobs/%d/interest", landline.ID), nil, tok)); v.ContactPhoneFull != "0371-66001234" {
			t.Fatalf("landline %+v", v)
		}
		var n int64
		db.Model(&model.JobInterest{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d interests, want 2", n)
		}
		// The board still shows the number masked, and the office counts the interest.
		if v := decode[jobs.JobView](t, w.do("GET", fmt.Sprintf("/api/v1/jobs/%d", mobile.ID), nil, tok)); v.ContactPhone != "138****8000" {
			t.Fatalf("detail %+v", v)
		}
		if v := decode[jobs.AdminJobView](t, w.do("GET", fmt.Sprintf("/admin/api/jobs/%d", mobile.ID), nil, w.official)); v.Interests != 1 {
			t.Fatalf("admin interests %d", v.Interests)
		}

		// The paired cadre sees it; a cadre elsewhere does not.
		c := w.fx.Cadre(tCounty)
		w.fx.Pair(c, h, model.RoleResponsible)
		cadre := w.signInUser(w.fx.CadreUser(c))
		list := decode[jobs.Page[jobs.CadreInterest]](t, w.do("GET", "/api/v1/cadre/job-interests", nil, cadre))
		if len(list.Items) != 2 || list.Items[0].MemberID != m.ID || list.Items[0].HeadName != h.HeadName || list.Items[1].JobTitle != "保洁员" {
			t.Fatalf("cadre list %+v", list)
		}
		strange := w.signInUser(w.fx.CadreUser(w.fx.Cadre(tOther)))
		if l := decode[jobs.Page[jobs.CadreInterest]](t, w.do("GET", "/api/v1/cadre/job-interests", nil, strange)); len(l.Items) != 0 {
			t.Fatalf("a cadre elsewhere sees %+v", l.Items)
		}
		wantError(t, w.do("GET", "/api/v1/cadre/job-interests", nil, tok), 403, "forbidden")

		// Closed postings take no new interest; nor do guests; a missing posting is 404.
		w.do("POST", fmt.Sprintf("/admin/api/jobs/%d/close", landline.ID), nil, w.official)
		_, m2 := w.fx.Household(tVillage)
		tok2 := w.signInUser(w.fx.HouseholdUser(m2))
		wantError(t, w.do("POST", fmt.Sprintf("/api/v1/jobs/%d/interest", landline.ID), nil, tok2), 409, "job_not_open")
		if r := w.do("POST", fmt.Sprintf("/api/v1/jobs/%d/interest", landline.ID), nil, tok); r.Code != 200 {
			t.Fatalf("one who already asked still gets the contact: %d", r.Code)
		}
		wantError(t, w.do("POST", path, nil, w.signInUser(w.fx.GuestUser())), 403, "forbidden")
		wantError(t, w.do("POST", "/api/v1/jobs/99999/interest", nil, tok), 404, "not_found")
	})
}

// TestMaskCheckAllowance pins the harness's one exception: the full
// contact on the interest answer, top level only.
func TestMaskCheckAllowance(t *testing.T) {
	body := []byte(`{"contact_phone_full":"13800138000","contact_phone":"138****8000"}`)
	if got := unmasked("POST /api/v1/jobs/12/interest", body); len(got) != 0 {
		t.Fatalf("the interest answer was flagged: %v", got)
	}
	for what, b := range map[string]string{
		"GET /api/v1/jobs/12":           string(body),
		"POST /api/v1/jobs/12/interest": `{"contact_phone_full":"x","other":"13800138000"}`,
		"POST /api/v1/jobs/1/interest":  `{"job":{"contact_phone_full":"13800138000"}}`,
	} {
		if got := unmasked(what, []byte(b)); len(got) != 1 {
			t.Errorf("%s %s: flagged %v, want the number", what, b, got)
		}
	}
}
