package imports

import (
	"encoding/json"
	"slices"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

type jobItem struct {
	row      int
	r        importer.JobRow
	storedID int64
}

// benefits is jobs.benefits.
type benefits struct {
	Meals     bool `json:"meals"`
	Lodging   bool `json:"lodging"`
	Transport bool `json:"transport"`
}

// jobWriter writes postings from the 人社 system, keyed on 岗位编号; a
// posting without one is the stored posting without one that has the same
// kind, title, employer and place. Postings are not personal data: a
// migrant-work posting's place is outside every county scope, so only its
// other postings are held to the importer's region. A file without 有效期起
// starts new postings on the day of the import.
type jobWriter struct {
	j                      *job
	hasBoard, hasTransport bool
}

func (w *jobWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.JobRow], error) {
	return importer.NewJobDecoder(src, o)
}

func (w *jobWriter) rowOf(r *importer.JobRow) int { return r.Row }
func (w *jobWriter) lookahead() lookahead         { return lookahead{} }

func (w *jobWriter) begin(h *importer.Header) {
	w.hasBoard = h.Has("meals") || h.Has("lodging") || h.Has("board")
	w.hasTransport = h.Has("transport")
}

func (w *jobWriter) resolve(rc *rowCheck, r *importer.JobRow) jobItem {
	it := jobItem{row: r.Row, r: *r}
	if r.Kind != importer.JobMigrant && !rc.inScope("region_code", r.RegionCode, r.RegionCode) {
		return it
	}
	var stored []struct {
		ID         int64
		Kind       string
		RegionCode string
	}
	q := rc.j.s.db.WithContext(rc.j.ctx).Model(&model.Job{}).Select("id", "kind", "region_code")
	if r.ExternalNo != "" {
		q = q.Where("external_no = ?", r.ExternalNo)
	} else {
		q = q.Where("external_no IS NULL AND kind = ? AND title = ? AND employer = ? AND region_code = ?", r.Kind, r.Title, r.Employer, r.RegionCode)
	}
	if err := q.Order("id").Limit(1).Find(&stored).Error; err != nil {
		rc.fail(err)
		return it
	}
	if len(stored) > 0 {
		s := stored[0]
		if s.Kind != importer.JobMigrant && !rc.j.req.Scope.CoversRegion(s.RegionCode) {
			rc.reject("external_no", r.ExternalNo, "这个岗位编号已由您管辖范围以外的地区发布，不能由您修改")
			return it
		}
		it.storedID = s.ID
	}
	if r.ExternalNo != "" {
		rc.dup("external_no", r.ExternalNo, "岗位编号", "no\x00"+r.ExternalNo)
	} else {
		rc.dup("title", r.Title, "岗位类型、名称、用工单位和工作地点", "t\x00"+r.Kind+"\x00"+r.Title+"\x00"+r.Employer+"\x00"+r.RegionCode)
	}
	return it
}

// flush writes a batch of postings and, last in its transaction, marks the
// ones it created or changed for the matching engine (model.MarkJobsChanged:
// after the rows' own locks, so two batches written at once cannot deadlock
// over the change counter).
func (w *jobWriter) flush(b *batch, items []jobItem) error {
	var changed []int64
	for _, it := range items {
		id, err := w.write(b, it)
		if err != nil {
			return err
		}
		if id != 0 {
			changed = append(changed, id)
		}
	}
	return model.MarkJobsChanged(b.ctx, b.tx, changed...)
}

// write handles one posting and returns its id when it created or changed
// it: postings come in hundreds, not millions, and a new one needs its id
// for its tags.
func (w *jobWriter) write(b *batch, it jobItem) (int64, error) {
	r := it.r
	var old *model.Job
	if it.storedID != 0 {
		old = &model.Job{}
		if err := b.tx.WithContext(b.ctx).Take(old, it.storedID).Error; err != nil {
			return 0, err
		}
	}
	next := w.merge(b, old, &r)
	if old == nil {
		if err := b.tx.WithContext(b.ctx).Create(&next).Error; err != nil {
			return 0, err
		}
		b.created++
		return next.ID, w.writeTags(b, next.ID, r.SkillTags, false)
	}
	var c changes
	set := map[string]any{}
	str := func(name, o, n string) {
		if o != n {
			c = append(c, name)
			set[name] = n
		}
	}
	str("kind", old.Kind, next.Kind)
	str("title", old.Title, next.Title)
	str("employer", old.Employer, next.Employer)
	str("region_code", old.RegionCode, next.RegionCode)
	str("address", old.Address, next.Address)
	str("wage_unit", old.WageUnit, next.WageUnit)
	str("physical_demand", old.PhysicalDemand, next.PhysicalDemand)
	str("contact_name", old.ContactName, next.ContactName)
	str("description", derefOr(old.Description), derefOr(next.Description))
	for name, v := range map[string][2]int64{"wage_min_fen": {old.WageMinFen, next.WageMinFen}, "wage_max_fen": {old.WageMaxFen, next.WageMaxFen},
		"headcount": {int64(old.Headcount), int64(next.Headcount)}} {
		if v[0] != v[1] {
			c = append(c, name)
			set[name] = v[1]
		}
	}
	if !intPtrEqual(old.AgeMin, next.AgeMin) || !intPtrEqual(old.AgeMax, next.AgeMax) {
		c = append(c, "age")
		set["age_min"], set["age_max"] = next.AgeMin, next.AgeMax
	}
	tagsChanged := !slices.Equal(decodeTags(old.SkillTags), decodeTags(next.SkillTags))
	if tagsChanged {
		c = append(c, "skill_tags")
		set["skill_tags"] = next.SkillTags
		set["tag_key"] = nil // the job service's '|'-joined copy would be stale; readers fall back on skill_tags
	}
	if decodeBenefits(old.Benefits) != decodeBenefits(next.Benefits) {
		c = append(c, "benefits")
		set["benefits"] = next.Benefits
	}
	if !old.ContactPhone.IsSet() && next.ContactPhone.IsSet() || old.ContactPhone.IsSet() && *old.ContactPhone.Index != *next.ContactPhone.Index {
		c = append(c, "contact_phone")
		setSealed(set, "contact_phone_", next.ContactPhone)
	}
	var d changes
	d.date("valid_from", old.ValidFrom, next.ValidFrom)
	d.date("valid_until", old.ValidUntil, next.ValidUntil)
	for _, name := range d {
		set[name] = map[string]model.Date{"valid_from": next.ValidFrom, "valid_until": next.ValidUntil}[name]
	}
	c = append(c, d...)
	var loc changes
	loc.float("latitude", old.Latitude, next.Latitude)
	loc.float("longitude", old.Longitude, next.Longitude)
	if len(loc) > 0 {
		set["latitude"], set["longitude"] = next.Latitude, next.Longitude
	}
	c = append(c, loc...)
	if len(c) == 0 {
		b.unchanged++
		return 0, nil
	}
	set["updated_at"] = b.now
	if err := b.tx.WithContext(b.ctx).Model(&model.Job{}).Where("id = ?", old.ID).Updates(set).Error; err != nil {
		return 0, err
	}
	b.changedRow("job", old.ID, next.RegionCode, c)
	if tagsChanged {
		return old.ID, w.writeTags(b, old.ID, decodeTags(next.SkillTags), true)
	}
	return old.ID, nil
}

