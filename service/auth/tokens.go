package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/kv"
)

// Failures of sign-in tokens.
var (
	ErrNoToken      = apperr.New(apperr.Unauthorized, "unauthenticated", "请先登录")
	ErrBadToken     = apperr.New(apperr.Unauthorized, "invalid_token", "登录已失效，请重新登录")
	ErrExpiredToken = apperr.New(apperr.Unauthorized, "token_expired", "登录已过期，请重新登录")
)

// principalCacheTTL bounds how long a resolved principal is reused. Revoking
// deletes the cache entry, so revocation is immediate regardless.
const principalCacheTTL = 5 * time.Minute

// Tokens issues, checks and revokes sign-in tokens. A token is
// "xb1.<id>.<mac>": the id names a sessions row, the mac proves we issued
// it, so garbage is refused without touching the database.
type Tokens struct {
	db     *model.DB
	kv     kv.Store
	secret []byte
	now    func() time.Time
	// local is the in-process first level of the principal cache (local.go);
	// nil unless the store is shared and can broadcast (Redis).
	local *localPrincipals
	bc    broadcaster
}

// NewTokens builds Tokens; secret must be at least 32 bytes.
func NewTokens(db *model.DB, store kv.Store, secret []byte, now func() time.Time) (*Tokens, error) {
	if db == nil || store == nil {
		return nil, errors.New("auth: NewTokens needs a database and a kv store")
	}
	if len(secret) < 32 {
		return nil, errors.New("auth: token secret must be at least 32 bytes")
	}
	if now == nil {
		now = time.Now
	}
	t := &Tokens{db: db, kv: store, secret: secret, now: now}
	if bc, ok := store.(broadcaster); ok {
		t.bc, t.local = bc, newLocalPrincipals(now)
	}
	return t, nil
}

// Issued is a new token and its session.
type Issued struct {
	Token     string
	ExpiresAt time.Time
	Session   model.Session
}

// Issue starts a session for a subject ("user" or "admin").
func (t *Tokens) Issue(ctx context.Context, kind string, subjectID int64, ip, userAgent string, ttl time.Duration) (Issued, error) {
	id := randomHex(16)
	s := model.Session{
		TokenID: id, SubjectKind: kind, SubjectID: subjectID,
		IP: ip, UserAgent: truncate(userAgent, 255),
		ExpiresAt: t.now().UTC().Add(ttl).Truncate(time.Millisecond),
	}
	if kind == model.SubjectAdmin {
		s.CSRFToken = randomHex(24)
	}
	if err := t.db.WithContext(ctx).Create(&s).Error; err != nil {
		return Issued{}, err
	}
	return Issued{Token: "xb1." + id + "." + t.mac(id), ExpiresAt: s.ExpiresAt, Session: s}, nil
}

