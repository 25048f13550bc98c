package chatbot

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Question is a message the bot could not answer, for officials to read.
type Question struct {
	ID         int64     `json:"id"`
	ReceivedAt time.Time `json:"received_at"`
	Text       string    `json:"text"`     // numbers masked when stored
	MsgType    string    `json:"msg_type"` // text | voice
	Bound      bool      `json:"bound"`    // the sender was bound to a household member or cadre
	Role       string    `json:"role"`     // household | cadre | guest
	RegionCode string    `json:"region_code"`
}

// Unanswered lists unanswered questions, newest first, before the id
// beforeID (0: from the newest). Questions of bound users are shown only
// within the scope's regions; unbound users belong to no region, and any
// official may see theirs.
func (s *Service) Unanswered(ctx context.Context, scope model.Scope, beforeID int64, limit int) ([]Question, error) {
	db := s.d.DB.WithContext(ctx)
	inScope := scope.Regions(db.Where("chat_messages.bound = ?", true), "chat_messages.region_code")
	q := db.Table("chat_messages").
		Select("chat_messages.id, chat_messages.received_at, chat_messages.text, chat_messages.msg_type, "+
			"chat_messages.bound, chat_messages.region_code, COALESCE(users.role, 'guest') AS role").
		Joins("LEFT JOIN users ON users.id = chat_messages.user_id").
		Where("chat_messages.answered = ?", false).
		Where(db.Where("chat_messages.bound = ?", false).Or(inScope))
	if beforeID > 0 {
		q = q.Where("chat_messages.id < ?", beforeID)
	}
	var out []Question
	err := q.Order("chat_messages.id DESC").Limit(limit).Scan(&out).Error
	for i := range out {
		out[i].ReceivedAt = out[i].ReceivedAt.In(s.o.Location)
		if !out[i].Bound {
			out[i].Role = model.UserGuest
		}
	}
	return out, err
}
