// Package demo seeds a realistic, deterministic demo county: one county,
// three towns, twelve villages, about 2,000 households with members, cadres
// and pairings, a year of 一卡通 payments (some late, missing or failed), job
// postings, visits (some overdue) and income records (some under the
// monitoring line). A fixed RNG seed makes every run produce the same
// county relative to "today"; all people are clearly fake.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
)

// Options tune the seed; zero values take the defaults.
type Options struct {
	Today      model.Date // "today" in the county's zone
	Households int        // default 2000
	RandSeed   uint64     // default 20261123
	Policy     *config.Policy
	// Password is the demo officials' console password (printed at start).
	Password string
}

// Summary says what was created.
type Summary struct {
	Regions, Households, Members, Cadres, Pairings, Payments, Jobs, Visits, IncomeRecords, Reports, Users int
	Password                                                                                              string
	Took                                                                                                  time.Duration
}

// ErrNotEmpty means the database already holds households; the seed never
// mixes demo people into real data.
var ErrNotEmpty = errors.New("demo: the database already has households; the demo seeds only an empty database")

// Seeder writes the demo county.
type Seeder struct {
	db     *model.DB
	cipher *pii.Cipher
	o      Options
	rng    *rand.Rand
	now    time.Time
	loc    *time.Location
	// built up as the seed goes, so later steps can refer to earlier rows
	towns, villages []model.Region
	households      []model.Household
	members         map[int64][]model.Member // by household
	cadres          []model.Cadre
	responsible     map[int64]int64 // household → its responsible cadre
	items           map[string]model.SubsidyItem
	idSeq, phoneSeq int
	usedIDs         map[string]bool
	householdIndex  map[int64]int
}

// NewSeeder builds a seeder.
func NewSeeder(db *model.DB, cipher *pii.Cipher, o Options) (*Seeder, error) {
	if db == nil || cipher == nil {
		return nil, errors.New("demo: NewSeeder needs a database and a cipher")
	}
	if o.Today.IsZero() {
		return nil, errors.New("demo: Options.Today is required")
	}
	if o.Households == 0 {
		o.Households = 2000
	}
	if o.RandSeed == 0 {
		o.RandSeed = 20261123
	}
	if o.Policy == nil {
		o.Policy = config.DefaultPolicy()
	}
	if o.Password == "" {
		o.Password = "xiangbang-demo"
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return &Seeder{
		db: db, cipher: cipher, o: o,
		rng:            rand.New(rand.NewPCG(o.RandSeed, o.RandSeed^0x9e3779b97f4a7c15)),
		now:            time.Now().UTC().Truncate(time.Millisecond),
		loc:            loc,
		members:        map[int64][]model.Member{},
		responsible:    map[int64]int64{},
		usedIDs:        map[string]bool{},
		householdIndex: map[int64]int{},
	}, nil
}

// Seed writes the whole county in one transaction: it is there entirely or
// not at all.
func (s *Seeder) Seed(ctx context.Context) (Summary, error) {
	start := time.Now()
	var sum Summary
	var n int64
	if err := s.db.WithContext(ctx).Model(&model.Household{}).Count(&n).Error; err != nil {
		return sum, err
	}
	if n > 0 {
		return sum, ErrNotEmpty
	}
	if err := s.loadItems(ctx); err != nil {
		return sum, err
	}
	steps := []struct {
		name string
		fn   func(tx *model.DB, sum *Summary) error
	}{
		{"regions", s.seedRegions},
		{"households", s.seedHouseholds},
		{"cadres", s.seedCadres},
		{"payments", s.seedPayments},
		{"income", s.seedIncome},
		{"visits", s.seedVisits},
		{"jobs", s.seedJobs},
		{"users", s.seedUsers},
		{"reports", s.seedReports},
		{"denial notices", s.seedDenialNotices},
	}
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		for _, st := range steps {
			if err := st.fn(tx, &sum); err != nil {
				return fmt.Errorf("demo: seeding %s: %w", st.name, err)
			}
		}
		return nil
	})
	sum.Password = s.o.Password
	sum.Took = time.Since(start)
	return sum, err
}

func (s *Seeder) loadItems(ctx context.Context) error {
	var items []model.SubsidyItem
	if err := s.db.WithContext(ctx).Find(&items).Error; err != nil {
		return err
	}
	if len(items) == 0 {
		return errors.New("demo: the subsidy item catalogue is not loaded")
	}
	s.items = map[string]model.SubsidyItem{}
	for _, it := range items {
		s.items[it.Code] = it
	}
	return nil
}

// household returns a seeded household by id.
func (s *Seeder) household(id int64) model.Household {
	return s.households[s.householdIndex[id]]
}

// chance returns true with probability p.
func (s *Seeder) chance(p float64) bool { return s.rng.Float64() < p }

// between returns a whole number in [lo, hi].
func (s *Seeder) between(lo, hi int) int { return lo + s.rng.IntN(hi-lo+1) }

// dateAt is the instant of a date at hour:minute in the county's zone, UTC.
func (s *Seeder) dateAt(d model.Date, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, s.loc).UTC()
}

const batchSize = 500
