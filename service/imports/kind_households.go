package imports

import (
	"fmt"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

// RelationHead is the relation of a household's head on the member row.
const RelationHead = "户主"

type householdItem struct {
	row int
	r   importer.HouseholdRow
}

// householdWriter writes households keyed on 户编号. The head's ID number,
// when the file gives it, goes on the head's member row (relation 户主),
// created when the person is not on file yet: the households table has no
// ID column, the head is a member like the others.
type householdWriter struct{ j *job }

func (w *householdWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.HouseholdRow], error) {
	return importer.NewHouseholdDecoder(src, o)
}

func (w *householdWriter) rowOf(r *importer.HouseholdRow) int { return r.Row }

func (w *householdWriter) lookahead() lookahead {
	return lookahead{households: []string{"household_no"}, members: []string{"head_id_card"}}
}

func (w *householdWriter) begin(*importer.Header) {}

func (w *householdWriter) resolve(rc *rowCheck, r *importer.HouseholdRow) householdItem {
	it := householdItem{row: r.Row, r: *r}
	col, value := "region_code", r.RegionCode
	if !rc.j.header.Has(col) {
		col, value = "village", r.Village
	}
	if r.RegionCode == "" {
		rc.reject(col, value, "找不到所属村的区划代码")
		return it
	}
	if !rc.inScope(col, value, r.RegionCode) {
		return it
	}
	h, err := rc.j.lk.household(r.HouseholdNo)
	if err != nil {
		rc.fail(err)
		return it
	}
	if h.found && !rc.j.req.Scope.CoversRegion(h.RegionCode) {
		rc.reject("household_no", r.HouseholdNo, fmt.Sprintf("该户编号已登记在您管辖范围以外的地区（%s），不能由您导入", h.RegionCode))
		return it
	}
	if r.HeadIDCard != "" {
		m, err := rc.j.lk.member(r.HeadIDCard)
		if err != nil {
			rc.fail(err)
			return it
		}
		if m.found && m.HouseholdNo != r.HouseholdNo {
			rc.reject("head_id_card", r.HeadIDCard, "这个身份证号已登记在户编号为"+m.HouseholdNo+"的户中（如已分户或迁户，请先导入家庭成员表）")
			return it
		}
		if rc.dup("head_id_card", r.HeadIDCard, "户主身份证号", "head\x00"+r.HeadIDCard) {
			return it
		}
	}
	rc.dup("household_no", r.HouseholdNo, "户编号", r.HouseholdNo)
	return it
}

var householdUpsert = upsert{
	table: "households",
	cols: append([]string{"household_no", "region_code", "class", "status", "support_level", "head_name", "address", "latitude",
		"longitude", "size", "labour_count"}, append(sealedCols("phone_"), "created_at", "updated_at")...),
	key: []string{"household_no"},
	update: append([]string{"region_code", "class", "status", "support_level", "head_name", "address", "latitude", "longitude",
		"size", "labour_count"}, append(sealedCols("phone_"), "updated_at")...),
}

// headUpsert creates head members, or renames them and makes them 户主;
// nothing else of a member is the households file's to change.
var headUpsert = upsert{
	table: "members",
	cols: append([]string{"household_id", "name", "relation", "gender", "birth_date"},
		append(sealedCols("id_card_"), "labour_capacity", "wish_to_work", "employment_status", "in_school", "disability", "status",
			"created_at", "updated_at")...),
	key:    []string{"id_card_index"},
	update: []string{"name", "relation", "updated_at"},
}

