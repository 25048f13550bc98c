package importer

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

// VillageCodes implements Lookups: names compare without width, spaces and
// brackets; the town is the village's parent by code.
func (m *MemLookups) VillageCodes(town, village string) ([]string, error) {
	var codes []string
	for code, name := range m.Regions {
		if len(code) != 12 || code[9:] == "000" || textKey(name) != textKey(village) {
			continue
		}
		if town != "" && textKey(m.Regions[code[:9]+"000"]) != textKey(town) {
			continue
		}
		codes = append(codes, code)
	}
	return codes, nil
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
