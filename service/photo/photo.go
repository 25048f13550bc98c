package photo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // registers the decoders DecodeConfig checks with
	_ "image/png"
	"io"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Failures of uploads.
var (
	ErrNotImage = apperr.New(apperr.Unsupported, "not_an_image", "只能上传 JPEG、PNG 或 WebP 图片")
	ErrTooLarge = apperr.New(apperr.TooLarge, "photo_too_large", "图片过大")
	ErrEmpty    = apperr.BadInput("empty_photo", "图片内容为空")
	ErrBadIDs   = apperr.BadInput("invalid_photo_ids", "照片不存在或不是您上传的")
	ErrTooMany  = apperr.BadInput("too_many_photos", "一次最多附 9 张照片")
)

// MaxPerRecord is how many photos one visit or report may carry.
const MaxPerRecord = 9

// Uploader names who uploaded a photo.
type Uploader struct {
	Kind string // household | cadre | official
	ID   int64
}

// Service stores and serves photos.
type Service struct {
	db      *model.DB
	store   Storage
	maxSize int64
	now     func() time.Time
}

// New builds the service; maxSize caps one photo in bytes.
func New(db *model.DB, store Storage, maxSize int64) (*Service, error) {
	if db == nil || store == nil || maxSize <= 0 {
		return nil, errors.New("photo: New needs a database, storage and a positive size cap")
	}
	return &Service{db: db, store: store, maxSize: maxSize, now: time.Now}, nil
}

// Sniff returns the image type of b's first bytes, or "" when it is none of
// the three we take. The declared Content-Type is never trusted.
func Sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg"
	case len(b) >= 8 && bytes.Equal(b[:8], []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// Upload reads one photo from r and records it. householdID is set when
// the uploader is a household (its own household); cadres' photos get their
// household when a visit claims them.
func (s *Service) Upload(ctx context.Context, who Uploader, householdID *int64, r io.Reader) (model.Photo, error) {
	raw, err := io.ReadAll(io.LimitReader(r, s.maxSize+1))
	if err != nil {
		return model.Photo{}, err
	}
	if len(raw) == 0 {
		return model.Photo{}, ErrEmpty
	}
	if int64(len(raw)) > s.maxSize {
		return model.Photo{}, ErrTooLarge
	}
	ct := Sniff(raw)
	if ct == "" {
		return model.Photo{}, ErrNotImage
	}
	if ct != "image/webp" { // Go's standard library has no WebP decoder; the header check stands
		if _, _, err := image.DecodeConfig(bytes.NewReader(raw)); err != nil {
			return model.Photo{}, ErrNotImage
		}
	}
	sum := sha256.Sum256(raw)
	key := hex.EncodeToString(sum[:])
	if err := s.store.Put(ctx, key, bytes.NewReader(raw)); err != nil {
		return model.Photo{}, err
	}
	p := model.Photo{SHA256: key, ContentType: ct, SizeBytes: len(raw), StorageKey: key, HouseholdID: householdID,
		UploaderKind: who.Kind, UploaderID: who.ID}
	if err := s.db.WithContext(ctx).Create(&p).Error; err != nil {
		return model.Photo{}, err
	}
	return p, nil
}

// Open returns a photo the scope may see: one of a household in scope, or
// one not yet attached that the caller uploaded. Anything else is 404.
func (s *Service) Open(ctx context.Context, scope model.Scope, who Uploader, id int64) (model.Photo, io.ReadCloser, error) {
	var p model.Photo
	q := s.db.WithContext(ctx).Where("photos.id = ?", id)
	err := q.Where(
		scope.Households(s.db.Where("photos.household_id IS NOT NULL"), "photos.household_id",
			"(SELECT region_code FROM households WHERE households.id = photos.household_id)"),
	).Or("photos.id = ? AND photos.household_id IS NULL AND photos.uploader_kind = ? AND photos.uploader_id = ?", id, who.Kind, who.ID).
		Take(&p).Error
	if model.IsNotFound(err) {
		return p, nil, apperr.Missing("照片")
	}
	if err != nil {
		return p, nil, err
	}
	rc, err := s.store.Open(ctx, p.StorageKey)
	if errors.Is(err, ErrNoObject) {
		return p, nil, apperr.Missing("照片")
	}
	return p, rc, err
}

// Claim attaches uploaded photos to a household's record inside tx: each
// must exist and have been uploaded by who, and not belong to another
// household. It returns the ids in order, deduplicated.
func Claim(ctx context.Context, tx *model.DB, who Uploader, householdID int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return []int64{}, nil
	}
	seen := map[int64]bool{}
	var uniq []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) > MaxPerRecord {
		return nil, ErrTooMany
	}
	var n int64
	if err := tx.WithContext(ctx).Model(&model.Photo{}).
		Where("id IN ? AND uploader_kind = ? AND uploader_id = ? AND (household_id IS NULL OR household_id = ?)", uniq, who.Kind, who.ID, householdID).
		Count(&n).Error; err != nil {
		return nil, err
	}
	if int(n) != len(uniq) {
		return nil, ErrBadIDs
	}
	err := tx.WithContext(ctx).Model(&model.Photo{}).Where("id IN ? AND household_id IS NULL", uniq).Update("household_id", householdID).Error
	return uniq, err
}
