// Package pii protects personal numbers (ID card, phone): AES-256-GCM at rest
// with a key id kept beside each value so keys can rotate, an HMAC-SHA256
// blind index so a number can be looked up without being stored in clear,
// and masking for every response.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
)

// Cipher encrypts, decrypts and blind-indexes personal numbers.
type Cipher struct {
	activeID string
	aeads    map[string]cipher.AEAD
	indexKey []byte
}

// Sealed is one encrypted value and the id of the key that sealed it.
type Sealed struct {
	Data  []byte
	KeyID string
}

// NewCipher builds a Cipher from AES-256 keys by id (activeID encrypts; all
// decrypt) and a blind-index key of at least 32 bytes.
func NewCipher(activeID string, keys map[string][]byte, indexKey []byte) (*Cipher, error) {
	if len(indexKey) < 32 {
		return nil, errors.New("pii: blind-index key must be at least 32 bytes")
	}
	if _, ok := keys[activeID]; !ok {
		return nil, fmt.Errorf("pii: active key %q not among the keys", activeID)
	}
	c := &Cipher{activeID: activeID, aeads: map[string]cipher.AEAD{}, indexKey: append([]byte(nil), indexKey...)}
	for id, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("pii: key %q must be 32 bytes", id)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		c.aeads[id] = aead
	}
	return c, nil
}

// ActiveKeyID is the key new values are sealed with.
func (c *Cipher) ActiveKeyID() string { return c.activeID }

// KeyIDs lists every key the cipher can open, sorted.
func (c *Cipher) KeyIDs() []string {
	ids := make([]string, 0, len(c.aeads))
	for id := range c.aeads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Seal encrypts plain with the active key. The additional data binds the
// ciphertext to its purpose (e.g. "id_card"), so a phone ciphertext pasted
// into the ID column does not decrypt.
func (c *Cipher) Seal(purpose, plain string) Sealed {
	if plain == "" {
		return Sealed{}
	}
	aead := c.aeads[c.activeID]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return Sealed{Data: aead.Seal(nonce, nonce, []byte(plain), []byte(purpose)), KeyID: c.activeID}
}

// ErrUnknownKey means a value was sealed with a key this deployment no longer has.
var ErrUnknownKey = errors.New("pii: value sealed with an unknown key")

// Open decrypts a sealed value.
func (c *Cipher) Open(purpose string, s Sealed) (string, error) {
	if len(s.Data) == 0 {
		return "", nil
	}
	aead, ok := c.aeads[s.KeyID]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownKey, s.KeyID)
	}
	n := aead.NonceSize()
	if len(s.Data) < n {
		return "", errors.New("pii: ciphertext too short")
	}
	plain, err := aead.Open(nil, s.Data[:n], s.Data[n:], []byte(purpose))
	if err != nil {
		return "", fmt.Errorf("pii: cannot decrypt %s: %w", purpose, err)
	}
	return string(plain), nil
}

// Index returns the blind index of a normalised value: hex HMAC-SHA256 keyed
// per purpose, so equal numbers match and nothing else can be learnt.
func (c *Cipher) Index(purpose, normalised string) string {
	if normalised == "" {
		return ""
	}
	m := hmac.New(sha256.New, c.indexKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	return hex.EncodeToString(m.Sum(nil))
}

// Purposes of sealed values; also the additional data of their ciphertexts.
const (
	PurposeIDCard = "id_card"
	PurposePhone  = "phone"
)
