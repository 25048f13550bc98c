package wxmock

import (
	"encoding/xml"
)

// OfficialOriginalID is the demo official account's original id (gh_...),
// the ToUserName of what it receives.
const OfficialOriginalID = "gh_mockofficial01"

// Push is a message or event WeChat pushes to the official account's
// callback, in the fields xiangbang reads.
type Push struct {
	ToUserName   string // the account's original id; default the client's
	FromUserName string // the user's openid
	CreateTime   int64  // Unix seconds; default now
	MsgType      string // text, image, event...
	Content      string
	MsgID        int64
	Event        string // subscribe, unsubscribe, CLICK, VIEW...
	EventKey     string
	// Recognition is a voice message's transcript (MsgType voice).
	Recognition string
	// TemplateMsgID and Status are TEMPLATESENDJOBFINISH's: the template
	// message's msgid (sent as MsgID, not MsgId) and the delivery result.
	TemplateMsgID int64
	Status        string
}

// VoicePush is a voice message from openid with WeChat's transcript.
func VoicePush(openid, recognition string, msgID int64) Push {
	return Push{FromUserName: openid, MsgType: "voice", Recognition: recognition, MsgID: msgID}
}

// TemplateFinishPush is WeChat's report that a template message reached
// openid or not: status is "success", "failed:user block" or
// "failed: system failed".
func TemplateFinishPush(openid string, msgID int64, status string) Push {
	return Push{FromUserName: openid, MsgType: "event", Event: "TEMPLATESENDJOBFINISH", TemplateMsgID: msgID, Status: status}
}

// TextPush is a text message from openid.
func TextPush(openid, content string, msgID int64) Push {
	return Push{FromUserName: openid, MsgType: "text", Content: content, MsgID: msgID}
}

// EventPush is an event from openid, such as subscribe or CLICK.
func EventPush(openid, event, key string) Push {
	return Push{FromUserName: openid, MsgType: "event", Event: event, EventKey: key}
}

type cdata struct {
	Text string `xml:",cdata"`
}

func cd(s string) *cdata {
	if s == "" {
		return nil
	}
	return &cdata{s}
}

// pushXML is a push as WeChat writes it: text in CDATA, numbers bare.
type pushXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   *cdata   `xml:"ToUserName"`
	FromUserName *cdata   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      *cdata   `xml:"MsgType"`
	Content      *cdata   `xml:"Content,omitempty"`
	MsgID        int64    `xml:"MsgId,omitempty"`
	Event        *cdata   `xml:"Event,omitempty"`
	EventKey     *cdata   `xml:"EventKey,omitempty"`
	Recognition  *cdata   `xml:"Recognition,omitempty"`
	TemplateID   int64    `xml:"MsgID,omitempty"`
	Status       *cdata   `xml:"Status,omitempty"`
	Encrypt      *cdata   `xml:"Encrypt,omitempty"`
}

func (p Push) xml(encrypt string) []byte {
	b, _ := xml.Marshal(pushXML{ToUserName: cd(p.ToUserName), FromUserName: cd(p.FromUserName),
		CreateTime: p.CreateTime, MsgType: cd(p.MsgType), Content: cd(p.Content), MsgID: p.MsgID,
		Event: cd(p.Event), EventKey: cd(p.EventKey), Recognition: cd(p.Recognition), TemplateID: p.TemplateMsgID,
		Status: cd(p.Status), Encrypt: cd(encrypt)})
	return b
}

// envelopeXML is the safe-mode body: only the addressee and the ciphertext.
type envelopeXML struct {
	XMLName    xml.Name `xml:"xml"`
	ToUserName *cdata   `xml:"ToUserName"`
	Encrypt    *cdata   `xml:"Encrypt"`
}

// Reply is what our callback answered, decrypted.
type Reply struct {
	// Success means no reply to the user: the body was "success" or empty.
	Success      bool
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      string
	Articles     []Article
	// XML is the reply's plaintext XML.
	XML []byte
	// Encrypted tells whether it came in safe mode's envelope.
	Encrypted bool
}

// Article is one item of a news reply.
type Article struct {
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	PicURL      string `xml:"PicUrl"`
	URL         string `xml:"Url"`
}

type replyXML struct {
	ToUserName   string    `xml:"ToUserName"`
	FromUserName string    `xml:"FromUserName"`
	CreateTime   int64     `xml:"CreateTime"`
	MsgType      string    `xml:"MsgType"`
	Content      string    `xml:"Content"`
	ArticleCount int       `xml:"ArticleCount"`
	Articles     []Article `xml:"Articles>item"`
}

type encryptedReplyXML struct {
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	TimeStamp    string `xml:"TimeStamp"`
	Nonce        string `xml:"Nonce"`
}
