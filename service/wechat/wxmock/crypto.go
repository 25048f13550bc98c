package wxmock

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// This file follows WeChat's message encryption document (消息加解密说明)
// and nothing else, so that it checks service/wechat's use of the SDK
// rather than repeating it.

// Signature is WeChat's message signature: the parts (token, timestamp,
// nonce and, in safe mode, the Encrypt text) sorted as strings, joined,
// SHA-1, lower-case hex.
func Signature(parts ...string) string {
	sorted := append([]string(nil), parts...)
	sort.Strings(sorted)
	sum := sha1.Sum([]byte(strings.Join(sorted, "")))
	return hex.EncodeToString(sum[:])
}

// AESKey decodes a 43-character EncodingAESKey into the 32-byte AES key.
func AESKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, errors.New("wxmock: EncodingAESKey must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wxmock: EncodingAESKey is not base64 of 32 bytes")
	}
	return key, nil
}

// blockSize is the PKCS#7 block WeChat pads to: 32, not AES's 16.
const blockSize = 32

// Encrypt is WeChat's msg_encrypt: AES-256-CBC, IV the key's first 16
// bytes, over random(16) | len(msg) as 4 bytes big-endian | msg | appid,
// PKCS#7-padded to 32, base64.
func Encrypt(encodingAESKey, appID string, random, msg []byte) (string, error) {
	key, err := AESKey(encodingAESKey)
	if err != nil {
		return "", err
	}
	if len(random) != 16 {
		return "", errors.New("wxmock: random must be 16 bytes")
	}
	var plain bytes.Buffer
	plain.Write(random)
	_ = binary.Write(&plain, binary.BigEndian, uint32(len(msg)))
	plain.Write(msg)
	plain.WriteString(appID)
	pad := blockSize - plain.Len()%blockSize
	plain.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	out := plain.Bytes()
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, out)
	return base64.StdEncoding.EncodeToString(out), nil
}

// Decrypt undoes Encrypt and checks the appid at the end is appID.
func Decrypt(encodingAESKey, appID, encrypted string) (msg, random []byte, err error) {
	key, err := AESKey(encodingAESKey)
	if err != nil {
		return nil, nil, err
	}
	data, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, nil, fmt.Errorf("wxmock: Encrypt is not base64: %w", err)
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, nil, errors.New("wxmock: ciphertext is not whole AES blocks")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > blockSize || pad > len(plain) {
		return nil, nil, errors.New("wxmock: bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, nil, errors.New("wxmock: plaintext too short")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if n > len(plain)-20 {
		return nil, nil, errors.New("wxmock: bad message length")
	}
	if got := string(plain[20+n:]); got != appID {
		return nil, nil, fmt.Errorf("wxmock: message is for appid %q, not %q", got, appID)
	}
	return plain[20 : 20+n], plain[:16], nil
}