// merge is the posting as it will be stored.
func (w *jobWriter) merge(b *batch, old *model.Job, r *importer.JobRow) model.Job {
	j := b.j
	next := model.Job{Kind: r.Kind, Title: r.Title, Employer: r.Employer, RegionCode: r.RegionCode, WageMinFen: r.WageMinFen,
		WageMaxFen: r.WageMaxFen, WageUnit: r.WageUnit, Headcount: r.Headcount, PhysicalDemand: importer.PhysicalMedium,
		SkillTags: "[]", Benefits: `{"meals":false,"lodging":false,"transport":false}`, Status: "open", ValidFrom: j.today,
		ValidUntil: r.ValidUntil, PublishedAt: b.now, CreatedBy: j.req.AdminID, CreatedAt: b.now, UpdatedAt: b.now}
	if r.ExternalNo != "" {
		no := r.ExternalNo
		next.ExternalNo = &no
	}
	ben := benefits{}
	if old != nil {
		next.Address, next.Latitude, next.Longitude = old.Address, old.Latitude, old.Longitude
		next.SkillTags, next.AgeMin, next.AgeMax, next.PhysicalDemand = old.SkillTags, old.AgeMin, old.AgeMax, old.PhysicalDemand
		next.ContactName, next.ContactPhone, next.Description, next.ValidFrom = old.ContactName, old.ContactPhone, old.Description, old.ValidFrom
		ben = decodeBenefits(old.Benefits)
	}
	if r.Address != "" {
		next.Address = r.Address
	}
	if r.Latitude != nil {
		next.Latitude, next.Longitude = r.Latitude, r.Longitude
	}
	if len(r.SkillTags) > 0 {
		raw, _ := json.Marshal(r.SkillTags)
		next.SkillTags = string(raw)
	}
	if r.AgeMin != nil || r.AgeMax != nil {
		next.AgeMin, next.AgeMax = r.AgeMin, r.AgeMax
	}
	if r.PhysicalDemand != "" {
		next.PhysicalDemand = r.PhysicalDemand
	}
	if w.hasBoard {
		ben.Meals, ben.Lodging = r.Meals, r.Lodging
	}
	if w.hasTransport {
		ben.Transport = r.Transport
	}
	raw, _ := json.Marshal(ben)
	next.Benefits = string(raw)
	if r.ContactName != "" {
		next.ContactName = r.ContactName
	}
	if r.ContactPhone != "" {
		next.ContactPhone, _ = j.reseal(next.ContactPhone, pii.PurposePhone, r.ContactPhone)
	}
	if r.Description != "" {
		d := r.Description
		next.Description = &d
	}
	if !r.ValidFrom.IsZero() {
		next.ValidFrom = r.ValidFrom
	}
	return next
}

// writeTags keeps job_tags, the matching index, equal to the skill tags.
func (w *jobWriter) writeTags(b *batch, jobID int64, tags []string, replace bool) error {
	if replace {
		if err := b.tx.WithContext(b.ctx).Where("job_id = ?", jobID).Delete(&model.JobTag{}).Error; err != nil {
			return err
		}
	}
	if len(tags) == 0 {
		return nil
	}
	rows := make([]model.JobTag, len(tags))
	for i, t := range tags {
		rows[i] = model.JobTag{JobID: jobID, Tag: t}
	}
	return b.tx.WithContext(b.ctx).Create(&rows).Error
}

func decodeTags(s string) []string {
	var tags []string
	_ = json.Unmarshal([]byte(s), &tags)
	return tags
}

func decodeBenefits(s string) benefits {
	var b benefits
	_ = json.Unmarshal([]byte(s), &b)
	return b
}

func derefOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func intPtrEqual(a, b *int) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
