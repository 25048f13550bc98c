package model

import "time"

// Outbox states.
const (
	OutboxQueued  = "queued"
	OutboxLeased  = "leased"
	OutboxSent    = "sent"
	OutboxDead    = "dead"    // failed for good, or out of attempts: visible, retryable by an official
	OutboxSkipped = "skipped" // no consent, not following, unsubscribed
)

// Outbox channels.
const (
	ChannelTemplate  = "template"  // official-account template message
	ChannelSubscribe = "subscribe" // mini-program subscribe message
)

// OutboxMessage is one message to push, written in the same transaction as
// its cause, claimed by a worker with a lease.
type OutboxMessage struct {
	ID             int64
	DedupeKey      string
	Channel        string
	Kind           string
	UserID         *int64
	Openid         string
	TemplateKey    string
	Payload        string
	Page           string
	State          string
	Attempts       int
	NextAttemptAt  time.Time
	LeaseOwner     string
	LeaseUntil     *time.Time
	LastError      string
	WechatMsgID    string
	DeliveryStatus string
	SentAt         *time.Time
	ConsentSpent   bool   // a subscribe consent was spent on this message (once, whatever the retries)
	HoldReason     string // quiet_hours or daily_cap while a due message waits
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName names the table.
func (OutboxMessage) TableName() string { return "push_outbox" }

// SubscriptionConsent counts what a user accepted in wx.requestSubscribeMessage.
type SubscriptionConsent struct {
	ID          int64
	UserID      int64
	TemplateKey string
	Remaining   int
	LongTerm    bool
	RejectedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName names the table.
func (SubscriptionConsent) TableName() string { return "subscription_consents" }
