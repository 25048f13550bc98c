package chatbot

import (
	"context"
	"strconv"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// handleSilent handles an event that gets no reply, after "success" went
// out: its effects, and the record of what the user did (unsubscribe,
// VIEW; WeChat's own reports are not conversations).
func (s *Service) handleSilent(base context.Context, in *wechat.InboundMessage) {
	ctx, cancel := context.WithTimeout(base, s.o.RecordTimeout)
	defer cancel()
	s.effects(ctx, in)
	if in.Event != eventUnsubscribe && in.Event != eventView {
		return
	}
	conv := s.conversation(in)
	p, _, err := s.byOpenid(ctx, in.OpenID)
	if err != nil {
		s.log.Error("chatbot: reading the user of an event failed", "err", err, "msg", in)
	}
	p.fill(&conv)
	s.record(ctx, conv)
}

// effects applies what an event changes in our records. Failures are
// logged: WeChat does not send an answered event again.
func (s *Service) effects(ctx context.Context, in *wechat.InboundMessage) {
	var err error
	switch in.Event {
	case eventSubscribe:
		err = s.d.DB.WithContext(ctx).Model(&model.User{}).
			Where("official_openid = ? AND follows_official = ?", in.OpenID, false).
			Update("follows_official", true).Error
	case eventUnsubscribe:
		err = s.unsubscribed(ctx, in.OpenID)
	case eventTemplateFinish:
		err = s.delivered(ctx, in.MsgID, in.Status)
	}
	if err != nil {
		s.log.Error("chatbot: applying an event failed", "err", err, "msg", in)
	}
}

// unsubscribed stops template messages to a user who left: they may no
// longer be sent (WeChat answers 43004), so the queued ones are skipped
// rather than tried and failed. The mini-program's subscribe messages are
// another channel and go on.
func (s *Service) unsubscribed(ctx context.Context, openid string) error {
	return s.d.DB.Tx(ctx, func(tx *model.DB) error {
		if err := tx.Model(&model.User{}).Where("official_openid = ?", openid).
			Update("follows_official", false).Error; err != nil {
			return err
		}
		return tx.Model(&model.OutboxMessage{}).
			Where("openid = ? AND channel = ? AND state = ?", openid, model.ChannelTemplate, model.OutboxQueued).
			Updates(map[string]any{"state": model.OutboxSkipped, "last_error": "unsubscribed from the official account",
				"updated_at": s.o.Now().UTC()}).Error
	})
}

// delivered records WeChat's report on a template message: "success",
// "failed:user block" or "failed: system failed".
func (s *Service) delivered(ctx context.Context, msgID int64, status string) error {
	if msgID == 0 {
		return nil
	}
	if len(status) > 32 {
		status = status[:32]
	}
	return s.d.DB.WithContext(ctx).Model(&model.OutboxMessage{}).
		Where("wechat_msg_id = ?", strconv.FormatInt(msgID, 10)).
		Updates(map[string]any{"delivery_status": status, "updated_at": s.o.Now().UTC()}).Error
}
