package auth

import (
	"context"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Service signs people in and resolves tokens to principals.
type Service struct {
	db       *model.DB
	tokens   *Tokens
	tokenTTL time.Duration
	adminTTL time.Duration
	now      func() time.Time
}

// Options configure Service.
type Options struct {
	TokenTTL time.Duration // mini-program sign-ins
	AdminTTL time.Duration // console sessions
	Now      func() time.Time
}

// New builds the service.
func New(db *model.DB, tokens *Tokens, o Options) (*Service, error) {
	if db == nil || tokens == nil {
		return nil, errors.New("auth: New needs a database and tokens")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenTTL <= 0 || o.AdminTTL <= 0 {
		return nil, errors.New("auth: token lifetimes must be positive")
	}
	return &Service{db: db, tokens: tokens, tokenTTL: o.TokenTTL, adminTTL: o.AdminTTL, now: o.Now}, nil
}

// Tokens exposes the token store (sign-out, revocation).
func (s *Service) Tokens() *Tokens { return s.tokens }

// Authenticate resolves a bearer token or session cookie value to the
// signed-in principal.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	id, err := s.tokens.TokenID(token)
	if err != nil {
		return Principal{}, err
	}
	if p, ok := s.tokens.cachedPrincipal(ctx, id); ok {
		return p, nil
	}
	sess, err := s.tokens.Session(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	p, err := s.load(ctx, sess)
	if err != nil {
		return Principal{}, err
	}
	s.tokens.cachePrincipal(ctx, p, sess.ExpiresAt)
	return p, nil
}

func (s *Service) load(ctx context.Context, sess model.Session) (Principal, error) {
	switch sess.SubjectKind {
	case model.SubjectUser:
		return s.loadUser(ctx, sess)
	case model.SubjectAdmin:
		return s.loadAdmin(ctx, sess)
	}
	return Principal{}, ErrBadToken
}

func (s *Service) loadUser(ctx context.Context, sess model.Session) (Principal, error) {
	var u model.User
	if err := s.db.WithContext(ctx).Take(&u, sess.SubjectID).Error; err != nil {
		if model.IsNotFound(err) {
			return Principal{}, ErrBadToken
		}
		return Principal{}, err
	}
	p := Principal{Role: RoleGuest, UserID: u.ID, TokenID: sess.TokenID}
	switch {
	case u.Role == model.UserHousehold && u.MemberID != nil && u.HouseholdID != nil:
		var m model.Member
		if err := s.db.WithContext(ctx).Select("id", "name").Take(&m, *u.MemberID).Error; err != nil {
			return Principal{}, err
		}
		p.Role, p.HouseholdID, p.MemberID, p.Name = RoleHousehold, *u.HouseholdID, m.ID, m.Name
	case u.Role == model.UserCadre && u.CadreID != nil:
		var c model.Cadre
		if err := s.db.WithContext(ctx).Take(&c, *u.CadreID).Error; err != nil {
			return Principal{}, err
		}
		if c.Status != "active" {
			return Principal{}, apperr.New(apperr.Forbidden, "cadre_inactive", "您的帮扶干部身份已停用，请联系乡镇")
		}
		p.Role, p.CadreID, p.Name, p.RegionScope = RoleCadre, c.ID, c.Name, c.RegionCode
	}
	return p, nil
}

func (s *Service) loadAdmin(ctx context.Context, sess model.Session) (Principal, error) {
	var a model.AdminUser
	if err := s.db.WithContext(ctx).Take(&a, sess.SubjectID).Error; err != nil {
		if model.IsNotFound(err) {
			return Principal{}, ErrBadToken
		}
		return Principal{}, err
	}
	if a.Disabled {
		return Principal{}, ErrBadToken
	}
	role := RoleOfficial
	if a.Role == model.AdminSysadmin {
		role = RoleSysadmin
	}
	return Principal{
		Role: role, AdminID: a.ID, RegionScope: a.RegionScope, Name: a.DisplayName,
		Department: a.Department, TokenID: sess.TokenID, CSRFToken: sess.CSRFToken,
	}, nil
}

// SignedIn is what a sign-in returns to the client.
type SignedIn struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      Principal `json:"user"`
}

// SignInUser issues a token for a WeChat user.
func (s *Service) SignInUser(ctx context.Context, userID int64, ip, ua string) (SignedIn, error) {
	return s.signIn(ctx, model.SubjectUser, userID, ip, ua, s.tokenTTL)
}

// SignInAdmin issues a console session for an admin user.
func (s *Service) SignInAdmin(ctx context.Context, adminID int64, ip, ua string) (SignedIn, error) {
	return s.signIn(ctx, model.SubjectAdmin, adminID, ip, ua, s.adminTTL)
}

func (s *Service) signIn(ctx context.Context, kind string, id int64, ip, ua string, ttl time.Duration) (SignedIn, error) {
	iss, err := s.tokens.Issue(ctx, kind, id, ip, ua, ttl)
	if err != nil {
		return SignedIn{}, err
	}
	p, err := s.load(ctx, iss.Session)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Token: iss.Token, ExpiresAt: iss.ExpiresAt, User: p}, nil
}
