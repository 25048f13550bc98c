// Package jobs is the job board of 岗位信息推送 / 微信送岗: postings that
// officials publish, edit and close; the public list with keyword, region and
// kind filters and stable cursor paging; workers' job profiles (kept in step
// with the matching index); recommendations from service/matching; and
// interest in a posting, which reveals the employer's contact and lets the
// household's cadre see it.
package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/matching"
)

// Service is the job board.
type Service struct {
	db     *model.DB
	cipher *pii.Cipher
	audit  *audit.Log
	engine *matching.Engine
	tags   *matching.Tags
	loc    *time.Location
	now    func() time.Time
}

// Options configure the service.
type Options struct {
	Location *time.Location   // where dates are judged and times shown
	Now      func() time.Time // the clock; time.Now when nil
}

// New builds the service.
func New(db *model.DB, cipher *pii.Cipher, auditLog *audit.Log, engine *matching.Engine, tags *matching.Tags, o Options) (*Service, error) {
	if db == nil || cipher == nil || auditLog == nil || engine == nil || tags == nil || o.Location == nil {
		return nil, errors.New("jobs: New needs a database, cipher, audit log, matching engine, tag list and location")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, cipher: cipher, audit: auditLog, engine: engine, tags: tags, loc: o.Location, now: o.Now}, nil
}

// Tags is the skill-tag list workers and officials pick from.
func (s *Service) Tags() *matching.Tags { return s.tags }

// Engine is the matching engine the board ranks with.
func (s *Service) Engine() *matching.Engine { return s.engine }

// today is the date in the service's location.
func (s *Service) today() model.Date { return model.DateOf(s.now().In(s.loc)) }

// regionNames returns the names of the codes on file.
func (s *Service) regionNames(ctx context.Context, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	var rs []model.Region
	if err := s.db.WithContext(ctx).Select("code", "name").Where("code IN ?", dedupe(codes)).Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, nil
}

// regionOnFile reports whether a region code is in the regions table.
func (s *Service) regionOnFile(ctx context.Context, code string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.Region{}).Where("code = ?", code).Count(&n).Error
	return n > 0, err
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// FromConfig builds the board and its matching engine from the
// configuration: the skill-tag list (XB_JOB_TAGS_FILE) and the XB_MATCH_*
// settings. now is time.Now when nil.
func FromConfig(cfg *config.Config, db *model.DB, cipher *pii.Cipher, auditLog *audit.Log, now func() time.Time) (*Service, error) {
	groups, err := config.LoadJobTags(cfg.JobTagsFile)
	if err != nil {
		return nil, err
	}
	tags, err := matching.NewTags(groups)
	if err != nil {
		return nil, err
	}
	engine, err := matching.New(db, matching.Options{
		Params: matching.ParamsFrom(cfg), MinScore: cfg.MatchMinScore, MaxCandidates: cfg.MatchCandidates,
		Location: cfg.Location(), Now: now,
	})
	if err != nil {
		return nil, err
	}
	return New(db, cipher, auditLog, engine, tags, Options{Location: cfg.Location(), Now: now})
}