func (t *Tokens) mac(id string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte("xb1." + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// TokenID checks the token's mac and returns its session id.
func (t *Tokens) TokenID(token string) (string, error) {
	if token == "" {
		return "", ErrNoToken
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != "xb1" || len(parts[1]) != 32 {
		return "", ErrBadToken
	}
	if !hmac.Equal([]byte(parts[2]), []byte(t.mac(parts[1]))) {
		return "", ErrBadToken
	}
	return parts[1], nil
}

// Session returns the live session of a token: refused when expired or revoked.
func (t *Tokens) Session(ctx context.Context, token string) (model.Session, error) {
	id, err := t.TokenID(token)
	if err != nil {
		return model.Session{}, err
	}
	var s model.Session
	err = t.db.WithContext(ctx).Where("token_id = ?", id).Take(&s).Error
	if model.IsNotFound(err) {
		return s, ErrBadToken
	}
	if err != nil {
		return s, err
	}
	if s.RevokedAt != nil {
		return s, ErrBadToken
	}
	if !t.now().Before(s.ExpiresAt) {
		return s, ErrExpiredToken
	}
	return s, nil
}

// Revoke ends a session at once, here and on every instance sharing the kv store.
func (t *Tokens) Revoke(ctx context.Context, tokenID string) error {
	now := t.now().UTC()
	if err := t.db.WithContext(ctx).Model(&model.Session{}).
		Where("token_id = ? AND revoked_at IS NULL", tokenID).Update("revoked_at", now).Error; err != nil {
		return err
	}
	return t.Forget(ctx, tokenID)
}

// RevokeSubject ends every session of a subject (an official releasing a
// binding, a disabled admin).
func (t *Tokens) RevokeSubject(ctx context.Context, kind string, subjectID int64) error {
	var ids []string
	if err := t.db.WithContext(ctx).Model(&model.Session{}).
		Where("subject_kind = ? AND subject_id = ? AND revoked_at IS NULL", kind, subjectID).
		Pluck("token_id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.Revoke(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Forget drops the cached principal of a session, here and on every
// instance sharing the kv store, so the next request reloads it (after a
// binding changes who the user is, or the session is revoked).
func (t *Tokens) Forget(ctx context.Context, tokenID string) error {
	if err := t.kv.Del(ctx, "principal:"+tokenID); err != nil {
		return err
	}
	if t.local == nil {
		return nil
	}
	t.local.forget(tokenID)
	return t.bc.Publish(ctx, forgetChannel, []byte(tokenID))
}

// ForgetSubject drops the cached principals of every live session of a subject.
func (t *Tokens) ForgetSubject(ctx context.Context, kind string, subjectID int64) error {
	var ids []string
	if err := t.db.WithContext(ctx).Model(&model.Session{}).
		Where("subject_kind = ? AND subject_id = ? AND revoked_at IS NULL", kind, subjectID).
		Pluck("token_id", &ids).Error; err != nil {
		return err
	}
	return t.forgetAll(ctx, ids)
}

func (t *Tokens) forgetAll(ctx context.Context, tokenIDs []string) error {
	for _, id := range tokenIDs {
		if err := t.Forget(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// ForgetCadres drops the cached principals of every live session of the
// WeChat users bound to the cadres. Loading a principal refuses a cadre not
// in post, so after this their next request answers 403 cadre_inactive, on
// every instance sharing the kv store, instead of minutes later. The
// sessions stay: should the cadre return to post, the same phone works.
func (t *Tokens) ForgetCadres(ctx context.Context, cadreIDs ...int64) error {
	if len(cadreIDs) == 0 {
		return nil
	}
	var ids []string
	if err := t.db.WithContext(ctx).Table("sessions s").Joins("JOIN users u ON u.id = s.subject_id").
		Where("s.subject_kind = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.cadre_id IN ?", model.SubjectUser, t.now().UTC(), cadreIDs).
		Pluck("s.token_id", &ids).Error; err != nil {
		return err
	}
	return t.forgetAll(ctx, ids)
}

// cachedPrincipal looks the token's principal up in this process, then in
// the shared store. The epoch it returns goes to cachePrincipal after a
// miss, so a principal read before a revocation is not kept after it.
func (t *Tokens) cachedPrincipal(ctx context.Context, tokenID string) (Principal, uint64, bool) {
	var epoch uint64
	if t.local != nil {
		if p, ok := t.local.get(tokenID); ok {
			return p, 0, true
		}
		epoch = t.local.begin()
	}
	raw, err := t.kv.Get(ctx, "principal:"+tokenID)
	if err != nil {
		return Principal{}, epoch, false
	}
	var p cachedEntry
	if json.Unmarshal(raw, &p) != nil || !t.now().Before(p.ExpiresAt) {
		return Principal{}, epoch, false
	}
	if t.local != nil {
		t.local.put(p.Principal, p.ExpiresAt, epoch)
	}
	return p.Principal, epoch, true
}

func (t *Tokens) cachePrincipal(ctx context.Context, p Principal, expires time.Time, epoch uint64) {
	raw, _ := json.Marshal(cachedEntry{Principal: p, ExpiresAt: expires})
	ttl := min(principalCacheTTL, expires.Sub(t.now()))
	if ttl > 0 {
		_ = t.kv.Set(ctx, "principal:"+p.TokenID, raw, ttl) // a cache: failure only costs a lookup
		if t.local != nil {
			t.local.put(p, expires, epoch)
		}
	}
}

type cachedEntry struct {
	Principal Principal `json:"p"`
	ExpiresAt time.Time `json:"e"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
