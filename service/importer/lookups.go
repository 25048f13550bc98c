package importer

import (
	"sort"
	"strings"
)

// Lookups answers the questions a row raises about data already stored.
// The database half of the import implements it (with whatever caching a
// million rows need); an error stops the run, since no row can be judged
// without an answer.
type Lookups interface {
	// RegionExists reports whether the 12-digit code is a loaded region.
	RegionExists(code string) (bool, error)
	// VillageCodes returns the codes of the villages named village, within
	// the town named town when town is not empty.
	VillageCodes(town, village string) ([]string, error)
	// HouseholdExists reports whether a household has the 户编号.
	HouseholdExists(householdNo string) (bool, error)
	// MemberHousehold returns the 户编号 of the member with the ID number.
	MemberHousehold(idCard string) (householdNo string, ok bool, err error)
	// CadreExists reports whether a cadre matches the name and the phone or
	// ID number given (either may be empty).
	CadreExists(name, phone, idCard string) (bool, error)
}

// MemLookups is Lookups over maps, for tests and for checking a file
// against another file's contents without a database.
type MemLookups struct {
	Regions    map[string]string // code → name
	Households map[string]bool   // 户编号
	Members    map[string]string // ID number → 户编号
	Cadres     []MemCadre
}

// MemCadre is one cadre known to MemLookups.
type MemCadre struct{ Name, Phone, IDCard string }

// RegionExists implements Lookups.
func (m *MemLookups) RegionExists(code string) (bool, error) {
	_, ok := m.Regions[code]
	return ok, nil
}

// VillageCodes implements Lookups by PlaceNameKey; the town is the
// village's parent by code.
func (m *MemLookups) VillageCodes(town, village string) ([]string, error) {
	var codes []string
	for code, name := range m.Regions {
		if len(code) != 12 || code[9:] == "000" || PlaceNameKey(name) != PlaceNameKey(village) {
			continue
		}
		if town != "" && PlaceNameKey(m.Regions[code[:9]+"000"]) != PlaceNameKey(town) {
			continue
		}
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return codes, nil
}

// PlaceNameKey is the form place names compare in: the statistics list
// writes 测试村委会 and 城关镇人民政府 where people write 测试村 and 城关镇,
// so the organ's suffix is dropped, and width, spaces and brackets ignored.
func PlaceNameKey(name string) string {
	k := textKey(name)
	for _, s := range []struct{ suffix, keep string }{
		{"村民委员会", "村"}, {"村委会", "村"}, {"居民委员会", ""}, {"居委会", ""},
		{"人民政府", ""}, {"办事处", ""},
	} {
		if strings.HasSuffix(k, s.suffix) && len(k) > len(s.suffix) {
			return strings.TrimSuffix(k, s.suffix) + s.keep
		}
	}
	return k
}

// HouseholdExists implements Lookups.
func (m *MemLookups) HouseholdExists(no string) (bool, error) { return m.Households[no], nil }

// MemberHousehold implements Lookups.
func (m *MemLookups) MemberHousehold(idCard string) (string, bool, error) {
	no, ok := m.Members[idCard]
	return no, ok, nil
}

// CadreExists implements Lookups.
func (m *MemLookups) CadreExists(name, phone, idCard string) (bool, error) {
	for _, c := range m.Cadres {
		if c.Name == name && (phone != "" && c.Phone == phone || idCard != "" && c.IDCard == idCard) {
			return true, nil
		}
	}
	return false, nil
}
