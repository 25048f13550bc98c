package model

import "github.com/xiangbang/xiangbang/model/pii"

// Sealed is the four columns every personal number is stored in: the
// AES-GCM ciphertext, the id of the key that sealed it, the blind index used
// to find it, and the masked form shown in lists. Embed it with a prefix:
// `gorm:"embedded;embeddedPrefix:id_card_"`.
type Sealed struct {
	Cipher []byte
	KeyID  *string
	Index  *string
	Masked *string
}

// Seal encrypts a normalised number for purpose (pii.PurposeIDCard or
// pii.PurposePhone); the empty string seals to all-NULL columns.
func Seal(c *pii.Cipher, purpose, normalised string) Sealed {
	if normalised == "" {
		return Sealed{}
	}
	s := c.Seal(purpose, normalised)
	idx := c.Index(purpose, normalised)
	masked := maskFor(purpose, normalised)
	return Sealed{Cipher: s.Data, KeyID: &s.KeyID, Index: &idx, Masked: &masked}
}

// Open decrypts the number. Only code that must show or send the full number
// (a bound household's own profile, an employer contact after interest)
// calls it.
func (s Sealed) Open(c *pii.Cipher, purpose string) (string, error) {
	if len(s.Cipher) == 0 {
		return "", nil
	}
	return c.Open(purpose, pii.Sealed{Data: s.Cipher, KeyID: deref(s.KeyID)})
}

// Mask is the masked form, "" when unset.
func (s Sealed) Mask() string { return deref(s.Masked) }

// IsSet reports whether a number is stored.
func (s Sealed) IsSet() bool { return len(s.Cipher) > 0 }

func maskFor(purpose, v string) string {
	if purpose == pii.PurposeIDCard {
		return pii.MaskIDCard(v)
	}
	return pii.MaskPhone(v)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
