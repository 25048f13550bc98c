package handlers

import (
	"bytes"
	"mime/multipart"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

func importFixture(name string) string {
	return filepath.Join("..", "service", "importer", "testdata", name)
}

// importBody is a multipart upload: the file, then the fields.
func importBody(t testing.TB, file string, fields ...string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := w.CreateFormFile("file", filepath.Base(file))
		fw.Write(data)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

type importView struct {
	ID           int64
	Kind         string
	FileName     string `json:"file_name"`
	Status       string
	Percent      float64
	RowsTotal    int `json:"rows_total"`
	RowsCreated  int `json:"rows_created"`
	RowsRejected int `json:"rows_rejected"`
	Error        *string
	Links        map[string]string
}

// upload posts a file and waits for its run to end.
func (h *harness) upload(token, file string, fields ...string) importView {
	h.t.Helper()
	body, ct := importBody(h.t, file, fields...)
	w := h.do("POST", "/admin/api/imports", body, token, "Content-Type", ct)
	if w.Code != 202 {
		h.t.Fatalf("upload %s: %d %s", file, w.Code, w.Body)
	}
	v := decode[importView](h.t, w)
	if w.Header().Get("Location") != "/admin/api/imports/"+strconv.FormatInt(v.ID, 10) || v.Status != model.ImportQueued {
		h.t.Fatalf("%+v %v", v, w.Header())
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		w := h.do("GET", "/admin/api/imports/"+strconv.FormatInt(v.ID, 10), nil, token)
		if w.Code != 200 {
			h.t.Fatalf("progress: %d %s", w.Code, w.Body)
		}
		v = decode[importView](h.t, w)
		if v.Status != model.ImportQueued && v.Status != model.ImportRunning {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("run %d did not end", v.ID)
	return v
}

func TestImportsThroughTheAPI(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		if err := db.SyncSubsidyItems(t.Context(), model.SubsidyItemRows(config.DefaultSubsidyItems())); err != nil {
			t.Fatal(err)
		}
		county := h.signInAdmin(h.fx.Admin("410122"))
		other := h.signInAdmin(h.fx.Admin("410123"))

		for _, f := range []struct{ kind, file string }{{"regions", "regions_gbk_title.csv"}, {"households", "households_utf8_bom.csv"},
			{"members", "members_merged_header.xlsx"}} {
			v := h.upload(county, importFixture(f.file), "kind", f.kind)
			if v.Status != model.ImportDone || v.RowsCreated == 0 || v.Percent != 100 || v.Links["report_csv"] != "" {
				t.Fatalf("%s: %+v", f.file, v)
			}
		}

		bad := h.upload(county, importFixture("payments_bad_rows.csv"), "kind", "payments", "mode", "keep_good")
		// Today is long after the file's dates: its paid date "in the future" is past now.
		if bad.Status != model.ImportDone || bad.RowsTotal != 25 || bad.RowsRejected != 23 || bad.RowsCreated != 2 {
			t.Fatalf("%+v", bad)
		}
		id := strconv.FormatInt(bad.ID, 10)

		t.Run("reports", func(t *testing.T) {
			w := h.do("GET", bad.Links["report_csv"], nil, county)
			if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "\ufeff行号,列,值,原因") || !strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
				t.Fatalf("%d %v %.80s", w.Code, w.Header(), w.Body)
			}
			if got := strings.Count(w.Body.String(), "\r\n"); got < 24 {
				t.Fatalf("%d lines", got)
			}
			w = h.do("GET", bad.Links["report_xlsx"], nil, county)
			f, err := excelize.OpenReader(w.Body)
			if w.Code != 200 || err != nil {
				t.Fatalf("%d %v", w.Code, err)
			}
			if rows, _ := f.GetRows("未导入的行"); len(rows) < 24 {
				t.Fatalf("%d rows", len(rows))
			}
			wantError(t, h.do("GET", "/admin/api/imports/"+id+"/report.csv", nil, other), 404, "not_found")
			var clean model.ImportRun
			db.Where("report_path = ''").First(&clean)
			wantError(t, h.do("GET", "/admin/api/imports/"+strconv.FormatInt(clean.ID, 10)+"/report.csv", nil, county), 404, "no_report")
		})

		t.Run("list and scope", func(t *testing.T) {
			w := h.do("GET", "/admin/api/imports", nil, county)
			list := decode[struct{ Items []importView }](t, w)
			if w.Code != 200 || len(list.Items) != 4 || list.Items[0].ID != bad.ID {
				t.Fatalf("%d %+v", w.Code, list)
			}
			w = h.do("GET", "/admin/api/imports", nil, other)
			if list := decode[struct{ Items []importView }](t, w); len(list.Items) != 0 {
				t.Fatalf("another county sees %+v", list)
			}
			wantError(t, h.do("GET", "/admin/api/imports/"+id, nil, other), 404, "not_found")
			wantError(t, h.do("GET", "/admin/api/imports/x", nil, county), 404, "not_found")
		})

		t.Run("rows outside the official's region", func(t *testing.T) {
			town := h.signInAdmin(h.fx.Admin("410122100"))
			v := h.upload(town, importFixture("households_utf8_bom.csv"), "kind", "households")
			if v.Status != model.ImportRejected || v.RowsRejected != 2 {
				t.Fatalf("%+v", v)
			}
		})

		t.Run("templates", func(t *testing.T) {
			w := h.do("GET", "/admin/api/import-templates/payments.xlsx", nil, county)
			if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") ||
				!strings.Contains(w.Header().Get("Content-Disposition"), "filename*=UTF-8''") {
				t.Fatalf("%d %v", w.Code, w.Header())
			}
			if w := h.do("GET", "/admin/api/import-templates/households.csv", nil, county); !strings.Contains(w.Body.String(), "户编号,户主姓名") {
				t.Fatalf("%s", w.Body)
			}
			wantError(t, h.do("GET", "/admin/api/import-templates/visits.xlsx", nil, county), 404, "not_found")
			wantError(t, h.do("GET", "/admin/api/import-templates/payments.pdf", nil, county), 404, "not_found")
		})
	})
}

