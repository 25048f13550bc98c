package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Failures of binding. ErrBindMismatch is the one answer for a wrong name,
// a wrong number and a number we do not have: guessing learns nothing.
var (
	ErrBindMismatch     = apperr.BadInput("bind_mismatch", "姓名或身份证号与登记信息不一致，请核对后重试")
	ErrAlreadyBound     = apperr.New(apperr.Conflict, "already_bound", "您的微信已绑定，如需更换请联系村干部")
	ErrMemberTaken      = apperr.New(apperr.Conflict, "member_already_bound", "该家庭成员已绑定其他微信，如需更换请联系村干部")
	ErrNameRequired     = apperr.BadInput("name_required", "请填写姓名")
	ErrIDCardFormat     = apperr.BadInput("invalid_id_card", "身份证号应为18位，最后一位可以是数字或X")
	ErrIDCardCheckDigit = apperr.BadInput("invalid_id_card", "身份证号校验位不正确，请核对")
	ErrIDCardBirth      = apperr.BadInput("invalid_id_card", "身份证号中的出生日期不正确，请核对")
)

// BindRequest is POST /api/v1/auth/bind.
type BindRequest struct {
	Name   string `json:"name"`
	IDCard string `json:"id_card"`
}

// normalizeName trims and removes inner spaces (全角 included): people type
// "王 某" as often as "王某".
func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// checkIDCard maps pii's format errors to API errors.
func checkIDCard(s string) (string, error) {
	id, err := pii.NormalizeIDCard(s)
	switch {
	case errors.Is(err, pii.ErrIDCardChecksum):
		return "", ErrIDCardCheckDigit
	case errors.Is(err, pii.ErrIDCardBirth):
		return "", ErrIDCardBirth
	case err != nil:
		return "", ErrIDCardFormat
	}
	return id, nil
}

// Bind binds a signed-in, unbound WeChat user to the household member whose
// name and ID number match. Failures are limited per user and per IP; the
// attempt that uses up the allowance is written to the audit log.
func (s *Service) Bind(ctx context.Context, p Principal, req BindRequest, ip string) (SignedIn, error) {
	if p.UserID == 0 {
		return SignedIn{}, errWrongRoleForBind
	}
	if p.Role != RoleGuest {
		return SignedIn{}, ErrAlreadyBound
	}
	limitKeys := []string{"user:" + strconv.FormatInt(p.UserID, 10), "ip:" + ip}
	if err := s.binds.blocked(ctx, limitKeys...); err != nil {
		return SignedIn{}, err
	}
	fail := func(err error) (SignedIn, error) {
		if s.binds.fail(ctx, limitKeys...) {
			_ = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "binding.lockout", TargetKind: "user", TargetID: p.UserID,
				Detail: map[string]any{"ip": ip, "limit": s.o.BindLimit, "window": s.o.BindWindow.String()}})
		}
		return SignedIn{}, err
	}
	name := normalizeName(req.Name)
	if name == "" || len([]rune(name)) > 32 {
		return fail(ErrNameRequired)
	}
	id, err := checkIDCard(req.IDCard)
	if err != nil {
		return fail(err)
	}
	var m model.Member
	err = s.db.WithContext(ctx).Where("id_card_index = ? AND status = ?", s.cipher.Index(pii.PurposeIDCard, id), "active").Take(&m).Error
	if model.IsNotFound(err) || (err == nil && normalizeName(m.Name) != name) {
		return fail(ErrBindMismatch)
	}
	if err != nil {
		return SignedIn{}, err
	}
	var region string
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		u, err := lockUser(tx, p.UserID)
		if err != nil {
			return err
		}
		if u.Role != model.UserGuest {
			return ErrAlreadyBound
		}
		now := s.now().UTC()
		res := tx.Model(&model.User{}).Where("id = ? AND role = ?", u.ID, model.UserGuest).
			Updates(map[string]any{"role": model.UserHousehold, "member_id": m.ID, "household_id": m.HouseholdID, "bound_at": now})
		if model.IsDuplicate(res.Error) {
			return ErrMemberTaken
		}
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrAlreadyBound
		}
		if err := tx.Model(&model.Household{}).Where("id = ?", m.HouseholdID).Pluck("region_code", &region).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "binding.create", TargetKind: "member", TargetID: m.ID, RegionCode: region,
			Detail: map[string]any{"household_id": m.HouseholdID, "user_id": u.ID}})
	})
	if err != nil {
		return SignedIn{}, err
	}
	if err := s.forgetUser(ctx, p.UserID); err != nil {
		return SignedIn{}, err
	}
	return s.reissue(ctx, p)
}

// reissue returns the caller's current token with the principal reloaded,
// so the client sees its new role without signing in again.
func (s *Service) reissue(ctx context.Context, p Principal) (SignedIn, error) {
	var sess model.Session
	if err := s.db.WithContext(ctx).Where("token_id = ?", p.TokenID).Take(&sess).Error; err != nil {
		return SignedIn{}, err
	}
	np, err := s.load(ctx, sess)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Token: "xb1." + sess.TokenID + "." + s.tokens.mac(sess.TokenID), ExpiresAt: sess.ExpiresAt.In(s.o.Location), User: np}, nil
}

var errWrongRoleForBind = apperr.New(apperr.Forbidden, "forbidden", "请在小程序中登录后再绑定")

// ReleaseMember lets an official undo a member's binding (a phone lost, a
// wrong person bound): the WeChat user becomes a guest again and its
// sign-ins reload at once.
func (s *Service) ReleaseMember(ctx context.Context, official Principal, memberID int64) error {
	var userID int64
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var row struct {
			UserID     int64
			RegionCode string
		}
		q := tx.Table("users").Select("users.id AS user_id, households.region_code").
			Joins("JOIN households ON households.id = users.household_id").Where("users.member_id = ?", memberID)
		if err := official.Scope().Households(q, "households.id", "households.region_code").Take(&row).Error; err != nil {
			if model.IsNotFound(err) {
				return apperr.Missing("绑定记录")
			}
			return err
		}
		userID = row.UserID
		if err := tx.Model(&model.User{}).Where("id = ?", row.UserID).
			Updates(map[string]any{"role": model.UserGuest, "member_id": nil, "household_id": nil, "bound_at": nil}).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, official.Actor(), audit.Event{Action: "binding.release", TargetKind: "member", TargetID: memberID,
			RegionCode: row.RegionCode, Detail: map[string]any{"user_id": row.UserID}})
	})
	if err != nil {
		return err
	}
	return s.forgetUser(ctx, userID)
}
