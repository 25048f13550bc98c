package auth

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
)

// inviteAlphabet leaves out 0/O, 1/I/L and U/V so a code read over the
// phone is not mistyped.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTWXYZ23456789"

// purposeInvite separates invite-code hashes from personal-number indexes.
const purposeInvite = "invite_code"

// Failures of cadre binding.
var (
	ErrInviteInvalid = apperr.BadInput("invalid_invite_code", "邀请码无效、已使用或已过期，请向乡镇索取新的邀请码")
	ErrCadreTaken    = apperr.New(apperr.Conflict, "cadre_already_bound", "该干部已绑定其他微信，如需更换请联系乡镇")
)

// Invite is a newly issued code: shown once, stored only as a hash.
type Invite struct {
	Code      string    `json:"code"`
	CadreID   int64     `json:"cadre_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

func newInviteCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 0, 9)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, inviteAlphabet[int(x)%len(inviteAlphabet)])
	}
	return string(out)
}

// normalizeInvite accepts lower case, spaces and a missing dash.
func normalizeInvite(s string) string {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(s)))
	if len(s) != 8 {
		return ""
	}
	return s[:4] + "-" + s[4:]
}

// IssueInvite makes a single-use code binding a WeChat user as the cadre.
// Officials may invite only cadres serving inside their region; a system
// caller (the CLI) may invite any.
func (s *Service) IssueInvite(ctx context.Context, by Principal, cadreID int64) (Invite, error) {
	var c model.Cadre
	if err := s.db.WithContext(ctx).Take(&c, cadreID).Error; err != nil {
		if model.IsNotFound(err) {
			return Invite{}, apperr.Missing("干部")
		}
		return Invite{}, err
	}
	if by.Role != roleSystem && !by.Scope().CoversRegion(c.RegionCode) {
		return Invite{}, apperr.Missing("干部")
	}
	if c.Status != "active" {
		return Invite{}, apperr.New(apperr.Conflict, "cadre_inactive", "该干部已停用，不能发放邀请码")
	}
	code := newInviteCode()
	inv := model.InviteCode{
		CodeIndex: s.cipher.Index(purposeInvite, code), CadreID: c.ID, IssuedBy: by.AdminID,
		ExpiresAt: s.now().UTC().Add(s.o.InviteTTL).Truncate(time.Millisecond),
	}
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		if err := tx.Create(&inv).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, by.Actor(), audit.Event{Action: "invite.issue", TargetKind: "cadre", TargetID: c.ID, RegionCode: c.RegionCode})
	})
	return Invite{Code: code, CadreID: c.ID, ExpiresAt: inv.ExpiresAt.In(s.o.Location)}, err
}

// roleSystem marks the command line acting for the deployment.
const roleSystem = "system"

// SystemPrincipal is the deployment itself, for command-line tools.
func SystemPrincipal() Principal {
	return Principal{Role: roleSystem, Name: "命令行"}
}

// BindCadre binds a signed-in, unbound WeChat user to the cadre an invite
// code names. The code is spent in the same transaction, so it works once
// even when two phones race.
func (s *Service) BindCadre(ctx context.Context, p Principal, code, ip string) (SignedIn, error) {
	if p.UserID == 0 {
		return SignedIn{}, errWrongRoleForBind
	}
	if p.Role != RoleGuest {
		return SignedIn{}, ErrAlreadyBound
	}
	limitKeys := []string{"user:" + strconv.FormatInt(p.UserID, 10), "ip:" + ip}
	if err := s.cadreInv.blocked(ctx, limitKeys...); err != nil {
		return SignedIn{}, err
	}
	norm := normalizeInvite(code)
	if norm == "" {
		s.cadreInv.fail(ctx, limitKeys...)
		return SignedIn{}, ErrInviteInvalid
	}
	now := s.now().UTC()
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var inv model.InviteCode
		err := tx.Where("code_index = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
			s.cipher.Index(purposeInvite, norm), now).Take(&inv).Error
		if model.IsNotFound(err) {
			return ErrInviteInvalid
		}
		if err != nil {
			return err
		}
		res := tx.Model(&model.InviteCode{}).Where("id = ? AND used_at IS NULL", inv.ID).
			Updates(map[string]any{"used_at": now, "used_by_user_id": p.UserID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrInviteInvalid // spent by a racing request
		}
		res = tx.Model(&model.User{}).Where("id = ? AND role = ?", p.UserID, model.UserGuest).
			Updates(map[string]any{"role": model.UserCadre, "cadre_id": inv.CadreID, "bound_at": now})
		if model.IsDuplicate(res.Error) {
			return ErrCadreTaken
		}
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrAlreadyBound
		}
		var region string
		tx.Model(&model.Cadre{}).Where("id = ?", inv.CadreID).Pluck("region_code", &region)
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "binding.cadre", TargetKind: "cadre", TargetID: inv.CadreID, RegionCode: region})
	})
	if err == ErrInviteInvalid {
		if s.cadreInv.fail(ctx, limitKeys...) {
			_ = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "binding.lockout", TargetKind: "user", TargetID: p.UserID,
				Detail: map[string]any{"ip": ip, "kind": "invite"}})
		}
		return SignedIn{}, err
	}
	if err != nil {
		return SignedIn{}, err
	}
	if err := s.forgetUser(ctx, p.UserID); err != nil {
		return SignedIn{}, err
	}
	return s.reissue(ctx, p)
}
