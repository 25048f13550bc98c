package visits

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/pairing"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/push"
)

// MaxBatch is how many visits one request may carry; a phone with more
// sends several batches.
const MaxBatch = 100

// Item fates.
const (
	StatusCreated   = "created"
	StatusDuplicate = "duplicate" // this client_id was already recorded: nothing changed
	StatusRejected  = "rejected"
)

// Result is one item's fate.
type Result struct {
	ClientID     string     `json:"client_id"`
	Status       string     `json:"status"`
	VisitID      int64      `json:"visit_id,omitempty"`
	Revision     int        `json:"revision,omitempty"`
	LocationFlag string     `json:"location_flag,omitempty"`
	DistanceM    *float64   `json:"distance_m,omitempty"`
	Error        *ItemError `json:"error,omitempty"`
}

// ItemError says why an item was rejected, in API.md's error terms.
type ItemError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var (
	errEmptyBatch = apperr.BadInput("empty_batch", "没有要提交的走访记录")
	errBigBatch   = apperr.New(apperr.TooLarge, "batch_too_large", fmt.Sprintf("一次最多提交 %d 条走访记录，请分批提交", MaxBatch))
)

// RecordBatch records a batch of visits made offline by the cadre p. Each
// item stands alone: good items are kept, bad ones are reported with the
// reason, and an item whose client_id was already recorded answers
// "duplicate" with the existing visit, so replaying a batch any number of
// times creates nothing new. Only failures of the database itself fail the
// whole call (the phone then retries the batch, harmlessly).
func (s *Service) RecordBatch(ctx context.Context, p auth.Principal, items []json.RawMessage) ([]Result, error) {
	if p.Role != auth.RoleCadre || p.CadreID == 0 {
		return nil, apperr.New(apperr.Forbidden, "forbidden", "只有帮扶干部可以提交走访记录")
	}
	if len(items) == 0 {
		return nil, errEmptyBatch
	}
	if len(items) > MaxBatch {
		return nil, errBigBatch
	}
	out := make([]Result, 0, len(items))
	for _, raw := range items {
		r, err := s.recordOne(ctx, p, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rejected turns a per-item failure into its result; anything that is not
// an apperr (the database went away) is returned as an error instead.
func rejected(clientID string, err error) (Result, error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return Result{}, err
	}
	return Result{ClientID: clientID, Status: StatusRejected, Error: &ItemError{Code: ae.Code, Message: ae.Message}}, nil
}

func (s *Service) recordOne(ctx context.Context, p auth.Principal, raw json.RawMessage) (Result, error) {
	it, err := decodeItem(raw)
	if err != nil {
		return rejected(it.ClientID, err)
	}
	clientID := normalizeUUID(it.ClientID)
	if clientID == "" {
		return rejected(it.ClientID, errClientID)
	}
	sent := it.ClientID
	// A replay is answered before any other check: a batch sent again
	// after its visits aged past the limit, or after a pairing ended, is
	// still "already had", not an error.
	if v, ok, err := s.byClientID(ctx, p.CadreID, clientID); err != nil || ok {
		return duplicate(it.ClientID, v), err
	}
	c, err := s.check(it)
	if err != nil {
		return rejected(sent, err)
	}
	c.ClientID = clientID
	var orig *model.Visit
	if c.corrects != nil {
		if orig, err = s.correctionTarget(ctx, p.CadreID, c); err != nil {
			return rejected(sent, err)
		}
		c.HouseholdID = orig.HouseholdID
	}
	h, err := pairing.Writable(ctx, s.db, s.audit, p, c.HouseholdID, "visit.refused_out_of_scope",
		map[string]any{"client_id": clientID, "visited_at": c.visitedAt})
	if err != nil {
		return rejected(sent, err)
	}
	for attempt := 0; ; attempt++ {
		v, err := s.insert(ctx, p, h, c, orig)
		if err == nil {
			return Result{ClientID: sent, Status: StatusCreated, VisitID: v.ID, Revision: v.Revision,
				LocationFlag: v.LocationFlag, DistanceM: v.DistanceM}, nil
		}
		if !model.IsDuplicate(err) {
			return rejected(sent, err)
		}
		// The same item arriving twice at once: the loser answers with the
		// winner's visit. Two corrections of one visit at once: the loser
		// goes again on top of the winner.
		if v, ok, lerr := s.byClientID(ctx, p.CadreID, clientID); lerr != nil || ok {
			return duplicate(it.ClientID, v), lerr
		}
		if attempt == 3 {
			return Result{}, err
		}
	}
}

// duplicate answers a client_id already recorded. Results carry the
// client_id exactly as the phone sent it (upper or lower case), so the phone
// can match them to its records.
func duplicate(sent string, v model.Visit) Result {
	return Result{ClientID: sent, Status: StatusDuplicate, VisitID: v.ID, Revision: v.Revision,
		LocationFlag: v.LocationFlag, DistanceM: v.DistanceM}
}

func (s *Service) byClientID(ctx context.Context, cadreID int64, clientID string) (model.Visit, bool, error) {
	var v model.Visit
	err := s.db.WithContext(ctx).Where("cadre_id = ? AND client_id = ?", cadreID, clientID).Take(&v).Error
	if model.IsNotFound(err) {
		return v, false, nil
	}
	return v, err == nil, err
}

// correctionTarget finds the cadre's own visit an item corrects.
func (s *Service) correctionTarget(ctx context.Context, cadreID int64, c checked) (*model.Visit, error) {
	q := s.db.WithContext(ctx).Where("cadre_id = ?", cadreID)
	if c.corrects.id != 0 {
		q = q.Where("id = ?", c.corrects.id)
	} else {
		q = q.Where("client_id = ?", c.corrects.clientID)
	}
	var v model.Visit
	if err := q.Take(&v).Error; err != nil {
		if model.IsNotFound(err) {
			return nil, errBadCorrection
		}
		return nil, err
	}
	if c.HouseholdID != 0 && c.HouseholdID != v.HouseholdID {
		return nil, errWrongHousehold
	}
	return &v, nil
}

// insert writes the visit (a first revision, or a correction on top of the
// chain orig belongs to), claims its photos, audits it and asks the
// household to confirm, all in one transaction.
func (s *Service) insert(ctx context.Context, p auth.Principal, h model.Household, c checked, orig *model.Visit) (model.Visit, error) {
	flag, dist := locate(h, c.Latitude, c.Longitude, s.policy.Visits.FarMetres)
	v := model.Visit{
		ClientID: c.ClientID, CadreID: p.CadreID, HouseholdID: h.ID, Revision: 1, IsCurrent: true,
		VisitedAt: c.visitedAt, ReceivedAt: s.now().UTC().Truncate(time.Millisecond),
		Latitude: c.Latitude, Longitude: c.Longitude, AccuracyM: c.AccuracyM, DistanceM: dist, LocationFlag: flag,
		Findings: c.findings, IncomeDown: model.FindingsIncomeDown(c.findings), PhotoIDs: "[]", Confirmation: model.ConfirmPending,
	}
	if c.Notes != "" {
		v.Notes = &c.Notes
	}
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		ask := true    // ask the household to confirm
		replaced := "" // the findings of the revision this one replaces
		if orig != nil {
			prev, err := s.supersede(ctx, tx, orig)
			if err != nil {
				return err
			}
			replaced = prev.Findings
			root := rootOf(prev)
			v.RootID, v.Revision, v.CorrectsID = &root, prev.Revision+1, &orig.ID
			// The household's answer stays with the visit it answered:
			// the same day corrected keeps it (a denial cannot be washed
			// away by editing), a different day must be asked again.
			if model.DateOf(prev.VisitedAt.In(s.loc)) == model.DateOf(v.VisitedAt.In(s.loc)) {
				ask = false
				v.Confirmation, v.ConfirmedAt, v.ConfirmedByUserID, v.ConfirmationNote =
					prev.Confirmation, prev.ConfirmedAt, prev.ConfirmedByUserID, prev.ConfirmationNote
			}
		}
		ids, err := photo.Claim(ctx, tx, photo.Uploader{Kind: p.ActorKind(), ID: p.ActorID()}, h.ID, c.PhotoIDs)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(ids)
		v.PhotoIDs = string(raw)
		if err := tx.WithContext(ctx).Create(&v).Error; err != nil {
			return err
		}
		if err := s.recomputeIfDown(ctx, tx, h.ID, v.Findings, replaced); err != nil {
			return err
		}
		action := "visit.create"
		if orig != nil {
			action = "visit.correct"
		}
		if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: action, TargetKind: "visit", TargetID: v.ID,
			RegionCode: h.RegionCode, Detail: map[string]any{"household_id": h.ID, "client_id": v.ClientID, "revision": v.Revision,
				"location_flag": v.LocationFlag}}); err != nil {
			return err
		}
		if !ask {
			return nil
		}
		_, err = push.EnqueueHousehold(ctx, tx, h.ID, s.confirmNotice(p, v))
		return err
	})
	return v, err
}

