package imports

import (
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
)

type memberItem struct {
	row         int
	r           importer.MemberRow
	householdID int64
	region      string
}

// memberWriter writes household members keyed on their ID number. A person
// listed under another household than the one on file has moved (分户,
// 迁户): the member row moves, and so does a WeChat binding to it.
type memberWriter struct {
	j             *job
	hasDisability bool // the file has 残疾情况: blank there means none
}

func (w *memberWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.MemberRow], error) {
	return importer.NewMemberDecoder(src, o)
}

func (w *memberWriter) rowOf(r *importer.MemberRow) int { return r.Row }

func (w *memberWriter) lookahead() lookahead {
	return lookahead{households: []string{"household_no"}, members: []string{"id_card"}}
}

func (w *memberWriter) begin(h *importer.Header) { w.hasDisability = h.Has("disability") }

func (w *memberWriter) resolve(rc *rowCheck, r *importer.MemberRow) memberItem {
	it := memberItem{row: r.Row, r: *r}
	h, err := rc.j.lk.household(r.HouseholdNo)
	if err != nil {
		rc.fail(err)
		return it
	}
	if !h.found {
		rc.reject("household_no", r.HouseholdNo, "没有这个户编号的户（请先导入户信息，或核对户编号）")
		return it
	}
	if !rc.inScope("household_no", r.HouseholdNo, h.RegionCode) {
		return it
	}
	it.householdID, it.region = h.ID, h.RegionCode
	m, err := rc.j.lk.member(r.IDCard)
	if err != nil {
		rc.fail(err)
		return it
	}
	if m.found && m.HouseholdNo != r.HouseholdNo && !rc.j.req.Scope.CoversRegion(m.RegionCode) {
		rc.reject("id_card", r.IDCard, "这个身份证号已登记在您管辖范围以外的户中，不能由您迁入")
		return it
	}
	rc.dup("id_card", r.IDCard, "身份证号", r.IDCard)
	return it
}

var memberUpsert = upsert{
	table: "members",
	cols: append(append([]string{"household_id", "name", "relation", "gender", "birth_date"}, sealedCols("id_card_")...),
		append(sealedCols("phone_"), "labour_capacity", "wish_to_work", "employment_status", "in_school", "disability", "status",
			"created_at", "updated_at")...),
	key: []string{"id_card_index"},
	update: append([]string{"household_id", "name", "relation", "gender", "birth_date"},
		append(sealedCols("phone_"), "labour_capacity", "wish_to_work", "employment_status", "in_school", "disability", "status",
			"updated_at")...),
}

func (w *memberWriter) flush(b *batch, items []memberItem) error {
	j := b.j
	indexes := make([]string, len(items))
	for i := range items {
		indexes[i] = j.s.cipher.Index(pii.PurposeIDCard, items[i].r.IDCard)
	}
	var stored []model.Member
	if err := b.tx.WithContext(b.ctx).Where((&where{}).in("id_card_index", indexes).and()).Find(&stored).Error; err != nil {
		return err
	}
	byIndex := make(map[string]*model.Member, len(stored))
	for i := range stored {
		byIndex[*stored[i].IDCard.Index] = &stored[i]
	}
	var rows [][]any
	type move struct{ member, household int64 }
	var moves []move
	for i, it := range items {
		r := it.r
		old := byIndex[indexes[i]]
		next := w.merge(old, &it)
		next.CreatedAt = b.now
		if old != nil {
			var c changes
			c.num("household_id", old.HouseholdID, next.HouseholdID)
			c.str("name", old.Name, next.Name)
			c.str("relation", old.Relation, next.Relation)
			c.str("gender", old.Gender, next.Gender)
			c.date("birth_date", old.BirthDate, next.BirthDate)
			if r.Phone != "" && !j.sameSealed(old.Phone, pii.PurposePhone, r.Phone) {
				c = append(c, "phone")
			}
			c.str("labour_capacity", old.LabourCapacity, next.LabourCapacity)
			c.flag("wish_to_work", old.WishToWork, next.WishToWork)
			c.str("employment_status", old.EmploymentStatus, next.EmploymentStatus)
			c.flag("in_school", old.InSchool, next.InSchool)
			c.str("disability", old.Disability, next.Disability)
			c.str("status", old.Status, next.Status)
			if len(c) == 0 {
				b.unchanged++
				continue
			}
			b.updated++
			b.audits = append(b.audits, memberAudit(b, old.ID, it.region, c))
			if old.HouseholdID != next.HouseholdID {
				moves = append(moves, move{old.ID, next.HouseholdID})
			}
			next.CreatedAt = old.CreatedAt
		} else {
			b.created++
		}
		rows = append(rows, append(append(append([]any{next.HouseholdID, next.Name, next.Relation, next.Gender, next.BirthDate},
			sealedArgs(next.IDCard)...), sealedArgs(next.Phone)...), next.LabourCapacity, next.WishToWork, next.EmploymentStatus,
			next.InSchool, next.Disability, next.Status, next.CreatedAt, b.now))
	}
	if len(rows) > 0 {
		if err := memberUpsert.exec(b, rows); err != nil {
			return err
		}
	}
	for _, m := range moves {
		// A household member's WeChat binding follows the person.
		if err := b.tx.WithContext(b.ctx).Model(&model.User{}).Where("member_id = ?", m.member).
			Updates(map[string]any{"household_id": m.household, "updated_at": b.now}).Error; err != nil {
			return err
		}
	}
	return nil
}

// merge is the member as it will be stored.
func (w *memberWriter) merge(old *model.Member, it *memberItem) model.Member {
	r := &it.r
	next := model.Member{HouseholdID: it.householdID, Name: r.Name, Gender: r.Gender, BirthDate: r.BirthDate,
		LabourCapacity: model.CapacityNone, EmploymentStatus: model.EmploymentUnknown, Status: importer.MemberActive}
	if old != nil {
		next.Relation, next.IDCard, next.Phone = old.Relation, old.IDCard, old.Phone
		next.LabourCapacity, next.WishToWork, next.EmploymentStatus = old.LabourCapacity, old.WishToWork, old.EmploymentStatus
		next.InSchool, next.Disability, next.Status = old.InSchool, old.Disability, old.Status
	} else {
		next.IDCard = model.Seal(w.j.s.cipher, pii.PurposeIDCard, r.IDCard)
	}
	if r.Relation != "" {
		next.Relation = r.Relation
	}
	if r.Phone != "" {
		next.Phone, _ = w.j.reseal(next.Phone, pii.PurposePhone, r.Phone)
	}
	if r.LabourCapacity != "" {
		next.LabourCapacity = r.LabourCapacity
	}
	if r.WishToWork != nil {
		next.WishToWork = *r.WishToWork
	}
	if r.EmploymentStatus != "" {
		next.EmploymentStatus = r.EmploymentStatus
	}
	if r.InSchool != nil {
		next.InSchool = *r.InSchool
	}
	if w.hasDisability {
		next.Disability = r.Disability
	}
	if r.Status != "" {
		next.Status = r.Status
	}
	return next
}

// memberAudit is the audit entry of a changed member row.
func memberAudit(b *batch, id int64, region string, fields []string) audit.Event {
	return audit.Event{Action: "import.update", TargetKind: "member", TargetID: id, RegionCode: region,
		Detail: map[string]any{"run": b.j.runID, "fields": fields}}
}
