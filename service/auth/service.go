package auth

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
)

// WeChatLogin exchanges a wx.login code for the user's identity
// (code2session). The WeChat layer (service/wechat) implements it; the
// session key stays there.
type WeChatLogin interface {
	Login(ctx context.Context, code string) (openid, unionid string, err error)
}

// Service signs people in and resolves tokens to principals.
type Service struct {
	db       *model.DB
	tokens   *Tokens
	cipher   *pii.Cipher
	audit    *audit.Log
	wechat   WeChatLogin
	o        Options
	binds    failureLimiter
	cadreInv failureLimiter
	logins   failureLimiter
	now      func() time.Time
}

// Options configure Service.
type Options struct {
	TokenTTL        time.Duration // mini-program sign-ins
	AdminTTL        time.Duration // console sessions
	BindLimit       int           // failed bindings per user and per IP in BindWindow
	BindWindow      time.Duration
	AdminLoginLimit int           // failed console sign-ins per user name and per IP in 15 minutes
	InviteTTL       time.Duration // cadre invite codes
	// PasswordCost is bcrypt's cost for new console passwords (0: the
	// default, 11). Tests lower it: the race detector makes bcrypt crawl.
	PasswordCost int
	Now          func() time.Time
	// Location is the zone times are answered in (XB_TIMEZONE; API.md: the
	// +08:00 offset); nil: UTC.
	Location *time.Location
}

// Deps are the service's collaborators; WeChat may be nil (mini-program
// sign-in then answers 503).
type Deps struct {
	DB     *model.DB
	Tokens *Tokens
	KV     kv.Store
	Cipher *pii.Cipher
	Audit  *audit.Log
	WeChat WeChatLogin
}

// New builds the service.
func New(d Deps, o Options) (*Service, error) {
	if d.DB == nil || d.Tokens == nil || d.KV == nil || d.Cipher == nil || d.Audit == nil {
		return nil, errors.New("auth: New needs a database, tokens, a kv store, a cipher and the audit log")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.PasswordCost == 0 {
		o.PasswordCost = passwordCost
	}
	if o.TokenTTL <= 0 || o.AdminTTL <= 0 || o.BindWindow <= 0 || o.InviteTTL <= 0 {
		return nil, errors.New("auth: lifetimes and windows must be positive")
	}
	if o.BindLimit < 1 || o.AdminLoginLimit < 1 {
		return nil, errors.New("auth: attempt limits must be at least 1")
	}
	return &Service{
		db: d.DB, tokens: d.Tokens, cipher: d.Cipher, audit: d.Audit, wechat: d.WeChat, o: o, now: o.Now,
		binds:    failureLimiter{kv: d.KV, prefix: "limit:bind:", limit: o.BindLimit, window: o.BindWindow},
		cadreInv: failureLimiter{kv: d.KV, prefix: "limit:invite:", limit: o.BindLimit, window: o.BindWindow},
		logins:   failureLimiter{kv: d.KV, prefix: "limit:login:", limit: o.AdminLoginLimit, window: 15 * time.Minute},
	}, nil
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
	p, epoch, ok := s.tokens.cachedPrincipal(ctx, id)
	if ok {
		return p, nil
	}
	sess, err := s.tokens.Session(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	p, err = s.load(ctx, sess)
	if err != nil {
		return Principal{}, err
	}
	s.tokens.cachePrincipal(ctx, p, sess.ExpiresAt, epoch)
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
	// One statement for the user and what they are bound to: this runs on
	// the first request of every session, the one a person waits for.
	var u struct {
		model.User
		MemberName  *string
		CadreName   *string
		CadreStatus *string
		CadreRegion *string
	}
	err := s.db.WithContext(ctx).Table("users u").
		Select("u.*, m.name AS member_name, c.name AS cadre_name, c.status AS cadre_status, c.region_code AS cadre_region").
		Joins("LEFT JOIN members m ON m.id = u.member_id").Joins("LEFT JOIN cadres c ON c.id = u.cadre_id").
		Where("u.id = ?", sess.SubjectID).Take(&u).Error
	if model.IsNotFound(err) {
		return Principal{}, ErrBadToken
	}
	if err != nil {
		return Principal{}, err
	}
	p := Principal{Role: RoleGuest, UserID: u.ID, TokenID: sess.TokenID}
	switch {
	case u.Role == model.UserHousehold && u.MemberID != nil && u.HouseholdID != nil:
		if u.MemberName == nil { // bound to a member record that is gone
			return Principal{}, gorm.ErrRecordNotFound
		}
		p.Role, p.HouseholdID, p.MemberID, p.Name = RoleHousehold, *u.HouseholdID, *u.MemberID, *u.MemberName
	case u.Role == model.UserCadre && u.CadreID != nil:
		if u.CadreStatus == nil {
			return Principal{}, gorm.ErrRecordNotFound
		}
		if *u.CadreStatus != model.CadreActive {
			return Principal{}, apperr.New(apperr.Forbidden, "cadre_inactive", "您的帮扶干部身份已停用，请联系乡镇")
		}
		p.Role, p.CadreID, p.Name, p.RegionScope = RoleCadre, *u.CadreID, deref(u.CadreName), deref(u.CadreRegion)
	}
	return p, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
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
	return s.signIn(ctx, model.SubjectUser, userID, ip, ua, s.o.TokenTTL)
}

// SignInAdmin issues a console session for an admin user.
func (s *Service) SignInAdmin(ctx context.Context, adminID int64, ip, ua string) (SignedIn, error) {
	return s.signIn(ctx, model.SubjectAdmin, adminID, ip, ua, s.o.AdminTTL)
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
	return SignedIn{Token: iss.Token, ExpiresAt: iss.ExpiresAt.In(s.o.Location), User: p}, nil
}