func TestImportUploadRefused(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t), func(c *config.Config) { c.ImportLimit = 2048 })
	official := h.signInAdmin(h.fx.Admin("410122"))
	village := h.fx.Region("419901100201", "测试村").Code
	_, m := h.fx.Household(village)
	household := h.signInUser(h.fx.HouseholdUser(m))
	big := filepath.Join(t.TempDir(), "big.csv")
	os.WriteFile(big, append([]byte("代码,名称\n"), bytes.Repeat([]byte("410122000000,测试县\n"), 200)...), 0o600)

	tests := []struct {
		name   string
		file   string
		fields []string
		token  string
		status int
		code   string
	}{
		{"no file", "", []string{"kind", "regions"}, official, 400, "missing_file"},
		{"unknown kind", importFixture("regions_gbk_title.csv"), []string{"kind", "visits"}, official, 400, "invalid_kind"},
		{"unknown mode", importFixture("regions_gbk_title.csv"), []string{"kind", "regions", "mode", "some"}, official, 400, "invalid_mode"},
		{"file of another kind", importFixture("regions_gbk_title.csv"), []string{"kind", "payments"}, official, 400, "bad_import_file"},
		{"too large", big, []string{"kind", "regions"}, official, 413, "import_too_large"},
		{"a household", importFixture("regions_gbk_title.csv"), []string{"kind", "regions"}, household, 403, "forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := importBody(t, tc.file, tc.fields...)
			wantError(t, h.do("POST", "/admin/api/imports", body, tc.token, "Content-Type", ct), tc.status, tc.code)
		})
	}
	wantError(t, h.do("POST", "/admin/api/imports", "{}", official), 400, "missing_file")
	var n int64
	h.db.Model(&model.ImportRun{}).Count(&n)
	left, _ := filepath.Glob(filepath.Join(h.runner.Service().Dir(), "upload-*"))
	if n != 0 || len(left) != 0 {
		t.Fatalf("%d runs, uploads left: %v", n, left)
	}
}

func TestExportsThroughTheAPI(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		village := h.fx.Region("419901100201", "测试村").Code
		hh, m := h.fx.Household(village)
		h.fx.Household("419902100201")
		db.Model(&model.Household{}).Where("1 = 1").Update("created_at", time.Now().AddDate(0, -3, 0).UTC())
		official := h.signInAdmin(h.fx.Admin("419901"))
		for _, name := range []string{"overdue-payments", "unvisited-households", "zero-employment", "late-reports"} {
			t.Run(name, func(t *testing.T) {
				w := h.do("GET", "/admin/api/exports/"+name+".xlsx", nil, official)
				if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				if _, err := excelize.OpenReader(w.Body); err != nil {
					t.Fatal(err)
				}
			})
		}
		w := h.do("GET", "/admin/api/exports/unvisited-households.xlsx", nil, official)
		f, _ := excelize.OpenReader(w.Body)
		rows, _ := f.GetRows("超期未走访农户")
		if len(rows) != 2 || rows[1][0] != hh.HouseholdNo {
			t.Fatalf("%v", rows)
		}
		var n int64
		db.Model(&model.AuditEntry{}).Where("action = ? AND region_code = ?", "export.unvisited-households", "419901").Count(&n)
		if n != 2 {
			t.Fatalf("%d audit entries", n)
		}
		wantError(t, h.do("GET", "/admin/api/exports/overdue-payments.xlsx", nil, h.signInUser(h.fx.HouseholdUser(m))), 403, "forbidden")
		wantError(t, h.do("GET", "/admin/api/exports/everything.xlsx", nil, official), 404, "no_such_path")
	})
}
