package imports

import (
	"context"
	"sort"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

// dbLookups answers the decoders' questions (importer.Lookups) from the
// database without a round trip per row. Regions are few and loaded once
// per run. Households, members and cadres are not: the prefetching source
// reads a chunk of rows ahead and asks for all the 户编号, ID numbers and
// phones in it with one query each; the answers, found or not, are kept
// until the next chunk. A question about something not prefetched (rows
// the header search read, a value the look-ahead could not normalise) is
// one query.
type dbLookups struct {
	ctx    context.Context
	db     *model.DB
	cipher *pii.Cipher

	regions  map[string]string   // code → name, every region
	villages map[string][]string // importer.PlaceNameKey(name) → village codes, sorted

	households map[string]householdRef // by 户编号; this chunk
	members    map[string]memberRef    // by normalised ID number; this chunk
	cadreKeys  map[string]bool         // phones and ID numbers asked about in this chunk
	cadres     map[int64]cadreRef      // answers to them

	queries int // round trips, for tests and the benchmark
}

// householdRef is what rows need of a stored household.
type householdRef struct {
	ID          int64
	HouseholdNo string
	RegionCode  string
	HeadName    string
	found       bool
}

// memberRef is what rows need of a stored member and the household.
type memberRef struct {
	ID          int64
	HouseholdID int64
	Name        string
	IDCardIndex string
	HouseholdNo string
	RegionCode  string
	HeadName    string // the household's
	found       bool
}

// cadreRef is what pairings need of a stored cadre.
type cadreRef struct {
	ID          int64
	Name        string
	Kind        string
	RegionCode  string
	PhoneIndex  *string
	IDCardIndex *string
}

func newLookups(ctx context.Context, db *model.DB, c *pii.Cipher) *dbLookups {
	return &dbLookups{ctx: ctx, db: db, cipher: c, households: map[string]householdRef{}, members: map[string]memberRef{},
		cadreKeys: map[string]bool{}, cadres: map[int64]cadreRef{}}
}

// loadRegions reads every region: a county has hundreds, a province tens
// of thousands, a few MB at most.
func (l *dbLookups) loadRegions() error {
	var rows []struct{ Code, Name string }
	l.queries++
	if err := l.db.WithContext(l.ctx).Model(&model.Region{}).Select("code", "name").Find(&rows).Error; err != nil {
		return err
	}
	l.regions = make(map[string]string, len(rows))
	l.villages = map[string][]string{}
	for _, r := range rows {
		l.regions[r.Code] = r.Name
		if model.RegionLevelOf(r.Code) == model.LevelVillage {
			k := importer.PlaceNameKey(r.Name)
			l.villages[k] = append(l.villages[k], r.Code)
		}
	}
	for _, codes := range l.villages {
		sort.Strings(codes)
	}
	return nil
}

// forget drops the answers of the previous chunk.
func (l *dbLookups) forget() {
	clear(l.households)
	clear(l.members)
	clear(l.cadreKeys)
	clear(l.cadres)
}

// RegionExists implements importer.Lookups.
func (l *dbLookups) RegionExists(code string) (bool, error) {
	_, ok := l.regions[code]
	return ok, nil
}

// VillageCodes implements importer.Lookups: villages by name, within the
// town (their parent by code) when a town is named.
func (l *dbLookups) VillageCodes(town, village string) ([]string, error) {
	var out []string
	for _, code := range l.villages[importer.PlaceNameKey(village)] {
		if town != "" && importer.PlaceNameKey(l.regions[code[:9]+"000"]) != importer.PlaceNameKey(town) {
			continue
		}
		out = append(out, code)
	}
	return out, nil
}

// HouseholdExists implements importer.Lookups.
func (l *dbLookups) HouseholdExists(no string) (bool, error) {
	h, err := l.household(no)
	return h.found, err
}

// MemberHousehold implements importer.Lookups.
func (l *dbLookups) MemberHousehold(idCard string) (string, bool, error) {
	m, err := l.member(idCard)
	return m.HouseholdNo, m.found, err
}

// CadreExists implements importer.Lookups.
func (l *dbLookups) CadreExists(name, phone, idCard string) (bool, error) {
	matches, err := l.cadre(name, phone, idCard)
	return len(matches) > 0, err
}

// household returns the household with the 户编号 (found false when none).
func (l *dbLookups) household(no string) (householdRef, error) {
	if h, ok := l.households[no]; ok {
		return h, nil
	}
	if err := l.fetchHouseholds([]string{no}); err != nil {
		return householdRef{}, err
	}
	return l.households[no], nil
}

func (l *dbLookups) fetchHouseholds(nos []string) error {
	if len(nos) == 0 {
		return nil
	}
	var rows []householdRef
	l.queries++
	if err := l.db.WithContext(l.ctx).Model(&model.Household{}).Select("id", "household_no", "region_code", "head_name").
		Where((&where{}).in("household_no", nos).and()).Find(&rows).Error; err != nil {
		return err
	}
	for _, no := range nos {
		l.households[no] = householdRef{HouseholdNo: no}
	}
	for _, h := range rows {
		h.found = true
		l.households[h.HouseholdNo] = h
	}
	return nil
}

// member returns the member with the (normalised) ID number.
func (l *dbLookups) member(idCard string) (memberRef, error) {
	if m, ok := l.members[idCard]; ok {
		return m, nil
	}
	if err := l.fetchMembers([]string{idCard}); err != nil {
		return memberRef{}, err
	}
	return l.members[idCard], nil
}

func (l *dbLookups) fetchMembers(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	byIndex := make(map[string]string, len(ids))
	indexes := make([]string, 0, len(ids))
	for _, id := range ids {
		idx := l.cipher.Index(pii.PurposeIDCard, id)
		byIndex[idx] = id
		indexes = append(indexes, idx)
		l.members[id] = memberRef{}
	}
	var rows []memberRef
	l.queries++
	err := l.db.WithContext(l.ctx).Table("members AS m").Joins("JOIN households AS h ON h.id = m.household_id").
		Select("m.id AS id", "m.household_id AS household_id", "m.name AS name", "m.id_card_index AS id_card_index",
			"h.household_no AS household_no", "h.region_code AS region_code", "h.head_name AS head_name").
		Where((&where{}).in("m.id_card_index", indexes).and()).Find(&rows).Error
	if err != nil {
		return err
	}
	for _, m := range rows {
		m.found = true
		l.members[byIndex[m.IDCardIndex]] = m
		// The household comes with the member: rows naming both ask once.
		l.households[m.HouseholdNo] = householdRef{ID: m.HouseholdID, HouseholdNo: m.HouseholdNo, RegionCode: m.RegionCode,
			HeadName: m.HeadName, found: true}
	}
	return nil
}

// cadre returns the cadres called name whose phone or ID number is the one
// given: by ID number alone when one is given and known, since that is one
// person.
func (l *dbLookups) cadre(name, phone, idCard string) ([]cadreRef, error) {
	var ask []string
	for _, k := range []string{"p" + phone, "i" + idCard} {
		if len(k) > 1 && !l.cadreKeys[k] {
			ask = append(ask, k)
		}
	}
	if err := l.fetchCadres(ask); err != nil {
		return nil, err
	}
	var phoneIdx, idIdx string
	if phone != "" {
		phoneIdx = l.cipher.Index(pii.PurposePhone, phone)
	}
	if idCard != "" {
		idIdx = l.cipher.Index(pii.PurposeIDCard, idCard)
	}
	var byID, byPhone []cadreRef
	for _, c := range l.cadres {
		if !sameName(c.Name, name) {
			continue
		}
		switch {
		case idIdx != "" && c.IDCardIndex != nil && *c.IDCardIndex == idIdx:
			byID = append(byID, c)
		case phoneIdx != "" && c.PhoneIndex != nil && *c.PhoneIndex == phoneIdx:
			byPhone = append(byPhone, c)
		}
	}
	if len(byID) > 0 {
		return byID, nil
	}
	sort.Slice(byPhone, func(i, j int) bool { return byPhone[i].ID < byPhone[j].ID })
	return byPhone, nil
}

// cadreKeyed returns the cadres stored with the phone or the ID number,
// whatever their names: the cadres file matches its rows to them.
func (l *dbLookups) cadreKeyed(phone, idCard string) (byPhone []cadreRef, byID *cadreRef, err error) {
	var ask []string
	for _, k := range []string{"p" + phone, "i" + idCard} {
		if len(k) > 1 && !l.cadreKeys[k] {
			ask = append(ask, k)
		}
	}
	if err := l.fetchCadres(ask); err != nil {
		return nil, nil, err
	}
	var phoneIdx, idIdx string
	if phone != "" {
		phoneIdx = l.cipher.Index(pii.PurposePhone, phone)
	}
	if idCard != "" {
		idIdx = l.cipher.Index(pii.PurposeIDCard, idCard)
	}
	for _, c := range l.cadres {
		if idIdx != "" && c.IDCardIndex != nil && *c.IDCardIndex == idIdx {
			c := c
			byID = &c
		}
		if phoneIdx != "" && c.PhoneIndex != nil && *c.PhoneIndex == phoneIdx {
			byPhone = append(byPhone, c)
		}
	}
	sort.Slice(byPhone, func(i, j int) bool { return byPhone[i].ID < byPhone[j].ID })
	return byPhone, byID, nil
}

// fetchCadres asks for cadres by keys "p<phone>" and "i<ID number>".
func (l *dbLookups) fetchCadres(keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	var phones, ids []string
	for _, k := range keys {
		l.cadreKeys[k] = true
		switch k[0] {
		case 'p':
			phones = append(phones, l.cipher.Index(pii.PurposePhone, k[1:]))
		case 'i':
			ids = append(ids, l.cipher.Index(pii.PurposeIDCard, k[1:]))
		}
	}
	q := l.db.WithContext(l.ctx).Model(&model.Cadre{}).Select("id", "name", "kind", "region_code", "phone_index", "id_card_index")
	w := &where{}
	if len(phones) > 0 {
		w.in("phone_index", phones)
	}
	if len(ids) > 0 {
		w.in("id_card_index", ids)
	}
	q = q.Where(w.or())
	var rows []cadreRef
	l.queries++
	if err := q.Find(&rows).Error; err != nil {
		return err
	}
	for _, c := range rows {
		l.cadres[c.ID] = c
	}
	return nil
}
