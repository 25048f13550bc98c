package demo

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/matching"
)

type jobTemplate struct {
	kind, title, employer string
	outside               string // region code outside the county, when the work is away
	wageMin, wageMax      int    // yuan per unit
	unit                  string
	tags                  []string
	demand                string
	ageMin, ageMax        int
}

var jobTemplates = []jobTemplate{
	{"migrant", "电子厂普工", "深圳示例电子有限公司", "440300000000", 4500, 6500, "month", []string{"普工", "流水线"}, "medium", 18, 45},
	{"migrant", "建筑工地钢筋工", "杭州示例建设集团", "330100000000", 280, 380, "day", []string{"钢筋工", "建筑"}, "heavy", 20, 55},
	{"migrant", "服装厂缝纫工", "苏州示例服饰有限公司", "320500000000", 5000, 8000, "month", []string{"缝纫", "服装"}, "light", 18, 50},
	{"migrant", "物流分拣员", "郑州示例物流园", "410100000000", 4200, 5500, "month", []string{"分拣", "仓储"}, "medium", 18, 50},
	{"park", "食品厂包装工", "演示县产业园示例食品厂", "", 2800, 3600, "month", []string{"包装", "食品加工"}, "light", 18, 55},
	{"park", "叉车司机", "演示县产业园示例物流", "", 4000, 5200, "month", []string{"叉车", "驾驶"}, "medium", 20, 50},
	{"park", "电工", "演示县产业园示例机械厂", "", 4500, 6000, "month", []string{"电工", "维修"}, "medium", 20, 55},
	{"workshop", "帮扶车间手工编织", "示例藤编帮扶车间", "", 8, 15, "piece", []string{"编织", "手工"}, "light", 18, 65},
	{"workshop", "帮扶车间电子组装", "示例电子帮扶车间", "", 1800, 2600, "month", []string{"组装", "普工"}, "light", 18, 60},
	{"public_welfare", "乡村保洁员", "镇人民政府", "", 600, 800, "month", []string{"保洁"}, "light", 18, 70},
	{"public_welfare", "护林员", "县林业局", "", 800, 1000, "month", []string{"护林", "巡护"}, "medium", 18, 65},
	{"public_welfare", "水管员", "县水利局", "", 500, 700, "month", []string{"水管", "巡查"}, "light", 18, 65},
	{"work_relief", "以工代赈道路硬化", "县发展改革委以工代赈项目", "", 150, 220, "day", []string{"建筑", "小工"}, "heavy", 18, 60},
	{"gig", "秋收临时工", "示例种植合作社", "", 120, 160, "day", []string{"农活", "采摘"}, "medium", 18, 65},
	{"gig", "家政保洁（零工）", "县零工市场", "", 25, 35, "piece", []string{"保洁", "家政"}, "light", 18, 60},
}

func (s *Seeder) seedJobs(tx *model.DB, sum *Summary) error {
	var jobs []model.Job
	for i := 0; i < 200; i++ {
		t := jobTemplates[i%len(jobTemplates)]
		region := t.outside
		if region == "" {
			region = s.villages[s.rng.IntN(len(s.villages))].Code
			if t.kind == "park" {
				region = DemoCounty
			}
		}
		published := s.o.Today.AddDays(-s.between(0, 60))
		until := published.AddDays(s.between(30, 120))
		status := "open"
		if until.Before(s.o.Today) {
			status = "closed"
		}
		wageMin := int64(t.wageMin+s.between(0, t.wageMin/10)) * 100
		tags, _ := json.Marshal(t.tags)
		tagKey := strings.Join(t.tags, "|")
		benefits, _ := json.Marshal(map[string]bool{"meals": t.outside != "" || s.chance(0.4), "lodging": t.outside != "", "transport": t.outside != "" && s.chance(0.5)})
		j := model.Job{
			Kind: t.kind, Title: t.title, Employer: t.employer, RegionCode: region,
			Address: t.employer + "（演示地址）", WageMinFen: wageMin, WageMaxFen: max(wageMin, int64(t.wageMax)*100),
			WageUnit: t.unit, Headcount: s.between(1, 40), SkillTags: string(tags), TagKey: &tagKey, AgeMin: ptr(t.ageMin), AgeMax: ptr(t.ageMax),
			PhysicalDemand: t.demand, Benefits: string(benefits), ContactName: "招聘专员" + string(familyNames[i%len(familyNames)]) + "某",
			Status: status, ValidFrom: published, ValidUntil: until,
			PublishedAt: s.dateAt(published, 9, s.between(0, 59)), ExternalNo: ptr(fmt.Sprintf("DEMO-JOB-%04d", i+1)),
			Description: ptr("演示岗位，信息虚构。"), OwnerRegion: DemoCountyPrefix,
		}
		j.ContactPhone = model.Seal(s.cipher, pii.PurposePhone, fmt.Sprintf("0371-6%07d", i+1))
		jobs = append(jobs, j)
	}
	if err := tx.CreateInBatches(&jobs, batchSize).Error; err != nil {
		return err
	}
	var tags []model.JobTag
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
		for _, tag := range jobTemplates[i%len(jobTemplates)].tags {
			tags = append(tags, model.JobTag{JobID: j.ID, Tag: tag})
		}
	}
	sum.Jobs = len(jobs)
	if err := tx.CreateInBatches(&tags, batchSize).Error; err != nil {
		return err
	}
	return model.MarkJobsChanged(tx.Statement.Context, tx, ids...) // for instances already serving
}

