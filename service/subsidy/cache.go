package subsidy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/kv"
)

// The cache of a household's year view. A view is stored under a key that
// carries the household's current generation, the year and today's date:
//
//	subsidy:v1:<household>:<generation>:<year>:<YYYY-MM-DD>
//
// InvalidateHousehold gives the household a new random generation, so every
// cached year of it is unreachable at once, whichever years exist. Because
// a reader takes the generation before it reads the database, a reader that
// raced with a change writes its (old) view under the old generation, where
// nobody looks: a stale view is never served after InvalidateHousehold
// returns. Today's date in the key makes "overdue" turn over at midnight.
const cacheVersion = "v1"

func genKey(householdID int64) string { return fmt.Sprintf("subsidy:gen:%d", householdID) }

func viewKey(householdID int64, gen string, year int, today model.Date) string {
	return fmt.Sprintf("subsidy:%s:%d:%s:%d:%s", cacheVersion, householdID, gen, year, today)
}

// genTTL outlives every view written under the generation it replaces: a
// generation that expires falls back to "0", and by then every view cached
// under "0" before the change has expired too.
func (s *Service) genTTL() time.Duration { return 2*s.o.CacheTTL + time.Minute }

// generation returns the household's current cache generation ("0" when it
// has none).
func (s *Service) generation(ctx context.Context, householdID int64) (string, error) {
	b, err := s.kv.Get(ctx, genKey(householdID))
	if errors.Is(err, kv.ErrMiss) {
		return "0", nil
	}
	return string(b), err
}

// InvalidateHousehold drops every cached view of the households' payments.
// Whatever changes payments (the importer, a correction) calls it after its
// transaction commits.
func (s *Service) InvalidateHousehold(ctx context.Context, householdIDs ...int64) error {
	if s.o.CacheTTL == 0 {
		return nil
	}
	var errs []error
	for _, id := range householdIDs {
		b := make([]byte, 8)
		rand.Read(b)
		if err := s.kv.Set(ctx, genKey(id), []byte(hex.EncodeToString(b)), s.genTTL()); err != nil {
			errs = append(errs, fmt.Errorf("subsidy: invalidate household %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// YearJSON is Year encoded as JSON. A household's own view is served from
// the cache when it can be; any other scope is always read fresh (the
// cache key carries no scope). A cache that fails is logged and bypassed:
// the answer comes from the database.
func (s *Service) YearJSON(ctx context.Context, scope model.Scope, householdID int64, year int) ([]byte, error) {
	cacheable := s.o.CacheTTL > 0 && scope.Kind == model.ScopeHousehold && scope.HouseholdID == householdID
	if !cacheable {
		v, err := s.Year(ctx, scope, householdID, year)
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	}
	today := s.Today()
	gen, err := s.generation(ctx, householdID)
	var key string
	if err == nil {
		key = viewKey(householdID, gen, year, today)
		b, err := s.kv.Get(ctx, key)
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, kv.ErrMiss) {
			s.o.Logger.WarnContext(ctx, "subsidy cache read failed; reading the database", "err", err)
			key = ""
		}
	} else {
		s.o.Logger.WarnContext(ctx, "subsidy cache generation unreadable; reading the database", "err", err)
	}
	v, err := s.yearOn(ctx, scope, householdID, year, today)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if key != "" {
		if err := s.kv.Set(ctx, key, b, s.o.CacheTTL); err != nil {
			s.o.Logger.WarnContext(ctx, "subsidy cache write failed", "err", err)
		}
	}
	return b, nil
}