func (w *householdWriter) flush(b *batch, items []householdItem) error {
	j := b.j
	nos := make([]string, len(items))
	var heads []string
	for i, it := range items {
		nos[i] = it.r.HouseholdNo
		if it.r.HeadIDCard != "" {
			heads = append(heads, j.s.cipher.Index(pii.PurposeIDCard, it.r.HeadIDCard))
		}
	}
	var stored []model.Household
	if err := b.tx.WithContext(b.ctx).Where((&where{}).in("household_no", nos).and()).Find(&stored).Error; err != nil {
		return err
	}
	byNo := make(map[string]*model.Household, len(stored))
	for i := range stored {
		byNo[stored[i].HouseholdNo] = &stored[i]
	}
	var storedHeads []model.Member
	if len(heads) > 0 {
		if err := b.tx.WithContext(b.ctx).Select("id", "household_id", "name", "relation", "id_card_index").
			Where((&where{}).in("id_card_index", heads).and()).Find(&storedHeads).Error; err != nil {
			return err
		}
	}
	headByIndex := make(map[string]*model.Member, len(storedHeads))
	for i := range storedHeads {
		headByIndex[*storedHeads[i].IDCard.Index] = &storedHeads[i]
	}

	var rows, headRows [][]any
	var newNos []string
	newHeads := map[string]int{} // 户编号 → index in headRows, for households created in this batch
	for _, it := range items {
		r := it.r
		old := byNo[r.HouseholdNo]
		next := w.merge(old, &r)
		next.CreatedAt = b.now
		var c changes
		if old != nil {
			c.str("region_code", old.RegionCode, next.RegionCode)
			c.str("class", old.Class, next.Class)
			c.str("status", old.Status, next.Status)
			c.str("support_level", old.SupportLevel, next.SupportLevel)
			c.str("head_name", old.HeadName, next.HeadName)
			c.str("address", old.Address, next.Address)
			c.float("latitude", old.Latitude, next.Latitude)
			c.float("longitude", old.Longitude, next.Longitude)
			c.num("size", int64(old.Size), int64(next.Size))
			c.num("labour_count", int64(old.LabourCount), int64(next.LabourCount))
			if !j.sameSealed(old.Phone, pii.PurposePhone, r.Phone) && r.Phone != "" {
				c = append(c, "phone")
			}
		}
		// The head member.
		headChanged := false
		if r.HeadIDCard != "" {
			idx := j.s.cipher.Index(pii.PurposeIDCard, r.HeadIDCard)
			m := headByIndex[idx]
			switch {
			case m == nil:
				headChanged = true
				b.extra["head_members_created"]++
				row := w.newHead(b, &r)
				if old == nil {
					newHeads[r.HouseholdNo] = len(headRows)
				} else {
					row[0] = old.ID
				}
				headRows = append(headRows, row)
			case m.Name != r.HeadName || m.Relation != RelationHead:
				headChanged = true
				var mc changes
				mc.str("name", m.Name, r.HeadName)
				mc.str("relation", m.Relation, RelationHead)
				b.audits = append(b.audits, memberAudit(b, m.ID, next.RegionCode, mc))
				row := w.newHead(b, &r)
				row[0] = m.HouseholdID
				headRows = append(headRows, row)
			}
		}
		switch {
		case old == nil:
			b.created++
			newNos = append(newNos, r.HouseholdNo)
		case len(c) == 0 && !headChanged:
			b.unchanged++
			continue
		case len(c) == 0:
			b.changedRow("household", old.ID, next.RegionCode, changes{"head_member"})
			continue // only the member row changes
		default:
			if headChanged {
				c = append(c, "head_member")
			}
			b.changedRow("household", old.ID, next.RegionCode, c)
			next.CreatedAt = old.CreatedAt
		}
		next.Phone, _ = w.phone(old, r.Phone)
		rows = append(rows, append(append([]any{next.HouseholdNo, next.RegionCode, next.Class, next.Status, next.SupportLevel,
			next.HeadName, next.Address, next.Latitude, next.Longitude, next.Size, next.LabourCount}, sealedArgs(next.Phone)...),
			next.CreatedAt, b.now))
	}
	if len(rows) > 0 {
		if err := householdUpsert.exec(b, rows); err != nil {
			return err
		}
	}
	if len(newHeads) > 0 {
		var ids []struct {
			ID          int64
			HouseholdNo string
		}
		if err := b.tx.WithContext(b.ctx).Model(&model.Household{}).Select("id", "household_no").
			Where((&where{}).in("household_no", newNos).and()).Find(&ids).Error; err != nil {
			return err
		}
		for _, h := range ids {
			if i, ok := newHeads[h.HouseholdNo]; ok {
				headRows[i][0] = h.ID
			}
		}
	}
	if len(headRows) > 0 {
		return headUpsert.exec(b, headRows)
	}
	return nil
}

// merge is the household as it will be stored: the file's values, and the
// stored ones (or the defaults) where the file says nothing.
func (w *householdWriter) merge(old *model.Household, r *importer.HouseholdRow) model.Household {
	next := model.Household{HouseholdNo: r.HouseholdNo, RegionCode: r.RegionCode, Class: r.Class, HeadName: r.HeadName,
		Status: model.HouseholdActive, SupportLevel: model.SupportNormal, Size: 1}
	if old != nil {
		next.Status, next.SupportLevel, next.Address = old.Status, old.SupportLevel, old.Address
		next.Latitude, next.Longitude, next.Size, next.LabourCount = old.Latitude, old.Longitude, old.Size, old.LabourCount
	}
	if r.Status != "" {
		next.Status = r.Status
	}
	if r.Elevated != nil {
		next.SupportLevel = model.SupportNormal
		if *r.Elevated {
			next.SupportLevel = model.SupportElevated
		}
	}
	if r.Address != "" {
		next.Address = r.Address
	}
	if r.Latitude != nil {
		next.Latitude, next.Longitude = r.Latitude, r.Longitude
	}
	if r.Size != nil {
		next.Size = *r.Size
	}
	if r.LabourCount != nil {
		next.LabourCount = *r.LabourCount
	}
	return next
}

// phone is the sealed phone to store: the stored one unless the file gives
// another number.
func (w *householdWriter) phone(old *model.Household, phone string) (model.Sealed, bool) {
	var stored model.Sealed
	if old != nil {
		stored = old.Phone
	}
	if phone == "" {
		return stored, false
	}
	return w.j.reseal(stored, pii.PurposePhone, phone)
}

// newHead is a head member row for headUpsert; its household id (the
// first value) is filled in by the caller.
func (w *householdWriter) newHead(b *batch, r *importer.HouseholdRow) []any {
	facts := pii.ParseIDCard(r.HeadIDCard)
	gender := "M"
	if facts.Female {
		gender = "F"
	}
	sealed := model.Seal(w.j.s.cipher, pii.PurposeIDCard, r.HeadIDCard)
	return append(append([]any{int64(0), r.HeadName, RelationHead, gender, model.DateOf(facts.Birth)}, sealedArgs(sealed)...),
		model.CapacityNone, false, model.EmploymentUnknown, false, "", importer.MemberActive, b.now, b.now)
}
