package auth

import (
	"errors"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/xiangbang/xiangbang/model/apperr"
)

// passwordCost is bcrypt's work factor: about 50 ms a hash on a small
// server, slow enough to hinder guessing a stolen table.
const passwordCost = 11

// ErrWeakPassword is returned for passwords too short to protect a region's data.
var ErrWeakPassword = apperr.BadInput("weak_password", "密码至少 10 位")

// HashPassword hashes a console password at the default cost.
func HashPassword(pw string) (string, error) { return hashPassword(pw, passwordCost) }

func hashPassword(pw string, cost int) (string, error) {
	if utf8.RuneCountInString(pw) < 10 {
		return "", ErrWeakPassword
	}
	if len(pw) > 72 { // bcrypt ignores the rest; refuse instead of truncating silently
		return "", apperr.BadInput("password_too_long", "密码不能超过 72 个字节")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}

// CheckPassword reports whether pw matches hash, in constant time.
func CheckPassword(hash, pw string) bool {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	return err == nil && !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword)
}
