package wechat

import (
	"context"
	"crypto/subtle"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/xiangbang/xiangbang/service/kv"
)

// Callback reads what WeChat pushes to the official account's callback URL
// and writes the replies. It uses the SDK's signature, AES and message
// types but not its server, which has no timestamp window, no body limit,
// no retry de-duplication, compares signatures with ==, logs decrypted
// messages, and in safe mode turns "no reply" into an encrypted empty
// string where WeChat wants "success".
type Callback struct {
	appID, token, aesKey string
	store                kv.Store
	now                  func() time.Time
	log                  *slog.Logger
}

// Defaults of Parse's limits.
const (
	// DefaultMaxBody is far above any message WeChat pushes (a few KiB).
	DefaultMaxBody = 64 << 10
	// DefaultWindow is how far a request's timestamp may be from now.
	DefaultWindow = 5 * time.Minute
	// retryWindow covers WeChat's retries: three tries, 5 s apart.
	retryWindow = 2 * time.Minute
)

// VerifyURL answers the GET WeChat sends when the callback URL is saved:
// the echostr, if the signature is good and the timestamp recent.
func (cb *Callback) VerifyURL(q url.Values) (string, error) {
	if cb.token == "" {
		return "", ErrNotConfigured
	}
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if err := cb.checkTime(ts, DefaultWindow); err != nil {
		return "", err
	}
	if !signed(q.Get("signature"), cb.token, ts, nonce) {
		return "", ErrBadSignature
	}
	echo := q.Get("echostr")
	if echo == "" {
		return "", fmt.Errorf("%w: no echostr", ErrMalformed)
	}
	return echo, nil
}

// Parse checks and reads one pushed message. maxBody caps the body (<= 0:
// DefaultMaxBody) and window the timestamp's distance from now (<= 0:
// DefaultWindow). Plain mode is checked by signature; compatible and safe
// modes (encrypt_type=aes) by msg_signature over the ciphertext, which is
// decrypted and must be for our AppID. Errors are ErrNotConfigured,
// ErrStale, ErrTooLarge, ErrBadSignature or ErrMalformed.
func (cb *Callback) Parse(r *http.Request, maxBody int64, window time.Duration) (*InboundMessage, error) {
	if cb.token == "" {
		return nil, ErrNotConfigured
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if window <= 0 {
		window = DefaultWindow
	}
	if r.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: method %s", ErrMalformed, r.Method)
	}
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if err := cb.checkTime(ts, window); err != nil {
		return nil, err
	}
	body, err := readBody(r, maxBody)
	if err != nil {
		return nil, err
	}
	plain, encrypted := body, q.Get("encrypt_type") == "aes"
	if encrypted {
		if cb.aesKey == "" {
			return nil, ErrNotConfigured
		}
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
			return nil, fmt.Errorf("%w: no Encrypt element", ErrMalformed)
		}
		if !signed(q.Get("msg_signature"), cb.token, ts, nonce, env.EncryptedMsg) {
			return nil, ErrBadSignature
		}
		if _, plain, err = util.DecryptMsg(cb.appID, env.EncryptedMsg, cb.aesKey); err != nil {
			return nil, fmt.Errorf("%w: cannot decrypt for this AppID", ErrMalformed)
		}
	} else if !signed(q.Get("signature"), cb.token, ts, nonce) {
		return nil, ErrBadSignature
	}
	var mix message.MixMessage
	if err := xml.Unmarshal(plain, &mix); err != nil {
		return nil, fmt.Errorf("%w: not XML", ErrMalformed)
	}
	if mix.MsgType == "" || mix.FromUserName == "" {
		return nil, fmt.Errorf("%w: no MsgType or FromUserName", ErrMalformed)
	}
	return inbound(&mix, encrypted), nil
}

// FirstDelivery reports whether m is seen for the first time: WeChat sends
// a message again when the answer takes over 5 s, and a retry must not
// act twice. On a store error it says true: better twice than never.
func (cb *Callback) FirstDelivery(ctx context.Context, m *InboundMessage) (bool, error) {
	first, err := cb.store.SetNX(ctx, "wechat:callback-seen:"+m.DedupKey(), []byte("1"), retryWindow)
	if err != nil {
		return true, err
	}
	return first, nil
}

// checkTime rejects a timestamp more than window away from now, so a
// captured request cannot be replayed later.
func (cb *Callback) checkTime(ts string, window time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", ErrMalformed)
	}
	d := cb.now().Sub(time.Unix(sec, 0))
	if d > window || d < -window {
		return ErrStale
	}
	return nil
}

// signed compares got with the signature of parts in constant time.
func signed(got string, parts ...string) bool {
	want := util.Signature(parts...)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, ErrTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %v", ErrMalformed, err)
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}
