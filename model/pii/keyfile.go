package pii

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LocalSecrets are keys generated for a deployment without configured keys
// (a laptop, the demo). They are written once to a file readable only by the
// owner, so that the data encrypted with them stays readable after a restart.
type LocalSecrets struct {
	PIIKeys     string `json:"pii_keys"`      // XB_PII_KEYS form: id:base64
	PIIIndexKey string `json:"pii_index_key"` // base64
	TokenSecret string `json:"token_secret"`  // base64
}

// LoadOrCreateSecrets reads path, or creates it with fresh random keys.
// created says which, so the caller can announce new keys loudly.
func LoadOrCreateSecrets(path string) (s LocalSecrets, created bool, err error) {
	raw, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(raw, &s); err != nil {
			return s, false, fmt.Errorf("pii: %s is damaged: %w", path, err)
		}
		return s, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return s, false, err
	}
	s = LocalSecrets{
		PIIKeys:     "local1:" + randomBase64(32),
		PIIIndexKey: randomBase64(32),
		TokenSecret: randomBase64(32),
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return s, false, err
	}
	raw, _ = json.MarshalIndent(s, "", "  ")
	// O_EXCL: two processes starting at once must not each write their own keys.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateSecrets(path)
	}
	if err != nil {
		return s, false, err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return s, false, err
	}
	return s, true, f.Close()
}

func randomBase64(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