// supersede marks the chain's current revision as no longer current and
// returns it. The UPDATE comes first so that it holds the row while the
// correction is written.
func (s *Service) supersede(ctx context.Context, tx *model.DB, orig *model.Visit) (model.Visit, error) {
	root := rootOf(*orig)
	db := tx.WithContext(ctx)
	if err := db.Model(&model.Visit{}).Where("(id = ? OR root_id = ?) AND is_current = ?", root, root, true).
		Updates(map[string]any{"is_current": false, "updated_at": s.now().UTC()}).Error; err != nil {
		return model.Visit{}, err
	}
	var prev model.Visit
	err := db.Where("id = ? OR root_id = ?", root, root).Order("revision DESC").Take(&prev).Error
	return prev, err
}

func rootOf(v model.Visit) int64 {
	if v.RootID != nil {
		return *v.RootID
	}
	return v.ID
}

// confirmNotice asks the household's bound members whether the visit
// happened: "今天 X 同志走访了您家".
func (s *Service) confirmNotice(p auth.Principal, v model.Visit) push.Notice {
	at := v.VisitedAt.In(s.loc)
	day := "今天"
	if model.DateOf(at) != s.today() {
		day = fmt.Sprintf("%d月%d日", at.Month(), at.Day())
	}
	key := "visit:" + strconv.FormatInt(rootOf(v), 10)
	if v.Revision > 1 {
		key += ":r" + strconv.Itoa(v.Revision)
	}
	return push.Notice{
		Kind:      "visit_confirm",
		DedupeKey: key,
		Data: map[string]string{
			"title":  "走访确认",
			"cadre":  p.Name,
			"time":   at.Format("2006-01-02 15:04"),
			"remark": fmt.Sprintf("%s %s 同志走访了您家。如属实请点击确认；如没有走访，请告诉我们。", day, p.Name),
		},
		Page: fmt.Sprintf("pages/visit/confirm?id=%d", v.ID),
	}
}
