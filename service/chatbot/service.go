// Package chatbot answers what people send the official account: "我的钱到了没"
// typed or spoken, a menu button pressed. It matches the message to an
// intent (a data file: config/chatbot_intents.yaml), answers from our data
// for bound users and with binding instructions for everyone else, keeps
// the conversation, and lists what it could not answer for officials.
//
// WeChat waits 5 seconds for the answer and then sends the same message
// again, up to three times. Answer therefore works under a deadline (the
// busy text goes out when it passes) and answers each message once: the
// first delivery claims it in the kv store, its reply is kept there, and
// retries get that same reply (or wait for it, within their own deadline).
package chatbot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// Deps are the bot's collaborators; all are required.
type Deps struct {
	DB        *model.DB
	KV        kv.Store
	WeChat    *wechat.Client // user info, to link a follower to the mini-program user
	Intents   *Intents
	Subsidies Subsidies
	Jobs      Jobs
	Visits    Visits
	Logger    *slog.Logger
}

// Options tune the bot.
type Options struct {
	// Deadline bounds the work for one message; the busy text goes out
	// when it passes. Default DefaultDeadline.
	Deadline time.Duration
	// RecordTimeout bounds writing the conversation and the effects of
	// events (unsubscribe, delivery reports), which go on after the reply
	// so that a slow database delays no answer and loses no record.
	// Default 30 s.
	RecordTimeout time.Duration
	// Location is where "today" is judged; default Asia/Shanghai.
	Location *time.Location
	// LinkURL is the web fallback of mini-program links (XB_PUBLIC_URL);
	// empty leaves it out.
	LinkURL string
	// Now is the clock of "today" and of stored times; default time.Now.
	Now func() time.Time
}

// DefaultDeadline leaves WeChat's 5 seconds room for the network.
const DefaultDeadline = 4 * time.Second

// Keys in the kv store, and how long they live: WeChat's retries of a
// message come within about 15 seconds.
const (
	claimPrefix = "chatbot:claim:"
	replyPrefix = "chatbot:reply:"
	replyTTL    = 5 * time.Minute
	pollEvery   = 50 * time.Millisecond
)

// Service is the official account's bot.
type Service struct {
	d     Deps
	o     Options
	texts config.ChatbotTexts
	log   *slog.Logger
	rec   *recorder
	// work counts messages still being handled after their reply, so
	// Close can let them finish.
	work sync.WaitGroup
}

// New builds the bot.
func New(d Deps, o Options) (*Service, error) {
	if d.DB == nil || d.KV == nil || d.WeChat == nil || d.Intents == nil || d.Subsidies == nil || d.Jobs == nil ||
		d.Visits == nil || d.Logger == nil {
		return nil, errors.New("chatbot: DB, KV, WeChat, Intents, Subsidies, Jobs, Visits and Logger are required")
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.RecordTimeout <= 0 {
		o.RecordTimeout = 30 * time.Second
	}
	if o.Location == nil {
		o.Location = time.FixedZone("CST", 8*3600)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{d: d, o: o, texts: d.Intents.texts, log: d.Logger, rec: newRecorder(d.DB, d.Logger, o.RecordTimeout)}, nil
}

// Close waits for the messages still being handled and writes their
// conversations. Call it after the HTTP server stopped taking requests.
func (s *Service) Close() error {
	s.work.Wait()
	s.rec.close()
	return nil
}

// Answer returns the reply to in: nil when WeChat should show nothing.
// It returns within the deadline whatever the database does, and gives
// WeChat's retries of one message the reply the first delivery got.
func (s *Service) Answer(ctx context.Context, in *wechat.InboundMessage) *wechat.Reply {
	// The work is not cancelled when WeChat hangs up: the message is
	// still recorded, and a retry finds its reply.
	base := context.WithoutCancel(ctx)
	dctx, cancel := context.WithTimeout(base, s.o.Deadline)
	defer cancel()
	key := in.DedupKey()
	if r, ok := s.stored(dctx, key); ok {
		return r
	}
	first, err := s.d.KV.SetNX(dctx, claimPrefix+key, []byte("1"), replyTTL)
	if err != nil {
		// Better to answer twice than never; the database's unique key
		// still keeps one conversation row.
		s.log.Warn("chatbot: kv claim failed; answering anyway", "err", err)
		first = true
	}
	if !first {
		return s.await(dctx, key, in)
	}
	if silent(in) {
		s.store(base, key, nil)
		s.work.Go(func() { s.handleSilent(base, in) })
		return nil
	}
	done := make(chan *wechat.Reply) // unbuffered: a send succeeds only while Answer still waits
	s.work.Go(func() { s.handle(dctx, base, in, done) })
	var r *wechat.Reply
	select {
	case r = <-done:
	case <-dctx.Done():
		r = s.busy()
		s.log.Warn("chatbot: deadline passed; answered busy", "deadline", s.o.Deadline, "msg", in)
	}
	s.store(base, key, r)
	return r
}

// handle works out the reply under dctx, hands it to Answer if Answer
// still waits, then records the conversation under its own timeout.
func (s *Service) handle(dctx, base context.Context, in *wechat.InboundMessage, done chan<- *wechat.Reply) {
	conv := s.conversation(in)
	r, err := s.respond(dctx, in, &conv)
	if err != nil {
		conv.Outcome = model.ChatError
		if dctx.Err() != nil {
			conv.Outcome = model.ChatBusy
		} else {
			s.log.Error("chatbot: answering failed; answered busy", "err", err, "msg", in)
		}
		r = s.busy()
	}
	select {
	case done <- r:
	case <-dctx.Done():
		conv.Outcome = model.ChatBusy
	}
	rctx, cancel := context.WithTimeout(base, s.o.RecordTimeout)
	defer cancel()
	s.effects(rctx, in)
	s.record(rctx, conv)
}

// await is a retry's wait for the reply of the delivery that claimed the
// message, polling the kv store until the deadline.
func (s *Service) await(ctx context.Context, key string, in *wechat.InboundMessage) *wechat.Reply {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if silent(in) {
				return nil
			}
			return s.busy()
		case <-t.C:
			if r, ok := s.stored(ctx, key); ok {
				return r
			}
		}
	}
}

// stored is the reply kept for a message, if any.
func (s *Service) stored(ctx context.Context, key string) (*wechat.Reply, bool) {
	raw, err := s.d.KV.Get(ctx, replyPrefix+key)
	if err != nil {
		if !errors.Is(err, kv.ErrMiss) && ctx.Err() == nil {
			s.log.Warn("chatbot: reading a stored reply failed", "err", err)
		}
		return nil, false
	}
	var r wechat.Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, false
	}
	if r.Text == "" && len(r.Articles) == 0 {
		return nil, true
	}
	return &r, true
}

// store keeps the reply for retries; r nil is kept as "no reply".
func (s *Service) store(base context.Context, key string, r *wechat.Reply) {
	if r == nil {
		r = &wechat.Reply{}
	}
	raw, _ := json.Marshal(r)
	ctx, cancel := context.WithTimeout(base, time.Second)
	defer cancel()
	if err := s.d.KV.Set(ctx, replyPrefix+key, raw, replyTTL); err != nil {
		s.log.Warn("chatbot: storing a reply for retries failed", "err", err)
	}
}

func (s *Service) busy() *wechat.Reply { return &wechat.Reply{Text: s.texts.Busy} }

// today is the date in the deployment's zone.
func (s *Service) today() model.Date { return model.DateOf(s.o.Now().In(s.o.Location)) }
