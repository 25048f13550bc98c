package scheduler

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/kv"
)

// leader is the election of one scheduling instance among many.
type leader interface {
	// hold takes or keeps the leadership for ttl, reporting whether this
	// instance leads.
	hold(ctx context.Context, ttl time.Duration) (bool, error)
	// release gives it up, so another instance need not wait for the ttl.
	release(ctx context.Context)
	kind() string
}

// kvLeader is a lock in the shared kv store (Redis).
type kvLeader struct {
	store  kv.Store
	key    string
	holder []byte
}

func (l *kvLeader) hold(ctx context.Context, ttl time.Duration) (bool, error) {
	ok, err := l.store.CompareAndExpire(ctx, l.key, l.holder, ttl)
	if err != nil || ok {
		return ok, err
	}
	return l.store.SetNX(ctx, l.key, l.holder, ttl)
}

func (l *kvLeader) release(ctx context.Context) {
	_, _ = l.store.CompareAndDelete(ctx, l.key, l.holder)
}

func (l *kvLeader) kind() string { return "redis" }

// dbLeader is a row of the leases table: for deployments without Redis,
// where several instances still share the database.
type dbLeader struct {
	db     *model.DB
	name   string
	holder string
	now    func() time.Time
}

func (l *dbLeader) hold(ctx context.Context, ttl time.Duration) (bool, error) {
	now := l.now().UTC().Truncate(time.Millisecond)
	db := l.db.WithContext(ctx)
	// The row is made once, expired; later inserts find it there.
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&model.Lease{Name: l.name, ExpiresAt: time.Unix(0, 0).UTC()}).Error; err != nil {
		return false, err
	}
	res := db.Exec("UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)",
		l.holder, now.Add(ttl), l.name, l.holder, now)
	return res.RowsAffected == 1, res.Error
}

func (l *dbLeader) release(ctx context.Context) {
	_ = l.db.WithContext(ctx).Exec("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
		time.Unix(0, 0).UTC(), l.name, l.holder).Error
}

func (l *dbLeader) kind() string { return "database" }