// DemoOfficials are the console accounts of the demo.
var DemoOfficials = []struct{ Username, Name, Scope, Department string }{
	{auth.DemoCountyOfficial, "演示县乡村振兴局", DemoCountyPrefix, "县乡村振兴局"},
	{auth.DemoTownOfficial, "青石镇人民政府", "419901100", "青石镇"},
}

// seedUsers makes the demo's WeChat users: the demo household (bound to a
// household with something to see), the demo cadre (its responsible
// cadre), and a few hundred workers with job profiles; and the demo
// officials' console accounts.
func (s *Seeder) seedUsers(tx *model.DB, sum *Summary) error {
	demoHH := s.pickDemoHousehold(tx)
	head := s.members[demoHH.ID][0]
	now := s.now
	users := []model.User{
		{MiniappOpenid: ptr(auth.DemoHouseholdOpenID), Role: model.UserHousehold, MemberID: &head.ID, HouseholdID: &demoHH.ID, BoundAt: &now},
		{MiniappOpenid: ptr(auth.DemoCadreOpenID), Role: model.UserCadre, CadreID: ptr(s.responsible[demoHH.ID]), BoundAt: &now},
	}
	var workers []model.Member
	for _, h := range s.households {
		for _, m := range s.members[h.ID] {
			if m.WishToWork && m.ID != head.ID && len(workers) < 300 {
				workers = append(workers, m)
			}
		}
	}
	for _, m := range workers {
		users = append(users, model.User{
			MiniappOpenid: ptr(fmt.Sprintf("demo-openid-member-%d", m.ID)), Role: model.UserHousehold,
			MemberID: ptr(m.ID), HouseholdID: ptr(m.HouseholdID), BoundAt: &now,
		})
	}
	if err := tx.CreateInBatches(&users, batchSize).Error; err != nil {
		return err
	}
	sum.Users = len(users)
	// Every demo user has accepted the mini-program's messages for good (as
	// 政务民生 mini-programs may ask), so the demo's pushes reach wxmock and
	// show on the console's WeChat page.
	var consents []model.SubscriptionConsent
	for _, u := range users {
		for _, key := range []string{"notice", "payment", "case", "job"} {
			consents = append(consents, model.SubscriptionConsent{UserID: u.ID, TemplateKey: key, LongTerm: true})
		}
	}
	if err := tx.CreateInBatches(&consents, batchSize).Error; err != nil {
		return err
	}
	// The demo household keeps a job profile too, so its recommended jobs
	// show something; then the workers.
	profileUsers := append([]model.User{users[0]}, users[2:]...)
	profileMembers := append([]model.Member{head}, workers...)
	var profiles []model.JobProfile
	for i, u := range profileUsers {
		m := profileMembers[i]
		skills := jobTemplates[s.rng.IntN(len(jobTemplates))].tags
		places := []string{"local"}
		if m.LabourCapacity == model.CapacityFull && s.chance(0.5) {
			places = append(places, "outside_county")
		}
		kinds := []string{"park", "workshop", "gig"}
		if m.LabourCapacity != model.CapacityFull {
			kinds = []string{"public_welfare", "workshop"}
		}
		sk, _ := json.Marshal(skills)
		pl, _ := json.Marshal(places)
		kd, _ := json.Marshal(kinds)
		profiles = append(profiles, model.JobProfile{
			UserID: u.ID, MemberID: u.MemberID, HouseholdID: u.HouseholdID, RegionCode: s.household(m.HouseholdID).RegionCode,
			Skills: string(sk), Places: string(pl), Kinds: string(kd), MinWageFen: int64(s.between(15, 40)) * 10000,
			WageUnit: "month", Capacity: capacityOrFull(m.LabourCapacity), Active: true,
		})
	}
	if err := tx.CreateInBatches(&profiles, batchSize).Error; err != nil {
		return err
	}
	// The matching index, as the profile service keeps it, so the demo's postings find their workers.
	var targets []model.JobProfileTarget
	for i, jp := range profiles {
		prof, err := matching.ProfileFrom(jp, profileMembers[i].BirthDate.Year)
		if err != nil {
			return err
		}
		targets = append(targets, matching.Targets(prof)...)
	}
	if err := tx.CreateInBatches(&targets, batchSize).Error; err != nil {
		return err
	}
	return s.seedOfficials(tx)
}

func (s *Seeder) seedOfficials(tx *model.DB) error {
	hash, err := auth.HashPassword(s.o.Password)
	if err != nil {
		return err
	}
	for _, o := range DemoOfficials {
		a := model.AdminUser{Username: o.Username, DisplayName: o.Name, PasswordHash: hash, Role: model.AdminOfficial, RegionScope: o.Scope, Department: o.Department}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
	}
	return s.seedOfficialUsers(tx)
}

// pickDemoHousehold chooses the first household with a failed and an
// overdue payment, so the demo household has a story to tell.
func (s *Seeder) pickDemoHousehold(tx *model.DB) model.Household {
	var id int64
	cutoff := s.o.Today.AddDays(-s.o.Policy.VisitDueSoon - 10)
	tx.Raw(`SELECT household_id FROM payments WHERE status = ? AND household_id IN
		(SELECT household_id FROM payments WHERE status = ? AND due_date < ?) ORDER BY household_id LIMIT 1`,
		model.PaymentFailed, model.PaymentScheduled, cutoff).Scan(&id)
	if id == 0 {
		return s.households[0]
	}
	return s.household(id)
}

func capacityOrFull(c string) string {
	if c == model.CapacityNone {
		return model.CapacityFull
	}
	return c
}
