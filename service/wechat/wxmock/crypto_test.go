package wxmock

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"
)

// vector is one entry of ../testdata/msgcrypt_vectors.json (see its README).
type vector struct {
	Name         string `json:"name"`
	Token        string `json:"token"`
	AESKey       string `json:"encoding_aes_key"`
	AppID        string `json:"appid"`
	Timestamp    string `json:"timestamp"`
	Nonce        string `json:"nonce"`
	MsgSignature string `json:"msg_signature"`
	Encrypt      string `json:"encrypt"`
	Plaintext    string `json:"plaintext"`
	Random       string `json:"random"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("../testdata/msgcrypt_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if got := Signature(v.Token, v.Timestamp, v.Nonce, v.Encrypt); got != v.MsgSignature {
				t.Errorf("signature = %s, want %s", got, v.MsgSignature)
			}
			msg, random, err := Decrypt(v.AESKey, v.AppID, v.Encrypt)
			if err != nil {
				t.Fatal(err)
			}
			if string(msg) != v.Plaintext {
				t.Errorf("plaintext = %q, want %q", msg, v.Plaintext)
			}
			if string(random) != v.Random {
				t.Errorf("random = %q, want %q", random, v.Random)
			}
			enc, err := Encrypt(v.AESKey, v.AppID, []byte(v.Random), []byte(v.Plaintext))
			if err != nil {
				t.Fatal(err)
			}
			if enc != v.Encrypt {
				t.Errorf("re-encrypted = %s, want the sample's %s", enc, v.Encrypt)
			}
			if _, _, err := Decrypt(v.AESKey, "wx0000000000000000", v.Encrypt); err == nil {
				t.Error("decrypt for another appid succeeded")
			}
		})
	}
}

func TestDecryptRejects(t *testing.T) {
	key := CallbackAESKey
	good, err := Encrypt(key, "app", make([]byte, 16), []byte("<xml/>"))
	if err != nil {
		t.Fatal(err)
	}
	zeros := base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct{ name, key, enc string }{
		{"short key", key[:42], good},
		{"not base64", key, "%%%"},
		{"not whole blocks", key, "AAAA"},
		{"garbage blocks", key, zeros},
		{"other key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Decrypt(tt.key, "app", tt.enc); err == nil {
				t.Error("want an error")
			}
		})
	}
}
