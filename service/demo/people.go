package demo

import (
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// Names are clearly fake: a family name, 某, and a numeral, so nobody could
// mistake a demo person for a real one.
var (
	familyNames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭")
	givenNames  = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}
)

func (s *Seeder) name(family rune) string {
	return string(family) + "某" + givenNames[s.rng.IntN(len(givenNames))]
}

// fakeIDCard builds a unique ID number with a valid GB 11643 check digit,
// registered in the demo county (419901, not a real code).
func (s *Seeder) fakeIDCard(birth model.Date, female bool) string {
	for {
		s.idSeq++
		seq := s.idSeq % 1000
		if female == (seq%2 == 1) { // the 17th digit is odd for men, even for women
			continue
		}
		first17 := fmt.Sprintf("%s%04d%02d%02d%03d", DemoCountyPrefix, birth.Year, birth.Month, birth.Day, seq)
		id := first17 + string(pii.IDCheckDigit(first17))
		if !s.usedIDs[id] {
			s.usedIDs[id] = true
			return id
		}
	}
}

// fakePhone returns a unique number in 199 0xxx xxxx, a range kept for demos here.
func (s *Seeder) fakePhone() string {
	s.phoneSeq++
	return fmt.Sprintf("1990%07d", s.phoneSeq)
}

func (s *Seeder) birthOfAge(age int) model.Date {
	return model.Date{Year: s.o.Today.Year - age, Month: time.Month(s.between(1, 12)), Day: s.between(1, 28)}
}

var householdClasses = []struct {
	class string
	share float64
}{
	{model.ClassPovertyAlleviated, 0.82},
	{model.ClassMonitorUnstable, 0.08},
	{model.ClassMonitorMarginal, 0.07},
	{model.ClassMonitorSudden, 0.03},
}

func (s *Seeder) pickClass() string {
	x := s.rng.Float64()
	for _, c := range householdClasses {
		if x < c.share {
			return c.class
		}
		x -= c.share
	}
	return model.ClassPovertyAlleviated
}

func (s *Seeder) seedHouseholds(tx *model.DB, sum *Summary) error {
	var all []model.Household
	for i := 0; i < s.o.Households; i++ {
		v := s.villages[i%len(s.villages)]
		size := []int{1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6}[s.rng.IntN(11)]
		h := model.Household{
			HouseholdNo: fmt.Sprintf("%s%04d", v.Code, i/len(s.villages)+1),
			RegionCode:  v.Code, Class: s.pickClass(), Status: "active", SupportLevel: model.SupportNormal,
			HeadName: s.name(familyNames[s.rng.IntN(len(familyNames))]),
			Address:  fmt.Sprintf("%s%d组%d号", v.Name, s.between(1, 8), s.between(1, 120)),
			Latitude: ptr(*v.Latitude + (s.rng.Float64()-0.5)*0.01), Longitude: ptr(*v.Longitude + (s.rng.Float64()-0.5)*0.01),
			Size: size,
		}
		h.Phone = model.Seal(s.cipher, pii.PurposePhone, s.fakePhone())
		all = append(all, h)
	}
	if err := tx.CreateInBatches(&all, batchSize).Error; err != nil {
		return err
	}
	s.households = all
	for i, h := range all {
		s.householdIndex[h.ID] = i
	}
	sum.Households = len(all)

	var members []model.Member
	for i := range all {
		members = append(members, s.familyOf(&all[i])...)
	}
	if err := tx.CreateInBatches(&members, batchSize).Error; err != nil {
		return err
	}
	for _, m := range members {
		s.members[m.HouseholdID] = append(s.members[m.HouseholdID], m)
	}
	// Labour counts follow from the members just made.
	for i := range s.households {
		h := &s.households[i]
		for _, m := range s.members[h.ID] {
			if m.LabourCapacity != model.CapacityNone {
				h.LabourCount++
			}
		}
		if err := tx.Model(h).Update("labour_count", h.LabourCount).Error; err != nil {
			return err
		}
	}
	sum.Members = len(members)
	return nil
}

