package subsidy

import (
	"bytes"
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

// The cache of a household's year view. A view is stored under
//
//	subsidy:v2:<household>:<year>:<YYYY-MM-DD>
//
// as "<generation>\n<JSON>", where the generation is the household's at the
// time the view was read from the database (subsidy:gen:<household>, "0"
// when it has none). A view counts only while its generation is the
// household's current one. InvalidateHousehold gives the household a new
// random generation, so every cached year of it is dead at once, whichever
// years exist; and because a reader takes the generation before it reads
// the database, a reader that raced with a change stores its (old) view
// under the old generation, where it never counts: a stale view is never
// served after InvalidateHousehold returns. Today's date in the key makes
// "overdue" turn over at midnight. Stores that can (Redis, memory) fetch the
// generation and the view in one round trip. With Redis, a bounded local
// cache in front of it saves even that round trip (local.go).
const cacheVersion = "v2"

func genKey(householdID int64) string { return fmt.Sprintf("subsidy:gen:%d", householdID) }

func viewKey(householdID int64, year int, today model.Date) string {
	return fmt.Sprintf("subsidy:%s:%d:%d:%s", cacheVersion, householdID, year, today)
}

// noGeneration is a household's generation before its first change. A
// generation that expires falls back to it; genTTL makes sure that by then
// every view stored under "0" before the change has expired too.
const noGeneration = "0"

// genTTL outlives every view stored under the generation it replaces.
func (s *Service) genTTL() time.Duration { return 2*s.o.CacheTTL + time.Minute }

// multiGetter is a store that reads several keys in one round trip
// (kv.Redis and kv.Memory are).
type multiGetter interface {
	MGet(ctx context.Context, keys ...string) ([][]byte, error)
}

// cached returns the household's current generation and the cached view
// of the year when it is of that generation (nil otherwise).
func (s *Service) cached(ctx context.Context, householdID int64, year int, today model.Date) (string, []byte, error) {
	gk, vk := genKey(householdID), viewKey(householdID, year, today)
	var gen, val []byte
	if mg, ok := s.kv.(multiGetter); ok {
		vals, err := mg.MGet(ctx, gk, vk)
		if err != nil {
			return "", nil, err
		}
		gen, val = vals[0], vals[1]
	} else {
		var err error
		if gen, err = s.kv.Get(ctx, gk); err != nil && !errors.Is(err, kv.ErrMiss) {
			return "", nil, err
		}
		if val, err = s.kv.Get(ctx, vk); err != nil && !errors.Is(err, kv.ErrMiss) {
			return "", nil, err
		}
	}
	current := noGeneration
	if gen != nil {
		current = string(gen)
	}
	g, body, ok := bytes.Cut(val, []byte{'\n'})
	if !ok || string(g) != current {
		return current, nil, nil
	}
	return current, body, nil
}

// InvalidateHousehold drops every cached view of the households' payments,
// in the shared store and, through the broadcast, in every instance's local
// cache. Whatever changes payments (the importer, a correction) calls it
// after its transaction commits.
func (s *Service) InvalidateHousehold(ctx context.Context, householdIDs ...int64) error {
	if s.o.CacheTTL == 0 {
		return nil
	}
	var errs []error
	for _, id := range householdIDs {
		b := make([]byte, 8)
		rand.Read(b)
		gen := hex.EncodeToString(b)
		if err := s.kv.Set(ctx, genKey(id), []byte(gen), s.genTTL()); err != nil {
			errs = append(errs, fmt.Errorf("subsidy: invalidate household %d: %w", id, err))
			continue
		}
		if s.local != nil {
			s.local.heard(id, gen) // this instance at once; the others when the message comes
		}
		if s.bc != nil {
			if err := s.bc.Publish(ctx, invalidationChannel, []byte(fmt.Sprintf("%d %s", id, gen))); err != nil {
				errs = append(errs, fmt.Errorf("subsidy: announce household %d: %w", id, err))
			}
		}
	}
	return errors.Join(errs...)
}

// invalidationChannel carries "<household> <generation>" to every instance.
const invalidationChannel = "subsidy:invalidations"

// broadcaster is a shared store that carries messages between instances
// (kv.Redis).
type broadcaster interface {
	Publish(ctx context.Context, channel string, payload []byte) error
	Listen(ctx context.Context, channel string, l kv.Listener) error
}

// Listen hears other instances' invalidations for the local cache until
// ctx ends; the server runs it in the background. The local cache serves
// only while it runs and its subscription is up. Without a local cache it
// returns at once.
func (s *Service) Listen(ctx context.Context) error {
	if s.local == nil {
		return nil
	}
	defer s.local.reset(false)
	return s.bc.Listen(ctx, invalidationChannel, kv.Listener{
		Up:   func() { s.local.reset(true) },
		Down: func() { s.local.reset(false) },
		Message: func(p []byte) {
			var id int64
			var gen string
			if _, err := fmt.Sscanf(string(p), "%d %s", &id, &gen); err == nil {
				s.local.heard(id, gen)
			}
		},
	})
}

// YearJSON is Year encoded as JSON. A household's own view is served from
// the cache when it can be; any other scope is always read fresh (the
// cache key carries no scope). A cache that fails is logged and bypassed:
// the answer comes from the database.
func (s *Service) YearJSON(ctx context.Context, scope model.Scope, householdID int64, year int) ([]byte, error) {
	today := s.Today()
	cacheable := s.o.CacheTTL > 0 && scope.Kind == model.ScopeHousehold && scope.HouseholdID == householdID
	gen := ""
	var epoch uint64
	if cacheable {
		key := viewKey(householdID, year, today)
		if s.local != nil {
			if body := s.local.get(key, householdID); body != nil {
				return body, nil
			}
			epoch = s.local.begin()
		}
		g, body, err := s.cached(ctx, householdID, year, today)
		if err != nil {
			s.o.Logger.WarnContext(ctx, "subsidy cache unreadable; reading the database", "err", err)
		} else if body != nil {
			if s.local != nil {
				s.local.put(key, householdID, g, body, epoch)
			}
			return body, nil
		} else {
			gen = g // taken before the database is read: see the comment at the top
		}
	}
	v, err := s.yearOn(ctx, scope, householdID, year, today)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if gen != "" {
		val := make([]byte, 0, len(gen)+1+len(body))
		val = append(append(append(val, gen...), '\n'), body...)
		if err := s.kv.Set(ctx, viewKey(householdID, year, today), val, s.o.CacheTTL); err != nil {
			s.o.Logger.WarnContext(ctx, "subsidy cache write failed", "err", err)
		}
		if s.local != nil {
			s.local.put(viewKey(householdID, year, today), householdID, gen, body, epoch)
		}
	}
	return body, nil
}
