package imports

import (
	"cmp"
	"fmt"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

type cadreItem struct {
	row      int
	r        importer.CadreRow
	storedID int64 // 0: a new cadre
}

// cadreWriter writes cadres: the same person is the stored cadre with the
// ID number when the file gives one, otherwise the one with the same name
// and phone. A stored cadre without an ID number gets the file's.
type cadreWriter struct{ j *job }

func (w *cadreWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.CadreRow], error) {
	return importer.NewCadreDecoder(src, o)
}

func (w *cadreWriter) rowOf(r *importer.CadreRow) int { return r.Row }

func (w *cadreWriter) lookahead() lookahead {
	return lookahead{cadrePhones: []string{"phone"}, cadreIDs: []string{"id_card"}}
}

func (w *cadreWriter) begin(*importer.Header) {}

func (w *cadreWriter) resolve(rc *rowCheck, r *importer.CadreRow) cadreItem {
	it := cadreItem{row: r.Row, r: *r}
	if !rc.inScope("region_code", r.RegionCode, r.RegionCode) {
		return it
	}
	byPhone, byID, err := rc.j.lk.cadreKeyed(r.Phone, r.IDCard)
	if err != nil {
		rc.fail(err)
		return it
	}
	var same []cadreRef // same name and phone
	for _, c := range byPhone {
		if sameName(c.Name, r.Name) {
			same = append(same, c)
		}
	}
	var match *cadreRef
	switch {
	case byID != nil:
		match = byID
	case len(same) > 1:
		rc.reject("name", r.Name, "已有多位同名且联系电话相同的干部，请填写身份证号以区分")
		return it
	case len(same) == 1 && same[0].IDCardIndex != nil && r.IDCard != "":
		rc.reject("id_card", r.IDCard, "已有同名、同联系电话的干部登记了另一个身份证号，请核对")
		return it
	case len(same) == 1:
		match = &same[0]
	}
	if match != nil {
		if !rc.j.req.Scope.CoversRegion(match.RegionCode) {
			rc.reject("name", r.Name, fmt.Sprintf("这位干部已登记在您管辖范围以外的地区（%s），不能由您修改", match.RegionCode))
			return it
		}
		it.storedID = match.ID
	}
	if r.IDCard != "" && rc.dup("id_card", r.IDCard, "身份证号", "id\x00"+r.IDCard) {
		return it
	}
	rc.dup("name", r.Name, "姓名和联系电话", "np\x00"+nameKey(r.Name)+"\x00"+r.Phone)
	return it
}

var cadreInsert = upsert{
	table: "cadres",
	cols: append(append([]string{"name", "kind", "organization", "position", "region_code"}, sealedCols("phone_")...),
		append(sealedCols("id_card_"), "status", "created_at", "updated_at")...),
}

func (w *cadreWriter) flush(b *batch, items []cadreItem) error {
	j := b.j
	var ids []int64
	for _, it := range items {
		if it.storedID != 0 {
			ids = append(ids, it.storedID)
		}
	}
	// Cadres the file takes out of post are locked before anything is
	// read, as the console's leave does, so a pairing made meanwhile is
	// either seen and ended or made after, and refused.
	var leaving []int64
	for _, it := range items {
		if it.storedID != 0 && it.r.Status == model.CadreLeft {
			leaving = append(leaving, it.storedID)
		}
	}
	if len(leaving) > 0 {
		if err := b.tx.WithContext(b.ctx).Exec("UPDATE cadres SET updated_at = updated_at WHERE id IN ?", leaving).Error; err != nil {
			return err
		}
	}
	byID := map[int64]*model.Cadre{}
	if len(ids) > 0 {
		var stored []model.Cadre
		if err := b.tx.WithContext(b.ctx).Where((&where{}).ints("id", ids).and()).Find(&stored).Error; err != nil {
			return err
		}
		for i := range stored {
			byID[stored[i].ID] = &stored[i]
		}
	}
	var rows [][]any
	for _, it := range items {
		r := it.r
		old := byID[it.storedID]
		if old == nil {
			b.created++
			rows = append(rows, append(append(append([]any{r.Name, r.Kind, r.Organization, r.Position, r.RegionCode},
				sealedArgs(model.Seal(j.s.cipher, pii.PurposePhone, r.Phone))...),
				sealedArgs(model.Seal(j.s.cipher, pii.PurposeIDCard, r.IDCard))...), cmp.Or(r.Status, model.CadreActive), b.now, b.now))
			continue
		}
		var c changes
		set := map[string]any{}
		field := func(name string, oldV, newV string) {
			if oldV != newV {
				c = append(c, name)
				set[name] = newV
			}
		}
		field("name", old.Name, r.Name)
		field("kind", old.Kind, r.Kind)
		if r.Organization != "" {
			field("organization", old.Organization, r.Organization)
		}
		if r.Position != "" {
			field("position", old.Position, r.Position)
		}
		field("region_code", old.RegionCode, r.RegionCode)
		if phone, changed := j.reseal(old.Phone, pii.PurposePhone, r.Phone); changed {
			c = append(c, "phone")
			setSealed(set, "phone_", phone)
		}
		if r.IDCard != "" {
			if id, changed := j.reseal(old.IDCard, pii.PurposeIDCard, r.IDCard); changed {
				c = append(c, "id_card")
				setSealed(set, "id_card_", id)
			}
		}
		leaves := r.Status == model.CadreLeft && old.Status == model.CadreActive
		switch {
		case leaves:
			c = append(c, "status") // set by the hand-over below
		case r.Status == model.CadreActive && old.Status == model.CadreLeft:
			field("status", old.Status, r.Status) // back in post; nothing is restored
		}
		if len(c) == 0 {
			b.unchanged++
			continue
		}
		set["updated_at"] = b.now
		if err := b.tx.WithContext(b.ctx).Model(&model.Cadre{}).Where("id = ?", old.ID).Updates(set).Error; err != nil {
			return err
		}
		b.changedRow("cadre", old.ID, r.RegionCode, c)
		if leaves {
			left := *old
			left.RegionCode = r.RegionCode
			if err := w.leave(b, left); err != nil {
				return err
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return cadreInsert.exec(b, rows)
}

// leave hands over a cadre the file marks 离岗 as the console's leave
// does, in the batch's transaction: pairings end on the import day in the
// county's zone, open cases move by the filing rule, unused invites are
// revoked. The run's summary counts it.
func (w *cadreWriter) leave(b *batch, c model.Cadre) error {
	left, err := b.j.s.hands.Leave(b.ctx, b.tx, b.j.req.Actor, c, b.j.s.today())
	if err != nil {
		return err
	}
	b.left = append(b.left, c.ID)
	b.extra["cadres_left"]++
	if left.PairingsEnded > 0 {
		b.extra["pairings_ended"] += left.PairingsEnded
	}
	if left.ReportsMoved > 0 {
		b.extra["reports_reassigned"] += left.ReportsMoved
	}
	return nil
}

func setSealed(set map[string]any, prefix string, s model.Sealed) {
	for i, col := range sealedCols(prefix) {
		set[col] = sealedArgs(s)[i]
	}
}
