package wechat

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// InboundMessage is a message or event a user's action pushed to the
// official account.
type InboundMessage struct {
	ToUserName string // the account's original id (gh_...)
	OpenID     string // the user (FromUserName)
	CreateTime time.Time
	MsgType    string // text, image, voice, location, link, event...
	MsgID      int64  // messages, and TEMPLATESENDJOBFINISH's MsgID
	Content    string // text messages; personal data, never log it
	// Recognition is WeChat's transcript of a voice message, when speech
	// recognition is on for the account; personal data like Content.
	Recognition string
	Event       string // subscribe, unsubscribe, SCAN, CLICK, VIEW, TEMPLATESENDJOBFINISH...
	EventKey    string // CLICK's key, SCAN's scene...
	Status      string // TEMPLATESENDJOBFINISH's result
	// Encrypted tells the message came in compatible or safe mode: the
	// reply is encrypted too.
	Encrypted bool
}

func inbound(m *message.MixMessage, encrypted bool) *InboundMessage {
	id := m.MsgID
	if id == 0 {
		id = m.TemplateMsgID
	}
	return &InboundMessage{
		ToUserName: string(m.ToUserName), OpenID: string(m.FromUserName),
		CreateTime: time.Unix(m.CreateTime, 0), MsgType: string(m.MsgType), MsgID: id,
		Content: m.Content, Recognition: m.Recognition, Event: string(m.Event), EventKey: m.EventKey, Status: m.Status,
		Encrypted: encrypted,
	}
}

// DedupKey is the same for WeChat's retries of one message: the MsgId for
// messages, the user and CreateTime for events (WeChat's own advice).
func (m *InboundMessage) DedupKey() string {
	if m.MsgID != 0 && m.MsgType != "event" {
		return "msg:" + strconv.FormatInt(m.MsgID, 10)
	}
	return "event:" + m.OpenID + ":" + strconv.FormatInt(m.CreateTime.Unix(), 10) + ":" + m.Event
}

// LogValue keeps the message's content out of logs.
func (m *InboundMessage) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", m.MsgType), slog.String("event", m.Event),
		slog.Int64("msgid", m.MsgID), slog.Bool("encrypted", m.Encrypted))
}
