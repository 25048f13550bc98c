package auth

import (
	"context"
	"regexp"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// ErrBadLogin is the one answer for an unknown user, a wrong password and a
// disabled account.
var ErrBadLogin = apperr.New(apperr.Unauthorized, "bad_credentials", "用户名或密码错误")

// dummyHash is compared against when the user does not exist, so a wrong
// user name takes as long as a wrong password.
const dummyHash = "$2a$11$NvffLO8EWgQ.R/NUhlw0vOdhVbz4YkeEAAXLFB2qdurMQPHuHMGs."

// AdminLogin checks a console user's password and opens a session. Failures
// are limited per user name and per IP; a lockout is audited.
func (s *Service) AdminLogin(ctx context.Context, username, password, ip, ua string) (SignedIn, error) {
	keys := []string{"name:" + username, "ip:" + ip}
	if err := s.logins.blocked(ctx, keys...); err != nil {
		return SignedIn{}, err
	}
	var a model.AdminUser
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&a).Error
	if err != nil && !model.IsNotFound(err) {
		return SignedIn{}, err
	}
	hash := a.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	if !CheckPassword(hash, password) || a.ID == 0 || a.Disabled {
		if s.logins.fail(ctx, keys...) {
			_ = s.audit.Record(ctx, nil, audit.Actor{Kind: "official", ID: a.ID, Name: username}, audit.Event{
				Action: "admin.lockout", TargetKind: "admin_user", TargetID: a.ID, RegionCode: a.RegionScope, Detail: map[string]any{"ip": ip}})
		}
		return SignedIn{}, ErrBadLogin
	}
	now := s.now().UTC()
	if err := s.db.WithContext(ctx).Model(&a).Update("last_login_at", now).Error; err != nil {
		return SignedIn{}, err
	}
	out, err := s.SignInAdmin(ctx, a.ID, ip, ua)
	if err != nil {
		return out, err
	}
	_ = s.audit.Record(ctx, nil, out.User.Actor(), audit.Event{Action: "admin.login", TargetKind: "admin_user", TargetID: a.ID, RegionCode: a.RegionScope})
	return out, nil
}

// AdminSpec describes a console user to create.
type AdminSpec struct {
	Username    string
	Password    string
	DisplayName string
	Role        string // official | sysadmin
	RegionScope string // a region code prefix; "" is the whole deployment
	Department  string
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)
var scopePattern = regexp.MustCompile(`^[0-9]{0,12}$`)

// CreateAdmin adds a console user.
func (s *Service) CreateAdmin(ctx context.Context, by Principal, spec AdminSpec) (model.AdminUser, error) {
	if !usernamePattern.MatchString(spec.Username) {
		return model.AdminUser{}, apperr.BadInput("invalid_username", "用户名为 3 到 64 位小写字母、数字、点、横线或下划线")
	}
	if spec.Role == "" {
		spec.Role = model.AdminOfficial
	}
	if spec.Role != model.AdminOfficial && spec.Role != model.AdminSysadmin {
		return model.AdminUser{}, apperr.BadInput("invalid_role", "角色须为 official 或 sysadmin")
	}
	if !scopePattern.MatchString(spec.RegionScope) {
		return model.AdminUser{}, apperr.BadInput("invalid_region_scope", "管辖范围须为区划代码的前缀（数字，最多 12 位）")
	}
	if by.Role != roleSystem && !model.RegionScope(by.RegionScope).CoversRegion(spec.RegionScope) {
		return model.AdminUser{}, apperr.New(apperr.Forbidden, "forbidden", "不能创建超出本人管辖范围的账号")
	}
	hash, err := hashPassword(spec.Password, s.o.PasswordCost)
	if err != nil {
		return model.AdminUser{}, err
	}
	a := model.AdminUser{Username: spec.Username, DisplayName: spec.DisplayName, PasswordHash: hash, Role: spec.Role,
		RegionScope: spec.RegionScope, Department: spec.Department}
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			if model.IsDuplicate(err) {
				return apperr.New(apperr.Conflict, "username_taken", "用户名已存在")
			}
			return err
		}
		return s.audit.Record(ctx, tx, by.Actor(), audit.Event{Action: "admin.create", TargetKind: "admin_user", TargetID: a.ID, RegionCode: spec.RegionScope,
			Detail: map[string]any{"username": a.Username, "role": a.Role}})
	})
	return a, err
}

// SessionTTL is how long console sessions last (for the cookie's Max-Age).
func (s *Service) SessionTTL() time.Duration { return s.o.AdminTTL }