// familyOf makes a household's members: the head (named as on the
// household), then spouse, children and an elder as the size allows.
func (s *Seeder) familyOf(h *model.Household) []model.Member {
	family := []rune(h.HeadName)[0]
	headAge := s.between(32, 78)
	var out []model.Member
	add := func(name, relation string, age int, female bool) {
		birth := s.birthOfAge(age)
		m := model.Member{
			HouseholdID: h.ID, Name: name, Relation: relation, BirthDate: birth,
			Status: "active", EmploymentStatus: model.EmploymentUnknown,
		}
		m.Gender = "M"
		if female {
			m.Gender = "F"
		}
		m.IDCard = model.Seal(s.cipher, pii.PurposeIDCard, s.fakeIDCard(birth, female))
		switch {
		case age < 16:
			m.LabourCapacity, m.InSchool = model.CapacityNone, age >= 6
		case age < 23 && s.chance(0.5):
			m.LabourCapacity, m.InSchool = model.CapacityNone, true
		case age >= 70:
			m.LabourCapacity = model.CapacityNone
		case age >= 60 || s.chance(0.12):
			m.LabourCapacity = []string{model.CapacityWeak, model.CapacityHalf}[s.rng.IntN(2)]
			m.WishToWork = s.chance(0.5)
		default:
			m.LabourCapacity, m.WishToWork = model.CapacityFull, s.chance(0.85)
		}
		if m.WishToWork {
			m.EmploymentStatus = model.EmploymentEmployed
			if s.chance(0.18) {
				m.EmploymentStatus = model.EmploymentUnemployed
			}
		}
		if s.chance(0.07) {
			m.Disability = []string{"肢体三级", "视力二级", "智力四级", "肢体一级"}[s.rng.IntN(4)]
		}
		if age >= 18 && s.chance(0.6) {
			m.Phone = model.Seal(s.cipher, pii.PurposePhone, s.fakePhone())
		}
		out = append(out, m)
	}
	headFemale := s.chance(0.2)
	add(h.HeadName, "户主", headAge, headFemale)
	if h.Size >= 2 {
		add(s.name(familyNames[s.rng.IntN(len(familyNames))]), "配偶", max(headAge+s.between(-5, 3), 20), !headFemale)
	}
	for k := 2; k < h.Size; k++ {
		if k == 4 && headAge < 60 {
			add(s.name(family), "父亲", headAge+s.between(22, 30), false)
			continue
		}
		childAge := max(headAge-s.between(20, 34), 1)
		female := s.chance(0.5)
		rel := "之子"
		if female {
			rel = "之女"
		}
		add(s.name(family), rel, childAge, female)
	}
	return out
}

var cadreOrgs = []string{"县农业农村局", "县人社局", "县民政局", "县财政局", "县教育局", "县卫健委", "县住建局", "县林业局", "县乡村振兴局", "县供电公司"}

func (s *Seeder) seedCadres(tx *model.DB, sum *Summary) error {
	var cadres []model.Cadre
	// 24 responsible cadres, two per village; 3 first secretaries; 3 leaders for 提级帮扶.
	for i, v := range s.villages {
		for k := 0; k < 2; k++ {
			cadres = append(cadres, model.Cadre{
				Name: s.name(familyNames[s.rng.IntN(len(familyNames))]), Kind: "responsible",
				Organization: cadreOrgs[(i*2+k)%len(cadreOrgs)], Position: "科员", RegionCode: v.Code, Status: "active",
			})
		}
	}
	for i := 0; i < 3; i++ {
		cadres = append(cadres, model.Cadre{Name: s.name(familyNames[i]), Kind: "first_secretary",
			Organization: cadreOrgs[i], Position: "驻村第一书记", RegionCode: s.villages[i*4].Code, Status: "active"})
	}
	for i, t := range s.towns {
		kind, pos := "township_leader", "副镇长"
		if i == 0 {
			kind, pos = "county_leader", "副县长"
		}
		cadres = append(cadres, model.Cadre{Name: s.name(familyNames[10+i]), Kind: kind, Organization: t.Name + "人民政府", Position: pos, RegionCode: t.Code, Status: "active"})
	}
	for i := range cadres {
		cadres[i].Phone = model.Seal(s.cipher, pii.PurposePhone, s.fakePhone())
	}
	if err := tx.CreateInBatches(&cadres, batchSize).Error; err != nil {
		return err
	}
	s.cadres = cadres
	sum.Cadres = len(cadres)

	byVillage := map[string][]model.Cadre{}
	for _, c := range cadres {
		if c.Kind == "responsible" {
			byVillage[c.RegionCode] = append(byVillage[c.RegionCode], c)
		}
	}
	start := s.o.Today.AddDays(-400)
	var pairings []model.Pairing
	for i, h := range s.households {
		pool := byVillage[h.RegionCode]
		c := pool[i%len(pool)]
		s.responsible[h.ID] = c.ID
		pairings = append(pairings, model.Pairing{CadreID: c.ID, HouseholdID: h.ID, Role: model.RoleResponsible, StartedOn: start})
	}
	// First secretaries are paired with the monitored households of their village as the work team.
	for _, c := range cadres {
		if c.Kind != "first_secretary" {
			continue
		}
		for _, h := range s.households {
			if h.RegionCode == c.RegionCode && h.IsMonitored() {
				pairings = append(pairings, model.Pairing{CadreID: c.ID, HouseholdID: h.ID, Role: model.RoleWorkTeam, StartedOn: start})
			}
		}
	}
	sum.Pairings = len(pairings)
	return tx.CreateInBatches(&pairings, batchSize).Error
}
