package chatbot

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// WeChat's event names the bot acts on.
const (
	eventSubscribe      = "subscribe"
	eventUnsubscribe    = "unsubscribe"
	eventClick          = "CLICK"
	eventView           = "VIEW"
	eventTemplateFinish = "TEMPLATESENDJOBFINISH"
)

// silent reports whether in gets no reply whatever happens: events WeChat
// shows the user nothing for. They are answered at once and handled after.
func silent(in *wechat.InboundMessage) bool {
	return in.MsgType == "event" && in.Event != eventSubscribe && in.Event != eventClick
}

// conversation starts the record of in.
func (s *Service) conversation(in *wechat.InboundMessage) model.ChatMessage {
	text := in.Content
	switch {
	case in.MsgType == "voice":
		text = in.Recognition
	case in.Event == eventClick:
		text = in.EventKey
	}
	return model.ChatMessage{DedupeKey: in.DedupKey(), Openid: in.OpenID, MsgType: in.MsgType, Event: in.Event,
		Text: storedText(text), Answered: true, Outcome: model.ChatOK, ReceivedAt: s.o.Now().UTC().Truncate(time.Millisecond)}
}

// respond works out the reply to in and fills in what the conversation
// record learns on the way.
func (s *Service) respond(ctx context.Context, in *wechat.InboundMessage, conv *model.ChatMessage) (*wechat.Reply, error) {
	p, err := s.identify(ctx, in.OpenID)
	if err != nil {
		return nil, err
	}
	p.fill(conv)
	var text string
	switch {
	case in.MsgType == "text":
		text, err = s.answerText(ctx, p, in.Content, conv)
	case in.MsgType == "voice" && strings.TrimSpace(in.Recognition) != "":
		text, err = s.answerText(ctx, p, in.Recognition, conv)
	case in.MsgType == "voice":
		text = s.texts.VoiceUnclear
	case in.Event == eventSubscribe:
		text = s.welcome(p)
	case in.Event == eventClick:
		if it := s.d.Intents.Clicked(in.EventKey); it != nil {
			conv.Intent = it.Name
			text, err = s.answerIntent(ctx, p, it)
		} else {
			s.log.Warn("chatbot: a menu key no intent has; answering help", "key", in.EventKey)
			text = s.help()
		}
	default: // images, locations, links, videos: we read none of them
		text = s.texts.Unsupported + "\n" + s.help()
	}
	if err != nil {
		return nil, err
	}
	return &wechat.Reply{Text: text}, nil
}

// answerText answers a typed or spoken message.
func (s *Service) answerText(ctx context.Context, p person, text string, conv *model.ChatMessage) (string, error) {
	it := s.d.Intents.Match(text)
	if it == nil {
		conv.Answered = false
		return s.texts.NotUnderstood + "\n" + s.help(), nil
	}
	conv.Intent = it.Name
	return s.answerIntent(ctx, p, it)
}

// answerIntent answers an intent for p: from the data for the people it is
// about, with binding instructions for the unbound.
func (s *Service) answerIntent(ctx context.Context, p person, it *Intent) (string, error) {
	switch it.Action {
	case "subsidy":
		switch {
		case p.isHousehold():
			return s.subsidyAnswer(ctx, p, it)
		case p.isCadre():
			return s.texts.NotHousehold, nil
		}
		return s.needBinding(), nil
	case "jobs":
		return s.jobsAnswer(ctx, p, it)
	case "visits":
		switch {
		case p.isCadre():
			return s.visitsAnswer(ctx, p, it)
		case p.isHousehold():
			return s.texts.NotCadre, nil
		}
		return s.needBinding(), nil
	}
	return s.fixed(it), nil
}

// welcome greets a new follower: the binding hint, or the menu for those
// already bound in the mini-program.
func (s *Service) welcome(p person) string {
	if p.bound() {
		return s.texts.Welcome + "\n" + s.help()
	}
	return s.texts.Welcome + "\n" + s.fixed(s.d.Intents.Named("bind"))
}

func (s *Service) needBinding() string {
	return s.texts.NeedBinding + "\n" + s.fixed(s.d.Intents.Named("bind"))
}

// help is the menu in words (the intents file must have "help").
func (s *Service) help() string { return s.fixed(s.d.Intents.Named("help")) }

// fixed is an intent's fixed reply with its link filled in.
func (s *Service) fixed(it *Intent) string {
	if it == nil {
		return ""
	}
	text := strings.ReplaceAll(it.Reply, "{link}", s.link(it.Page))
	return strings.TrimSpace(text)
}

// record keeps the conversation; a retry's row is skipped.
func (s *Service) record(ctx context.Context, conv model.ChatMessage) { s.rec.add(ctx, conv) }

// maxStoredRunes keeps a stored message within its column.
const maxStoredRunes = 500

// storedText is text as it may be kept: numbers that look like ID cards,
// phones or bank cards masked, and cut to the column's length.
func storedText(s string) string {
	s = pii.MaskNumbersInText(strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > maxStoredRunes {
		s = string([]rune(s)[:maxStoredRunes])
	}
	return s
}
