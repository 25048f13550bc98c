package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Failures of mini-program sign-in.
var (
	ErrBadCode      = apperr.BadInput("invalid_code", "登录凭证无效或已使用，请重新进入小程序")
	ErrWeChatDown   = apperr.New(apperr.Unavailable, "wechat_unavailable", "微信服务暂时不可用，请稍后再试")
	ErrCodeRequired = apperr.BadInput("code_required", "缺少 wx.login 返回的 code")
)

// badCode is how the WeChat layer's errors say a code was refused (40029,
// 40163) rather than WeChat being unreachable.
type badCode interface{ BadCode() bool }

func isBadCode(err error) bool {
	var bc badCode
	return errors.As(err, &bc) && bc.BadCode()
}

// MiniappSignIn turns a wx.login code into our user and token: the user is
// found by openid (or created), and linked by unionid to the same person's
// official-account identity when WeChat gives one.
func (s *Service) MiniappSignIn(ctx context.Context, code, ip, ua string) (SignedIn, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 128 {
		return SignedIn{}, ErrCodeRequired
	}
	if s.wechat == nil {
		return SignedIn{}, ErrWeChatDown
	}
	openid, unionid, err := s.wechat.Login(ctx, code)
	switch {
	case isBadCode(err):
		return SignedIn{}, ErrBadCode
	case err != nil:
		return SignedIn{}, apperr.Wrap(err, apperr.Unavailable, ErrWeChatDown.Code, ErrWeChatDown.Message).WithRetryAfter(5 * time.Second)
	case openid == "":
		return SignedIn{}, ErrBadCode
	}
	u, err := s.userByOpenid(ctx, openid, unionid)
	if err != nil {
		return SignedIn{}, err
	}
	return s.SignInUser(ctx, u.ID, ip, ua)
}

// userByOpenid finds or creates the user. Two sign-ins racing for a new
// openid both end with the same row: the loser of the insert reads the
// winner's.
func (s *Service) userByOpenid(ctx context.Context, openid, unionid string) (model.User, error) {
	var u model.User
	err := s.db.WithContext(ctx).Where("miniapp_openid = ?", openid).Take(&u).Error
	if err == nil {
		if unionid != "" && (u.Unionid == nil || *u.Unionid != unionid) {
			err = s.db.WithContext(ctx).Model(&u).Update("unionid", unionid).Error
		}
		return u, err
	}
	if !model.IsNotFound(err) {
		return u, err
	}
	// The same person may already be known from the official account (by unionid).
	if unionid != "" {
		err = s.db.WithContext(ctx).Where("unionid = ? AND miniapp_openid IS NULL", unionid).Take(&u).Error
		if err == nil {
			res := s.db.WithContext(ctx).Model(&model.User{}).Where("id = ? AND miniapp_openid IS NULL", u.ID).Update("miniapp_openid", openid)
			if res.Error != nil && !model.IsDuplicate(res.Error) {
				return u, res.Error
			}
			if res.RowsAffected == 1 {
				u.MiniappOpenid = &openid
				return u, nil
			}
		} else if !model.IsNotFound(err) {
			return u, err
		}
	}
	u = model.User{MiniappOpenid: &openid, Role: model.UserGuest}
	if unionid != "" {
		u.Unionid = &unionid
	}
	err = s.db.WithContext(ctx).Create(&u).Error
	if model.IsDuplicate(err) {
		err = s.db.WithContext(ctx).Where("miniapp_openid = ?", openid).Take(&u).Error
	}
	return u, err
}

// forgetUser drops every cached principal of a user after their role changed.
func (s *Service) forgetUser(ctx context.Context, userID int64) error {
	return s.tokens.ForgetSubject(ctx, model.SubjectUser, userID)
}

// lockUser reads the user row for update inside tx, so two bindings of one
// user cannot both pass the "not yet bound" check.
func lockUser(tx *model.DB, userID int64) (model.User, error) {
	var u model.User
	q := tx.DB
	if tx.Dialect == model.MySQL { // SQLite has one writer at a time already
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&u, userID).Error
	return u, err
}
