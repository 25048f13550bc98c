package model

import "time"

// Outcomes of a bot conversation.
const (
	ChatOK    = "ok"    // answered from the data, or with a fixed text
	ChatBusy  = "busy"  // the deadline passed: the busy text went out
	ChatError = "error" // the answer failed: the busy text went out
)

// ChatMessage is one message or event a user sent to the official
// account, stored once however often WeChat retried it.
type ChatMessage struct {
	ID         int64
	DedupeKey  string
	Openid     string
	UserID     *int64
	Bound      bool
	RegionCode string
	MsgType    string
	Event      string
	Text       string
	Intent     string
	Answered   bool
	Outcome    string
	ReceivedAt time.Time
	CreatedAt  time.Time
}

// TableName names the table.
func (ChatMessage) TableName() string { return "chat_messages" }
