package jobs

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/matching"
)

// InterestView answers a worker who wants a job: the employer's contact in
// full, which the board otherwise shows masked. The number is the
// employer's business line, given to the worker who asked for it.
type InterestView struct {
	JobID            int64     `json:"job_id"`
	Title            string    `json:"title"`
	Employer         string    `json:"employer"`
	Address          string    `json:"address"`
	ContactName      string    `json:"contact_name"`
	ContactPhone     string    `json:"contact_phone"`      // masked, as everywhere
	ContactPhoneFull string    `json:"contact_phone_full"` // the number to call
	InterestedAt     time.Time `json:"interested_at"`
}

// Interest records that the signed-in worker wants a posting and returns
// its contact. Saying so again changes nothing and answers the same
// (created is false); a posting no longer open takes no new interest.
func (s *Service) Interest(ctx context.Context, p auth.Principal, jobID int64) (InterestView, bool, error) {
	if p.Role != auth.RoleHousehold || p.MemberID == 0 {
		return InterestView{}, false, errNotMember
	}
	var j model.Job
	var in model.JobInterest
	created := false
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		if err := tx.WithContext(ctx).Take(&j, jobID).Error; err != nil {
			if model.IsNotFound(err) {
				return apperr.Missing("岗位")
			}
			return err
		}
		err := tx.WithContext(ctx).Where("job_id = ? AND user_id = ?", jobID, p.UserID).Take(&in).Error
		if err == nil {
			return nil
		}
		if !model.IsNotFound(err) {
			return err
		}
		if st := statusOf(j, s.today()); st != model.JobOpen && st != "upcoming" { // one may call ahead of the start
			return matching.ErrJobNotOpen
		}
		in = model.JobInterest{JobID: jobID, UserID: p.UserID, MemberID: &p.MemberID, HouseholdID: &p.HouseholdID,
			CreatedAt: s.now().UTC().Truncate(time.Millisecond)}
		// A plain insert, not ON CONFLICT DO NOTHING: on MariaDB gorm adds RETURNING, which reports an
		// existing row as affected. A concurrent double tap's duplicate undoes this statement only.
		if err := tx.WithContext(ctx).Create(&in).Error; err != nil {
			if !model.IsDuplicate(err) {
				return err
			}
			return tx.WithContext(ctx).Where("job_id = ? AND user_id = ?", jobID, p.UserID).Take(&in).Error
		}
		created = true
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "job_interest.create", TargetKind: "job",
			TargetID: jobID, RegionCode: j.RegionCode, Detail: map[string]any{"member_id": p.MemberID}})
	})
	if err != nil {
		return InterestView{}, false, err
	}
	phone, err := j.ContactPhone.Open(s.cipher, pii.PurposePhone)
	if err != nil {
		return InterestView{}, false, err
	}
	return InterestView{JobID: j.ID, Title: j.Title, Employer: j.Employer, Address: j.Address, ContactName: j.ContactName,
		ContactPhone: j.ContactPhone.Mask(), ContactPhoneFull: phone, InterestedAt: in.CreatedAt.In(s.loc)}, created, nil
}

// CadreInterest is one worker's interest, as their household's cadre sees it.
type CadreInterest struct {
	ID          int64     `json:"id"`
	JobID       int64     `json:"job_id"`
	JobTitle    string    `json:"job_title"`
	Employer    string    `json:"employer"`
	Kind        string    `json:"kind"`
	KindName    string    `json:"kind_name"`
	JobStatus   string    `json:"job_status"`
	MemberID    int64     `json:"member_id"`
	MemberName  string    `json:"member_name"`
	HouseholdID int64     `json:"household_id"`
	HeadName    string    `json:"head_name"`
	RegionCode  string    `json:"region_code"`
	CreatedAt   time.Time `json:"created_at"`
}

// CadreInterests lists, newest first, the postings that members of the
// households in the caller's scope have said they want, so the cadre can
// help (点对点送工). The read is audited.
func (s *Service) CadreInterests(ctx context.Context, p auth.Principal, cursorStr string, limit int) (Page[CadreInterest], error) {
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	var rows []struct {
		model.JobInterest
		HeadName   string
		RegionCode string
		MemberName string
	}
	q := s.db.WithContext(ctx).Table("job_interests").
		Select("job_interests.*, households.head_name, households.region_code, members.name AS member_name").
		Joins("JOIN households ON households.id = job_interests.household_id").
		Joins("LEFT JOIN members ON members.id = job_interests.member_id")
	q = p.Scope().Households(q, "job_interests.household_id", "households.region_code")
	if cursorStr != "" {
		c, err := parseCursor(cursorStr)
		if err != nil {
			return Page[CadreInterest]{}, err
		}
		q = q.Where("(job_interests.created_at < ? OR (job_interests.created_at = ? AND job_interests.id < ?))", c.at, c.at, c.id)
	}
	if err := q.Order("job_interests.created_at DESC, job_interests.id DESC").Limit(limit + 1).Scan(&rows).Error; err != nil {
		return Page[CadreInterest]{}, err
	}
	page := Page[CadreInterest]{Items: []CadreInterest{}}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		page.NextCursor = cursor{at: last.CreatedAt, id: last.ID}.String()
	}
	jobIDs := make([]int64, len(rows))
	hhIDs := make([]int64, len(rows))
	for i, r := range rows {
		jobIDs[i] = r.JobID
		hhIDs[i] = *r.HouseholdID
	}
	var jobs []model.Job
	if len(jobIDs) > 0 {
		if err := s.db.WithContext(ctx).Where("id IN ?", jobIDs).Find(&jobs).Error; err != nil {
			return page, err
		}
	}
	byID := map[int64]model.Job{}
	for _, j := range jobs {
		byID[j.ID] = j
	}
	today := s.today()
	for _, r := range rows {
		j := byID[r.JobID]
		ci := CadreInterest{ID: r.ID, JobID: r.JobID, JobTitle: j.Title, Employer: j.Employer, Kind: j.Kind,
			KindName: model.JobKinds[j.Kind], JobStatus: statusOf(j, today), MemberName: r.MemberName,
			HouseholdID: *r.HouseholdID, HeadName: r.HeadName, RegionCode: r.RegionCode, CreatedAt: r.CreatedAt.In(s.loc)}
		if r.MemberID != nil {
			ci.MemberID = *r.MemberID
		}
		page.Items = append(page.Items, ci)
	}
	err := s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "job_interest.list", TargetKind: "household",
		RegionCode: p.RegionScope, Detail: map[string]any{"households": hhIDs}})
	return page, err
}
