package chatbot

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
)

// SQLJobs answers Jobs straight from the jobs and job_profiles tables: a
// profile's kinds of work and wage wish filter the open postings, newest
// first. It is the bot's own, read-only stand-in until the matching
// service is wired in.
type SQLJobs struct {
	DB *model.DB
}

// Recommended is the newest open postings that fit the user's job profile;
// none when the user has no active profile.
func (s SQLJobs) Recommended(ctx context.Context, userID int64, n int, today model.Date) ([]JobLine, error) {
	var profiles []model.JobProfile
	if err := s.DB.WithContext(ctx).Where("user_id = ? AND active = ?", userID, true).Limit(1).Find(&profiles).Error; err != nil {
		return nil, err
	}
	if len(profiles) == 0 {
		return nil, nil
	}
	pr := profiles[0]
	q := s.open(ctx, today)
	var kinds []string
	if json.Unmarshal([]byte(pr.Kinds), &kinds) == nil && len(kinds) > 0 {
		q = q.Where("jobs.kind IN ?", kinds)
	}
	if pr.MinWageFen > 0 {
		q = q.Where("(jobs.wage_unit <> ? OR jobs.wage_max_fen >= ?)", pr.WageUnit, pr.MinWageFen)
	}
	return s.lines(q, n)
}

// Latest is the newest open postings.
func (s SQLJobs) Latest(ctx context.Context, n int, today model.Date) ([]JobLine, error) {
	return s.lines(s.open(ctx, today), n)
}

// open is the postings one can apply to today.
func (s SQLJobs) open(ctx context.Context, today model.Date) *gorm.DB {
	return s.DB.WithContext(ctx).Table("jobs").
		Select("jobs.title, jobs.employer, COALESCE(regions.name, '') AS place, jobs.wage_min_fen, jobs.wage_max_fen, jobs.wage_unit").
		Joins("LEFT JOIN regions ON regions.code = jobs.region_code").
		Where("jobs.status = ? AND jobs.valid_from <= ? AND jobs.valid_until >= ? AND jobs.filled < jobs.headcount",
			"open", today, today)
}

func (s SQLJobs) lines(q *gorm.DB, n int) ([]JobLine, error) {
	var out []JobLine
	err := q.Order("jobs.published_at DESC, jobs.id DESC").Limit(n).Scan(&out).Error
	return out, err
}
