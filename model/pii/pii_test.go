package pii

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeIDCard(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"11010519491231002X", "11010519491231002X", nil}, // GB 11643's own example
		{" 11010519491231002x ", "11010519491231002X", nil},
		{"110105194912310021", "", ErrIDCardChecksum},
		{"11010519491331002X", "", ErrIDCardBirth},
		{"1101051949123100", "", ErrIDCardFormat},
		{"11010519491231002Y", "", ErrIDCardFormat},
		{"", "", ErrIDCardFormat},
	}
	for _, tc := range tests {
		got, err := NormalizeIDCard(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("NormalizeIDCard(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	facts := ParseIDCard("11010519491231002X")
	if facts.Birth.Year() != 1949 || !facts.Female || facts.Region != "110105" {
		t.Fatalf("facts: %+v", facts)
	}
}

func TestMasking(t *testing.T) {
	if got := MaskIDCard("41010519491231123X"); got != "4101**********123X" {
		t.Errorf("MaskIDCard = %s", got)
	}
	if got := MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("MaskPhone mobile = %s", got)
	}
	if got := MaskPhone("0371-12345678"); got != "0371-****5678" {
		t.Errorf("MaskPhone landline = %s", got)
	}
	if got := MaskName("欧阳娜娜"); got != "欧阳**" {
		t.Errorf("MaskName = %s", got)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"138 1234 5678": "13812345678", "+86 13812345678": "13812345678", "0371-12345678": "0371-12345678",
		"010 12345678": "010-12345678", "(0371)12345678": "0371-12345678",
	} {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"12345", "23812345678", "138abc45678", ""} {
		if _, err := NormalizePhone(bad); err == nil {
			t.Errorf("NormalizePhone(%q) accepted", bad)
		}
	}
}

func testCipher(t *testing.T, active string) *Cipher {
	keys := map[string][]byte{"k1": []byte(strings.Repeat("a", 32)), "k2": []byte(strings.Repeat("b", 32))}
	c, err := NewCipher(active, keys, []byte(strings.Repeat("i", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCipherRoundTripAndRotation(t *testing.T) {
	old := testCipher(t, "k1")
	sealed := old.Seal(PurposeIDCard, "11010519491231002X")
	if strings.Contains(string(sealed.Data), "11010519491231002X") || sealed.KeyID != "k1" {
		t.Fatal("sealed value leaks the plaintext or has the wrong key id")
	}
	again := old.Seal(PurposeIDCard, "11010519491231002X")
	if string(again.Data) == string(sealed.Data) {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	rotated := testCipher(t, "k2") // k2 active; k1 still opens old values
	if got, err := rotated.Open(PurposeIDCard, sealed); err != nil || got != "11010519491231002X" {
		t.Fatalf("open with rotated ring = %q, %v", got, err)
	}
	if _, err := rotated.Open(PurposePhone, sealed); err == nil {
		t.Fatal("an ID-card ciphertext opened as a phone")
	}
	if _, err := rotated.Open(PurposeIDCard, Sealed{Data: sealed.Data, KeyID: "k9"}); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: %v", err)
	}
	if old.Index(PurposeIDCard, "x") != rotated.Index(PurposeIDCard, "x") {
		t.Fatal("the blind index changed with the encryption key")
	}
	if old.Index(PurposeIDCard, "x") == old.Index(PurposePhone, "x") {
		t.Fatal("the blind index does not separate purposes")
	}
}

func TestLocalSecrets(t *testing.T) {
	path := t.TempDir() + "/s.json"
	a, created, err := LoadOrCreateSecrets(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	b, created, err := LoadOrCreateSecrets(path)
	if err != nil || created || a != b {
		t.Fatal("the second load did not return the same keys")
	}
}
