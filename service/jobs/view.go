package jobs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// JobView is a posting as the mini-program shows it. The contact phone is
// masked; the full number is given only to a worker who says they want the
// job (Interest).
type JobView struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	KindName       string     `json:"kind_name"`
	Title          string     `json:"title"`
	Employer       string     `json:"employer"`
	RegionCode     string     `json:"region_code"`
	RegionName     string     `json:"region_name"`
	Address        string     `json:"address"`
	Latitude       *float64   `json:"latitude,omitempty"`
	Longitude      *float64   `json:"longitude,omitempty"`
	WageMinFen     int64      `json:"wage_min_fen"`
	WageMaxFen     int64      `json:"wage_max_fen"`
	WageUnit       string     `json:"wage_unit"`
	Headcount      int        `json:"headcount"`
	Remaining      int        `json:"remaining"`
	SkillTags      []string   `json:"skill_tags"`
	AgeMin         *int       `json:"age_min"`
	AgeMax         *int       `json:"age_max"`
	PhysicalDemand string     `json:"physical_demand"`
	Benefits       Benefits   `json:"benefits"`
	ContactName    string     `json:"contact_name"`
	ContactPhone   string     `json:"contact_phone"`
	Description    string     `json:"description"`
	ValidFrom      model.Date `json:"valid_from"`
	ValidUntil     model.Date `json:"valid_until"`
	PublishedAt    time.Time  `json:"published_at"`
	Status         string     `json:"status"` // open | closed | expired | full | upcoming
}

// RecommendedJob is a posting with its score for the worker and the
// reasons (API.md: the job's fields plus score and reasons).
type RecommendedJob struct {
	JobView
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// AdminJobView adds what the publishing office keeps track of.
type AdminJobView struct {
	JobView
	ExternalNo  string    `json:"external_no"`
	Filled      int       `json:"filled"`
	OwnerRegion string    `json:"owner_region"`
	Interests   int64     `json:"interests"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// statusOf is what a posting is today: a closed one is closed; an open one
// past its end is expired, one with every place taken full, one whose
// validity has not begun upcoming (not on the board yet).
func statusOf(j model.Job, today model.Date) string {
	switch {
	case j.Status != model.JobOpen:
		return j.Status
	case j.ValidUntil.Before(today):
		return "expired"
	case j.Filled >= j.Headcount:
		return "full"
	case today.Before(j.ValidFrom):
		return "upcoming"
	}
	return model.JobOpen
}

func (s *Service) view(j model.Job, names map[string]string) JobView {
	v := JobView{
		ID: j.ID, Kind: j.Kind, KindName: model.JobKinds[j.Kind], Title: j.Title, Employer: j.Employer,
		RegionCode: j.RegionCode, RegionName: names[j.RegionCode], Address: j.Address, Latitude: j.Latitude,
		Longitude: j.Longitude, WageMinFen: j.WageMinFen, WageMaxFen: j.WageMaxFen, WageUnit: j.WageUnit,
		Headcount: j.Headcount, Remaining: max(0, j.Headcount-j.Filled), SkillTags: []string{}, AgeMin: j.AgeMin,
		AgeMax: j.AgeMax, PhysicalDemand: j.PhysicalDemand, ContactName: j.ContactName,
		ContactPhone: j.ContactPhone.Mask(), ValidFrom: j.ValidFrom, ValidUntil: j.ValidUntil,
		PublishedAt: j.PublishedAt.In(s.loc), Status: statusOf(j, s.today()),
	}
	if j.Description != nil {
		v.Description = *j.Description
	}
	if j.SkillTags != "" {
		_ = json.Unmarshal([]byte(j.SkillTags), &v.SkillTags)
	}
	if j.Benefits != "" {
		_ = json.Unmarshal([]byte(j.Benefits), &v.Benefits)
	}
	return v
}

// views turns rows into views, with their regions' names.
func (s *Service) views(ctx context.Context, jobs []model.Job) ([]JobView, error) {
	codes := make([]string, len(jobs))
	for i, j := range jobs {
		codes[i] = j.RegionCode
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]JobView, len(jobs))
	for i, j := range jobs {
		out[i] = s.view(j, names)
	}
	return out, nil
}

func (s *Service) adminView(ctx context.Context, j model.Job) (AdminJobView, error) {
	vs, err := s.adminViews(ctx, []model.Job{j})
	if err != nil {
		return AdminJobView{}, err
	}
	return vs[0], nil
}

func (s *Service) adminOf(j model.Job, v JobView, interests int64) AdminJobView {
	a := AdminJobView{JobView: v, Filled: j.Filled, OwnerRegion: j.OwnerRegion, Interests: interests,
		CreatedAt: j.CreatedAt.In(s.loc), UpdatedAt: j.UpdatedAt.In(s.loc)}
	if j.ExternalNo != nil {
		a.ExternalNo = *j.ExternalNo
	}
	return a
}
