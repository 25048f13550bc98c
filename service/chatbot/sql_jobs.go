package chatbot

import (
	"context"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/matching"
)

// SQLJobs answers Jobs: the matching engine ranks postings for a worker,
// exactly as the mini-program's recommended list does, and the lines are
// read from the jobs table.
type SQLJobs struct {
	DB      *model.DB
	Matcher *matching.Engine
}

// Recommended is the engine's best open postings for the user's job
// profile; none when the user has no active profile.
func (s SQLJobs) Recommended(ctx context.Context, userID int64, n int, today model.Date) ([]JobLine, error) {
	scored, err := s.Matcher.Recommend(ctx, userID, n)
	if err != nil || len(scored) == 0 {
		return nil, err
	}
	ids := make([]int64, len(scored))
	for i, sc := range scored {
		ids[i] = sc.JobID
	}
	var rows []struct {
		ID int64
		JobLine
	}
	if err := s.DB.WithContext(ctx).Table("jobs").
		Select("jobs.id, jobs.title, jobs.employer, COALESCE(regions.name, '') AS place, jobs.wage_min_fen, jobs.wage_max_fen, jobs.wage_unit").
		Joins("LEFT JOIN regions ON regions.code = jobs.region_code").Where("jobs.id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	byID := map[int64]JobLine{}
	for _, r := range rows {
		byID[r.ID] = r.JobLine
	}
	out := make([]JobLine, 0, len(ids))
	for _, id := range ids { // the engine's order
		if l, ok := byID[id]; ok {
			out = append(out, l)
		}
	}
	return out, nil
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
