package wxmock

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Mode is the official account's message encryption mode.
type Mode int

const (
	// ModePlain sends plaintext, signed in the query.
	ModePlain Mode = iota
	// ModeCompatible sends plaintext and ciphertext side by side.
	ModeCompatible
	// ModeSafe sends only ciphertext and wants encrypted replies.
	ModeSafe
)

func (m Mode) String() string {
	switch m {
	case ModePlain:
		return "plain"
	case ModeCompatible:
		return "compatible"
	case ModeSafe:
		return "safe"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// CallbackClient plays WeChat's side of the official account's callback:
// it builds signed requests to URL and reads the replies.
type CallbackClient struct {
	URL    string // our callback, e.g. http://127.0.0.1:8080/wechat/official
	Token  string // the callback Token
	AESKey string // the EncodingAESKey (compatible and safe modes)
	AppID  string // the official account's AppID
	// OriginalID is the account's gh_ id; default OfficialOriginalID.
	OriginalID string
	// HTTP sends requests; default a client with a 10 s timeout.
	HTTP *http.Client
	// Now stamps requests; default time.Now. Set it to send stale ones.
	Now func() time.Time
}

// NewCallbackClient is a client for the demo official account's settings.
func NewCallbackClient(callbackURL string) *CallbackClient {
	return &CallbackClient{URL: callbackURL, Token: CallbackToken, AESKey: CallbackAESKey, AppID: OfficialAppID}
}

func (c *CallbackClient) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *CallbackClient) originalID() string {
	if c.OriginalID != "" {
		return c.OriginalID
	}
	return OfficialOriginalID
}

// nonce is a random decimal string, as WeChat sends.
func nonce() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<31))
	return n.String()
}

// VerifyRequest is the GET WeChat sends when the callback URL is saved.
func (c *CallbackClient) VerifyRequest(ctx context.Context, echostr string) (*http.Request, error) {
	ts, nc := strconv.FormatInt(c.now().Unix(), 10), nonce()
	q := url.Values{"signature": {Signature(c.Token, ts, nc)}, "timestamp": {ts}, "nonce": {nc}, "echostr": {echostr}}
	return http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"?"+q.Encode(), nil)
}

// Request builds the POST WeChat would send for p in mode.
func (c *CallbackClient) Request(ctx context.Context, mode Mode, p Push) (*http.Request, error) {
	if p.ToUserName == "" {
		p.ToUserName = c.originalID()
	}
	if p.CreateTime == 0 {
		p.CreateTime = c.now().Unix()
	}
	return c.request(ctx, mode, p.xml(""), p.FromUserName, func(enc string) []byte {
		if mode == ModeCompatible {
			return p.xml(enc)
		}
		return nil
	})
}

// RawRequest signs (and in compatible or safe mode encrypts) body as it
// is, for sending what WeChat never would: malformed XML, odd fields.
func (c *CallbackClient) RawRequest(ctx context.Context, mode Mode, body []byte) (*http.Request, error) {
	return c.request(ctx, mode, body, "", func(enc string) []byte {
		if mode != ModeCompatible {
			return nil
		}
		i := bytes.LastIndex(body, []byte("</xml>"))
		if i < 0 {
			return append(append([]byte(nil), body...), enc...)
		}
		out := append([]byte(nil), body[:i]...)
		out = append(out, "<Encrypt><![CDATA["+enc+"]]></Encrypt>"...)
		return append(out, body[i:]...)
	})
}

// request builds the query and body; compat makes the compatible-mode
// body from the ciphertext (nil: the safe-mode envelope).
func (c *CallbackClient) request(ctx context.Context, mode Mode, plain []byte, openid string, compat func(string) []byte) (*http.Request, error) {
	ts, nc := strconv.FormatInt(c.now().Unix(), 10), nonce()
	q := url.Values{"signature": {Signature(c.Token, ts, nc)}, "timestamp": {ts}, "nonce": {nc}}
	if openid != "" {
		q.Set("openid", openid)
	}
	body := plain
	if mode != ModePlain {
		random := make([]byte, 16)
		_, _ = rand.Read(random)
		enc, err := Encrypt(c.AESKey, c.AppID, random, plain)
		if err != nil {
			return nil, err
		}
		if body = compat(enc); body == nil {
			body, _ = xml.Marshal(envelopeXML{ToUserName: cd(c.originalID()), Encrypt: cd(enc)})
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Signature(c.Token, ts, nc, enc))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// Send posts p in mode and reads the reply as WeChat would.
func (c *CallbackClient) Send(ctx context.Context, mode Mode, p Push) (*Reply, error) {
	req, err := c.Request(ctx, mode, p)
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("wxmock: callback answered %s: %.200s", resp.Status, body)
	}
	return c.ReadReply(mode, body)
}

// ErrPlainReply is a plaintext reply to a safe-mode message, which WeChat
// does not accept.
var ErrPlainReply = errors.New("wxmock: plaintext reply in safe mode")

// ReadReply checks and decrypts a reply body the way WeChat does: in safe
// mode the envelope's MsgSignature must match and the ciphertext must be
// for AppID; "success" or an empty body means no reply.
func (c *CallbackClient) ReadReply(mode Mode, body []byte) (*Reply, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "success" {
		return &Reply{Success: true}, nil
	}
	var env encryptedReplyXML
	if err := xml.Unmarshal(trimmed, &env); err != nil {
		return nil, fmt.Errorf("wxmock: reply is not XML: %w", err)
	}
	rep := &Reply{}
	plain := trimmed
	switch {
	case env.Encrypt != "":
		if mode == ModePlain {
			return nil, errors.New("wxmock: encrypted reply to a plain-mode message")
		}
		if Signature(c.Token, env.TimeStamp, env.Nonce, env.Encrypt) != env.MsgSignature {
			return nil, errors.New("wxmock: reply MsgSignature does not match")
		}
		msg, _, err := Decrypt(c.AESKey, c.AppID, env.Encrypt)
		if err != nil {
			return nil, err
		}
		plain, rep.Encrypted = msg, true
	case mode == ModeSafe:
		return nil, ErrPlainReply
	}
	var x replyXML
	if err := xml.Unmarshal(plain, &x); err != nil {
		return nil, fmt.Errorf("wxmock: reply message is not XML: %w", err)
	}
	if x.MsgType == "news" && x.ArticleCount != len(x.Articles) {
		return nil, fmt.Errorf("wxmock: ArticleCount %d but %d articles", x.ArticleCount, len(x.Articles))
	}
	rep.ToUserName, rep.FromUserName, rep.CreateTime = x.ToUserName, x.FromUserName, x.CreateTime
	rep.MsgType, rep.Content, rep.Articles, rep.XML = x.MsgType, x.Content, x.Articles, plain
	return rep, nil
}
