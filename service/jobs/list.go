package jobs

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
)

// ListQuery filters a list of postings. Region is a 12-digit code on file
// (the list holds its region and everything under it); Kind one kind or
// several joined by commas; Q words that must each appear in the title,
// the employer or the skill tags.
type ListQuery struct {
	Q      string
	Region string
	Kind   string
	Status string // admin lists only: open (default on the public list) | closed | expired | all
	Cursor string
	Limit  int
}

// Page is one page of a list; NextCursor is "" on the last.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

const (
	defaultLimit = 20
	maxLimit     = 50
	maxQueryLen  = 30
	maxTerms     = 5
)

var errBadCursor = apperr.BadInput("invalid_cursor", "翻页参数无效，请从第一页重新加载")

// cursor is a position in the (published_at DESC, id DESC) order. Keyset
// paging from it neither skips nor repeats a posting when others are
// published meanwhile: new postings sort before every page already read.
type cursor struct {
	at time.Time
	id int64
}

func (c cursor) String() string {
	raw := fmt.Sprintf("v1.%d.%d", c.at.UnixMilli(), c.id)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(s string) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errBadCursor
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return cursor{}, errBadCursor
	}
	ms, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || ms < 0 {
		return cursor{}, errBadCursor
	}
	return cursor{at: time.UnixMilli(ms).UTC(), id: id}, nil
}

// List returns open postings, newest first: the public board.
func (s *Service) List(ctx context.Context, lq ListQuery) (Page[JobView], error) {
	lq.Status = model.JobOpen
	rows, next, err := s.listRows(ctx, s.db.WithContext(ctx).Model(&model.Job{}), lq)
	if err != nil {
		return Page[JobView]{}, err
	}
	items, err := s.views(ctx, rows)
	return Page[JobView]{Items: items, NextCursor: next}, err
}

// AdminList returns the postings an official's scope covers, in any status.
func (s *Service) AdminList(ctx context.Context, p auth.Principal, lq ListQuery) (Page[AdminJobView], error) {
	if lq.Status == "" {
		lq.Status = "all"
	}
	rows, next, err := s.listRows(ctx, ownedBy(s.db.WithContext(ctx).Model(&model.Job{}), p.Scope()), lq)
	if err != nil {
		return Page[AdminJobView]{}, err
	}
	items, err := s.adminViews(ctx, rows)
	return Page[AdminJobView]{Items: items, NextCursor: next}, err
}

// listRows reads one page in (published_at DESC, id DESC) order, and the
// cursor of the next page ("" when this is the last).
func (s *Service) listRows(ctx context.Context, q *gorm.DB, lq ListQuery) ([]model.Job, string, error) {
	q, err := s.filter(ctx, q, lq)
	if err != nil {
		return nil, "", err
	}
	limit := lq.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	if lq.Cursor != "" {
		c, err := parseCursor(lq.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("(jobs.published_at < ? OR (jobs.published_at = ? AND jobs.id < ?))", c.at, c.at, c.id)
	}
	var rows []model.Job
	if err := q.Order("jobs.published_at DESC, jobs.id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = cursor{at: last.PublishedAt, id: last.ID}.String()
	}
	return rows, next, nil
}

// filter applies a query's status, region, kind and words.
func (s *Service) filter(ctx context.Context, q *gorm.DB, lq ListQuery) (*gorm.DB, error) {
	today := s.today()
	switch lq.Status {
	case model.JobOpen:
		q = q.Where("jobs.status = ? AND jobs.valid_from <= ? AND jobs.valid_until >= ? AND jobs.filled < jobs.headcount",
			model.JobOpen, today, today)
	case "expired":
		q = q.Where("jobs.status = ? AND jobs.valid_until < ?", model.JobOpen, today)
	case model.JobClosed:
		q = q.Where("jobs.status = ?", model.JobClosed)
	case "all":
	default:
		return nil, invalid("status", "invalid_status", "状态应为 open、closed、expired 或 all")
	}
	if lq.Region != "" {
		if err := s.checkRegion(ctx, "region", lq.Region); err != nil {
			return nil, err
		}
		q = q.Where("jobs.region_code LIKE ?", model.RegionPrefix(lq.Region, model.RegionLevelOf(lq.Region))+"%")
	}
	if lq.Kind != "" {
		kinds := strings.Split(lq.Kind, ",")
		for _, k := range kinds {
			if err := checkKind("kind", k); err != nil {
				return nil, err
			}
		}
		q = q.Where("jobs.kind IN ?", kinds)
	}
	terms, err := s.terms(lq.Q)
	if err != nil {
		return nil, err
	}
	for _, alts := range terms {
		var conds []string
		var args []any
		for _, t := range alts {
			like := "%" + escapeLike(t) + "%"
			conds = append(conds, "jobs.title LIKE ? ESCAPE '!' OR jobs.employer LIKE ? ESCAPE '!' OR jobs.skill_tags LIKE ? ESCAPE '!'")
			args = append(args, like, like, like)
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	return q, nil
}

// terms splits a search into words; a word that is a skill tag's synonym
// also finds the tag ("焊工" finds postings tagged "电焊").
func (s *Service) terms(q string) ([][]string, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > maxQueryLen {
		return nil, invalid("q", "query_too_long", fmt.Sprintf("搜索词最多 %d 个字", maxQueryLen))
	}
	words := strings.Fields(q)
	if len(words) > maxTerms {
		return nil, invalid("q", "query_too_long", fmt.Sprintf("搜索词最多 %d 个", maxTerms))
	}
	out := make([][]string, 0, len(words))
	for _, w := range words {
		alts := []string{w}
		if canon, _, err := s.tags.Normalize([]string{w}); err == nil && len(canon) == 1 && canon[0] != w {
			alts = append(alts, canon[0])
		}
		out = append(out, alts)
	}
	return out, nil
}

// escapeLike escapes LIKE's wildcards with '!', which MySQL and SQLite both
// accept as an ESCAPE character (a backslash would need different quoting).
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// Get returns one posting on the board. A closed or expired posting is
// still shown (a worker may follow an old link) with its status.
func (s *Service) Get(ctx context.Context, id int64) (JobView, error) {
	var j model.Job
	if err := s.db.WithContext(ctx).Take(&j, id).Error; err != nil {
		if model.IsNotFound(err) {
			return JobView{}, apperr.Missing("岗位")
		}
		return JobView{}, err
	}
	vs, err := s.views(ctx, []model.Job{j})
	if err != nil {
		return JobView{}, err
	}
	return vs[0], nil
}

// adminViews adds the office's fields to rows, counting interests in one
// query.
func (s *Service) adminViews(ctx context.Context, rows []model.Job) ([]AdminJobView, error) {
	out := make([]AdminJobView, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var counts []struct {
		JobID int64
		N     int64
	}
	if err := s.db.WithContext(ctx).Model(&model.JobInterest{}).Select("job_id, COUNT(*) AS n").
		Where("job_id IN ?", ids).Group("job_id").Scan(&counts).Error; err != nil {
		return nil, err
	}
	n := map[int64]int64{}
	for _, c := range counts {
		n[c.JobID] = c.N
	}
	views, err := s.views(ctx, rows)
	if err != nil {
		return nil, err
	}
	for i, j := range rows {
		out = append(out, s.adminOf(j, views[i], n[j.ID]))
	}
	return out, nil
}
