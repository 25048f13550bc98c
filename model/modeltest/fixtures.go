package modeltest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// Cipher returns a cipher with fixed test keys (two, so rotation can be
// tested: "k2" active, "k1" old).
func Cipher(t testing.TB) *pii.Cipher {
	t.Helper()
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	c, err := pii.NewCipher("k2", map[string][]byte{"k1": k1, "k2": k2}, []byte("index-key-index-key-index-key-32"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Fixtures builds rows for tests: regions, households, members, cadres,
// pairings, users and admins, with personal numbers sealed as in production.
type Fixtures struct {
	t      testing.TB
	DB     *model.DB
	Cipher *pii.Cipher
	seq    atomic.Int64
}

// NewFixtures returns a builder on db.
func NewFixtures(t testing.TB, db *model.DB) *Fixtures {
	return &Fixtures{t: t, DB: db, Cipher: Cipher(t)}
}

func (f *Fixtures) next() int64 { return f.seq.Add(1) }

func (f *Fixtures) create(v any) {
	f.t.Helper()
	if err := f.DB.Create(v).Error; err != nil {
		f.t.Fatalf("fixtures: create %T: %v", v, err)
	}
}

// Region makes a region row for a 12-digit code (its level inferred).
func (f *Fixtures) Region(code, name string) model.Region {
	r := model.Region{Code: code, Name: name, Level: model.RegionLevelOf(code), RuralPopulation: 2000}
	if err := f.DB.Where(model.Region{Code: code}).FirstOrCreate(&r).Error; err != nil {
		f.t.Fatal(err)
	}
	return r
}

// IDCard returns a valid, unique fake ID number for a person born in year.
func (f *Fixtures) IDCard(year int) string {
	n := f.next()
	first17 := fmt.Sprintf("419901%04d%02d%02d%03d", year, 1+n%12, 1+n%28, n%1000)
	return first17 + string(pii.IDCheckDigit(first17))
}

// Phone returns a unique fake mobile number.
func (f *Fixtures) Phone() string { return fmt.Sprintf("1990%07d", f.next()) }

// Household makes a household in a village with a head member; it returns
// both.
func (f *Fixtures) Household(village string) (model.Household, model.Member) {
	f.t.Helper()
	n := f.next()
	lat, lng := 34.6, 113.6
	h := model.Household{
		HouseholdNo: fmt.Sprintf("%s%05d", village, n), RegionCode: village, Class: model.ClassPovertyAlleviated,
		Status: "active", SupportLevel: model.SupportNormal, HeadName: fmt.Sprintf("测试户主%d", n), Size: 3, LabourCount: 2,
		Latitude: &lat, Longitude: &lng,
	}
	h.Phone = model.Seal(f.Cipher, pii.PurposePhone, f.Phone())
	f.create(&h)
	m := f.Member(h, h.HeadName, "户主", f.IDCard(1970))
	return h, m
}

// Member adds a member with an ID number to a household.
func (f *Fixtures) Member(h model.Household, name, relation, idCard string) model.Member {
	f.t.Helper()
	norm, err := pii.NormalizeIDCard(idCard)
	if err != nil {
		f.t.Fatalf("fixtures: %s: %v", idCard, err)
	}
	facts := pii.ParseIDCard(norm)
	m := model.Member{
		HouseholdID: h.ID, Name: name, Relation: relation, BirthDate: model.DateOf(facts.Birth),
		LabourCapacity: model.CapacityFull, WishToWork: true, EmploymentStatus: model.EmploymentUnknown, Status: "active",
		Gender: map[bool]string{true: "F", false: "M"}[facts.Female],
	}
	m.IDCard = model.Seal(f.Cipher, pii.PurposeIDCard, norm)
	m.Phone = model.Seal(f.Cipher, pii.PurposePhone, f.Phone())
	f.create(&m)
	return m
}

// Cadre makes an active responsible cadre serving a region.
func (f *Fixtures) Cadre(region string) model.Cadre {
	f.t.Helper()
	c := model.Cadre{Name: fmt.Sprintf("测试干部%d", f.next()), Kind: "responsible", RegionCode: region, Status: "active"}
	c.Phone = model.Seal(f.Cipher, pii.PurposePhone, f.Phone())
	f.create(&c)
	return c
}

// Pair pairs a cadre with a household in a role.
func (f *Fixtures) Pair(c model.Cadre, h model.Household, role string) model.Pairing {
	f.t.Helper()
	p := model.Pairing{CadreID: c.ID, HouseholdID: h.ID, Role: role, StartedOn: model.DateOf(time.Now().AddDate(0, -6, 0))}
	f.create(&p)
	return p
}

// HouseholdUser makes a WeChat user bound to a member.
func (f *Fixtures) HouseholdUser(m model.Member) model.User {
	f.t.Helper()
	now := time.Now().UTC()
	openid := fmt.Sprintf("test-openid-%d", f.next())
	u := model.User{MiniappOpenid: &openid, Role: model.UserHousehold, MemberID: &m.ID, HouseholdID: &m.HouseholdID, BoundAt: &now}
	f.create(&u)
	return u
}

// CadreUser makes a WeChat user bound to a cadre.
func (f *Fixtures) CadreUser(c model.Cadre) model.User {
	f.t.Helper()
	now := time.Now().UTC()
	openid := fmt.Sprintf("test-openid-%d", f.next())
	u := model.User{MiniappOpenid: &openid, Role: model.UserCadre, CadreID: &c.ID, BoundAt: &now}
	f.create(&u)
	return u
}

// GuestUser makes a signed-in WeChat user bound to nothing.
func (f *Fixtures) GuestUser() model.User {
	f.t.Helper()
	openid := fmt.Sprintf("test-openid-%d", f.next())
	u := model.User{MiniappOpenid: &openid, Role: model.UserGuest}
	f.create(&u)
	return u
}

// Admin makes an official scoped to a region prefix. The password hash is
// a placeholder: tests sign admins in through tokens, not passwords.
func (f *Fixtures) Admin(scope string) model.AdminUser {
	f.t.Helper()
	a := model.AdminUser{Username: fmt.Sprintf("official%d", f.next()), DisplayName: "测试官员", PasswordHash: "-",
		Role: model.AdminOfficial, RegionScope: scope}
	f.create(&a)
	return a
}
