package wechat

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"math/big"
	"strconv"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// Reply is a passive reply to an inbound message: a text or news
// articles. A nil or empty Reply means nothing to say.
type Reply struct {
	Text     string
	Articles []Article
}

// Article is one news item; WeChat shows one for a reply to a user's
// message and up to 8 for other events.
type Article struct {
	Title       string
	Description string
	PicURL      string
	URL         string
}

// MaxArticles is the most articles a news reply carries.
const MaxArticles = 8

// Content types of the callback's answers.
const (
	ContentTypeText = "text/plain; charset=utf-8"
	ContentTypeXML  = "application/xml; charset=utf-8"
)

// Reply renders the answer to in: "success" when r says nothing (WeChat
// then shows the user nothing, rather than "该公众号暂时无法提供服务"),
// else the reply's XML, encrypted and signed when in came encrypted.
func (cb *Callback) Reply(in *InboundMessage, r *Reply) (body []byte, contentType string, err error) {
	if r == nil || (r.Text == "" && len(r.Articles) == 0) {
		return []byte("success"), ContentTypeText, nil
	}
	var msg any
	var common *message.CommonToken
	switch {
	case r.Text != "" && len(r.Articles) > 0:
		return nil, "", errors.New("wechat: a reply is a text or articles, not both")
	case r.Text != "":
		t := message.NewText(r.Text)
		msg, common = t, &t.CommonToken
		common.MsgType = message.MsgTypeText
	case len(r.Articles) > MaxArticles:
		return nil, "", errors.New("wechat: more than 8 articles in a reply")
	default:
		items := make([]*message.Article, len(r.Articles))
		for i, a := range r.Articles {
			items[i] = message.NewArticle(a.Title, a.Description, a.PicURL, a.URL)
		}
		n := message.NewNews(items)
		msg, common = n, &n.CommonToken
		common.MsgType = message.MsgTypeNews
	}
	common.ToUserName = message.CDATA(in.OpenID)
	common.FromUserName = message.CDATA(in.ToUserName)
	common.CreateTime = cb.now().Unix()
	raw, err := xml.Marshal(msg)
	if err != nil {
		return nil, "", err
	}
	if !in.Encrypted {
		return raw, ContentTypeXML, nil
	}
	return cb.encrypt(raw)
}

// encrypt wraps raw in safe mode's envelope, signed with a fresh
// timestamp and nonce.
func (cb *Callback) encrypt(raw []byte) ([]byte, string, error) {
	if cb.aesKey == "" {
		return nil, "", ErrNotConfigured
	}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, "", err
	}
	enc, err := util.EncryptMsg(random, raw, cb.appID, cb.aesKey)
	if err != nil {
		return nil, "", err
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1<<31))
	if err != nil {
		return nil, "", err
	}
	ts, nonce := cb.now().Unix(), n.String()
	out, err := xml.Marshal(message.ResponseEncryptedXMLMsg{
		EncryptedMsg: string(enc),
		MsgSignature: util.Signature(cb.token, strconv.FormatInt(ts, 10), nonce, string(enc)),
		Timestamp:    ts,
		Nonce:        nonce,
	})
	if err != nil {
		return nil, "", err
	}
	return out, ContentTypeXML, nil
}
