// Package report runs the cases a cadre must answer in time: 问题反映 on a
// 一卡通 payment (not received, late, wrong amount) and 自主申报, a
// household's own report of a difficulty. Each case is routed to the
// household's responsible cadre and the department in charge, moves
// open → acknowledged → resolved | rejected with an answer the household
// reads, keeps every step with who and when, and escalates to the town's
// (then the county's) officials when a deadline passes (EscalateOverdue,
// called by the scheduler).
package report

import (
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// Kind is one kind of report with the words the household taps.
type Kind struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// PaymentKinds are API.md's 问题反映 kinds, in the order the mini-program
// shows them.
var PaymentKinds = []Kind{
	{"not_received", "没收到"},
	{"late", "晚到"},
	{"wrong_amount", "金额不对"},
	{"other", "其他"},
}

// RiskKinds are the difficulties a 自主申报 can report.
var RiskKinds = []Kind{
	{"illness", "因病"},
	{"disability", "因残"},
	{"accident", "意外事故"},
	{"disaster", "自然灾害"},
	{"job_loss", "失业或返乡"},
	{"schooling", "上学费用"},
	{"other", "其他困难"},
}

func kindLabel(kinds []Kind, code string) (string, bool) {
	for _, k := range kinds {
		if k.Code == code {
			return k.Label, true
		}
	}
	return "", false
}

// statusLabels say each status in words, per report type.
var statusLabels = map[string]map[string]string{
	model.ReportPayment: {
		model.ReportOpen:         "待受理",
		model.ReportAcknowledged: "已受理，正在核实",
		model.ReportResolved:     "已办结",
		model.ReportRejected:     "不予受理",
	},
	model.ReportRisk: {
		model.ReportOpen:         "待村里核实",
		model.ReportAcknowledged: "村里已核实，等待研判",
		model.ReportResolved:     "已研判，落实帮扶",
		model.ReportRejected:     "经核实暂不纳入",
	},
}

// Reporter relations: who filed a case.
const (
	RelationSelf     = "self"
	RelationRelative = "relative"
	RelationCadre    = "cadre"
)

var relationLabels = map[string]string{RelationSelf: "本人", RelationRelative: "亲属代报", RelationCadre: "帮扶干部代报"}

// Limits of what people type.
const (
	MaxTextRunes   = 500  // a report's description
	MaxAnswerRunes = 1000 // a cadre's answer
)

// Failures of reports.
var (
	ErrBadPaymentKind = apperr.BadInput("invalid_kind", "请选择问题类型：没收到、晚到、金额不对或其他")
	ErrBadRiskKind    = apperr.BadInput("invalid_kind", "请选择困难类型：因病、因残、意外事故、自然灾害、失业或返乡、上学费用或其他")
	ErrEmptyText      = apperr.BadInput("empty_text", "请写一句话说明情况")
	ErrTextTooLong    = apperr.BadInput("text_too_long", "说明最多 500 字")
	ErrEmptyAnswer    = apperr.BadInput("empty_answer", "请填写给群众的答复")
	ErrAnswerTooLong  = apperr.BadInput("answer_too_long", "答复最多 1000 字")
	ErrBadRelation    = apperr.BadInput("invalid_relation", "申报人只能是本人或亲属")
	ErrNeedHousehold  = apperr.BadInput("missing_household", "请选择代为申报的农户")
	ErrNotDue         = apperr.BadInput("payment_not_due", "这笔补贴还没到发放日期，到期后仍未到账再反映")
	ErrBadAction      = apperr.BadInput("invalid_action", "操作只能是受理、办结或驳回")
	ErrBadFilter      = apperr.BadInput("invalid_filter", "查询条件不正确")
	ErrBadCursor      = apperr.BadInput("invalid_cursor", "翻页参数不正确，请从第一页重新查询")
	ErrClosed         = apperr.New(apperr.Conflict, "report_closed", "这件事已经办结，不能再改")
	ErrAcknowledged   = apperr.New(apperr.Conflict, "report_already_acknowledged", "这件事已经受理")
	ErrChanged        = apperr.New(apperr.Conflict, "report_changed", "这件事刚被其他人处理过，请刷新后再看")
	errPaymentOpen    = apperr.New(apperr.Conflict, "report_already_open", "这笔补贴的问题反映还在处理中，请等待答复")
	errRiskOpen       = apperr.New(apperr.Conflict, "report_already_open", "同类困难的申报还在处理中，请等待答复")
)

// Options configure the service.
type Options struct {
	Policy   *config.Policy // case deadlines and working days
	Location *time.Location // the zone of working days and of times shown
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service files, answers, lists and escalates reports.
type Service struct {
	db        *model.DB
	subsidies *subsidy.Service
	audit     *audit.Log
	o         Options
}

// New builds the service.
func New(db *model.DB, subsidies *subsidy.Service, auditLog *audit.Log, o Options) (*Service, error) {
	if db == nil || subsidies == nil || auditLog == nil || o.Policy == nil || o.Location == nil {
		return nil, errors.New("report: New needs a database, the subsidy service, the audit log, a policy and a location")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{db: db, subsidies: subsidies, audit: auditLog, o: o}, nil
}

func (s *Service) now() time.Time { return s.o.Now().UTC().Truncate(time.Millisecond) }

// deadlines returns the first and final deadlines of a case opened at
// from, in working days of the deployment's zone.
func (s *Service) deadlines(typ string, from time.Time) (time.Time, time.Time) {
	d := s.o.Policy.Deadlines
	first, final := d.ReportAcknowledgeDays, d.ReportResolveDays
	if typ == model.ReportRisk {
		first, final = d.RiskCheckDays, d.RiskDecideDays
	}
	local := from.In(s.o.Location)
	return s.o.Policy.AddWorkingDays(local, first).UTC(), s.o.Policy.AddWorkingDays(local, final).UTC()
}

// cleanText trims a description and checks its length.
func cleanText(t string, max int, empty, tooLong error) (string, error) {
	t = strings.TrimSpace(t)
	if t == "" {
		return "", empty
	}
	if !utf8.ValidString(t) {
		return "", apperr.BadInput("invalid_text", "内容含有无法识别的字符")
	}
	if utf8.RuneCountInString(t) > max {
		return "", tooLong
	}
	return t, nil
}
