package handlers

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"strconv"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func multipartBody(t *testing.T, field string, data []byte) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile(field, "photo.png")
	fw.Write(data)
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

func TestPhotoUploadAndScope(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		village := h.fx.Region("419901100201", "测试村").Code
		hh, m := h.fx.Household(village)
		other, om := h.fx.Household(village)
		_ = other
		mine := h.signInUser(h.fx.HouseholdUser(m))
		theirs := h.signInUser(h.fx.HouseholdUser(om))

		body, ct := multipartBody(t, "file", pngBytes(t))
		w := h.do("POST", "/api/v1/photos", body, mine, "Content-Type", ct)
		if w.Code != 201 {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		id := decode[struct{ ID int64 }](t, w).ID
		var p model.Photo
		db.Take(&p, id)
		if p.HouseholdID == nil || *p.HouseholdID != hh.ID || p.ContentType != "image/png" {
			t.Fatalf("stored photo: %+v", p)
		}
		if w := h.do("GET", "/api/v1/photos/"+strconv.FormatInt(id, 10), nil, mine); w.Code != 200 || w.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("owner read: %d", w.Code)
		}
		wantError(t, h.do("GET", "/api/v1/photos/"+strconv.FormatInt(id, 10), nil, theirs), 404, "not_found")

		// Raw bodies work too; the declared type is not trusted.
		w = h.do("POST", "/api/v1/photos", pngBytes(t), mine, "Content-Type", "application/octet-stream")
		if w.Code != 201 {
			t.Fatalf("raw upload: %d %s", w.Code, w.Body)
		}
	})
}

func TestPhotoBadInput(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	village := h.fx.Region("419901100201", "测试村").Code
	_, m := h.fx.Household(village)
	tok := h.signInUser(h.fx.HouseholdUser(m))
	guest := h.signInUser(h.fx.GuestUser())
	fakePNG := append([]byte("\x89PNG\r\n\x1a\n"), []byte("not really a png")...)
	tests := []struct {
		name   string
		body   []byte
		ct     string
		token  string
		status int
		code   string
	}{
		{"text", []byte("hello"), "image/jpeg", tok, 415, "not_an_image"},
		{"png header only", fakePNG, "image/png", tok, 415, "not_an_image"},
		{"empty", []byte{}, "image/png", tok, 400, "empty_photo"},
		{"too large", append(pngBytes(t), bytes.Repeat([]byte{0}, int(h.cfg.UploadLimit))...), "image/png", tok, 413, "photo_too_large"},
		{"guest", pngBytes(t), "image/png", guest, 403, "forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, h.do("POST", "/api/v1/photos", tc.body, tc.token, "Content-Type", tc.ct), tc.status, tc.code)
		})
	}
	body, ct := multipartBody(t, "wrongfield", pngBytes(t))
	wantError(t, h.do("POST", "/api/v1/photos", body, tok, "Content-Type", ct), 400, "missing_file")
	var n int64
	h.db.Model(&model.Photo{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d photos stored from bad uploads", n)
	}
}
