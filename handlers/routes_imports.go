package handlers

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/exports"
	"github.com/xiangbang/xiangbang/service/importer"
	"github.com/xiangbang/xiangbang/service/imports"
)

// importRoutes are the console's imports (uploads that run in the
// background), their reports, the blank templates, and the exports.
func (s *Server) importRoutes(adm *gin.RouterGroup) {
	// Uploads get their own body limit, XB_IMPORT_LIMIT (the group's is for JSON).
	up := s.engine.Group("/admin/api", limitBody(int64(s.d.Config.ImportLimit)+1<<20))
	up.POST("/imports", s.signedIn(auth.RoleOfficial), s.uploadImport)
	adm.GET("/imports", s.signedIn(auth.RoleOfficial), s.listImports)
	adm.GET("/imports/:id", s.signedIn(auth.RoleOfficial), s.getImport)
	adm.GET("/imports/:id/report.csv", s.signedIn(auth.RoleOfficial), s.importReport(importer.FormatCSV))
	adm.GET("/imports/:id/report.xlsx", s.signedIn(auth.RoleOfficial), s.importReport(importer.FormatXLSX))
	adm.GET("/import-templates/:file", s.signedIn(auth.RoleOfficial), s.importTemplate)
	for _, name := range exports.Names() {
		adm.GET("/exports/"+name+".xlsx", s.signedIn(auth.RoleOfficial), s.export(name))
	}
}

// uploadTime is how long an upload may take to arrive, past the server's
// read timeout: files of hundreds of MB come from county offices.
const uploadTime = 30 * time.Minute

var errMissingFile = apperr.BadInput("missing_file", "请在 file 字段上传要导入的文件（CSV 或 XLSX）")

// uploadImport takes a multipart upload (file, kind, mode; kind and mode
// may also be query parameters), spools the file to disk and queues it.
func (s *Server) uploadImport(c *gin.Context) {
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(uploadTime))
	mr, err := c.Request.MultipartReader()
	if err != nil {
		writeError(c, errMissingFile)
		return
	}
	kind, mode := c.Query("kind"), c.Query("mode")
	var upload *imports.Upload
	defer func() {
		if upload != nil { // not handed to a run
			upload.Discard()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(c, bodyError(err))
			return
		}
		switch part.FormName() {
		case "file":
			if upload != nil {
				writeError(c, apperr.BadInput("too_many_files", "一次只能导入一个文件"))
				return
			}
			if upload, err = s.d.Imports.Spool(part, part.FileName(), int64(s.d.Config.ImportLimit)); err != nil {
				writeError(c, bodyError(err))
				return
			}
		case "kind":
			kind = formValue(part)
		case "mode":
			mode = formValue(part)
		}
	}
	if upload == nil {
		writeError(c, errMissingFile)
		return
	}
	p := principal(c)
	var admin *int64
	if p.AdminID != 0 {
		admin = &p.AdminID
	}
	run, err := s.d.Imports.Submit(c.Request.Context(), upload, imports.Request{Kind: importer.Kind(kind), Mode: mode,
		Scope: p.Scope(), Actor: p.Actor(), AdminID: admin})
	upload = nil // the run's now, or discarded by Submit
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/admin/api/imports/"+strconv.FormatInt(run.ID, 10))
	c.JSON(http.StatusAccepted, s.importView(run))
}

// formValue reads a short form field.
func formValue(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 64))
	return strings.TrimSpace(string(b))
}

// bodyError turns a failure reading the upload into its answer.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return imports.ErrTooLarge
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return apperr.Wrap(err, apperr.Invalid, "bad_upload", "上传的内容不完整，请重新上传")
}

func (s *Server) listImports(c *gin.Context) {
	var cursor int64
	if v := c.Query("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(c, apperr.BadInput("invalid_cursor", "cursor 须为正整数"))
			return
		}
		cursor = n
	}
	limit := 50
	runs, err := s.d.Imports.Service().List(c.Request.Context(), principal(c).Scope(), cursor, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	items := make([]gin.H, len(runs))
	for i, r := range runs {
		items[i] = s.importView(r)
	}
	next := ""
	if len(runs) == limit {
		next = strconv.FormatInt(runs[len(runs)-1].ID, 10)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

func (s *Server) getImport(c *gin.Context) {
	id, ok := pathID(c, "导入记录")
	if !ok {
		return
	}
	run, err := s.d.Imports.Service().Get(c.Request.Context(), principal(c).Scope(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, s.importView(run))
}

// importView is a run as the console shows it: where it is, what it did,
// and where its report is.
func (s *Server) importView(r model.ImportRun) gin.H {
	loc := s.d.Config.Location()
	at := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.In(loc)
	}
	self := "/admin/api/imports/" + strconv.FormatInt(r.ID, 10)
	links := gin.H{"self": self}
	if r.ReportPath != "" {
		links["report_csv"], links["report_xlsx"] = self+"/report.csv", self+"/report.xlsx"
	}
	return gin.H{"id": r.ID, "kind": r.Kind, "file_name": r.FileName, "file_sha256": r.FileSHA256, "mode": r.Mode,
		"status": r.Status, "phase": r.Phase, "percent": importPercent(r), "rows_total": r.RowsTotal, "rows_done": r.RowsDone,
		"rows_created": r.RowsCreated, "rows_updated": r.RowsUpdated, "rows_unchanged": r.RowsUnchanged,
		"rows_rejected": r.RowsRejected, "error": r.Error, "admin_user_id": r.AdminUserID, "region_scope": r.RegionScope,
		"created_at": r.CreatedAt.In(loc), "started_at": at(r.StartedAt), "finished_at": at(r.FinishedAt), "links": links}
}

// importPercent is how far a run is, overall: an all-or-nothing run checks
// the file (the first half, by bytes read) then writes it (the second, by
// rows); keep_good does both in one pass, by bytes.
func importPercent(r model.ImportRun) float64 {
	if r.Status != model.ImportRunning {
		if r.Status == model.ImportQueued {
			return 0
		}
		return 100
	}
	frac := func(done, total int64) float64 {
		if total <= 0 {
			return 0
		}
		return min(1, float64(done)/float64(total))
	}
	var p float64
	switch {
	case r.Mode == model.ImportKeepGood:
		p = frac(r.BytesDone, r.BytesTotal)
	case r.Phase == model.PhaseWriting:
		p = 0.5 + frac(int64(r.RowsDone), int64(r.RowsTotal))/2
	default:
		p = frac(r.BytesDone, r.BytesTotal) / 2
	}
	return float64(int(p*1000)) / 10
}

func (s *Server) importReport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, "导入记录")
		if !ok {
			return
		}
		run, err := s.d.Imports.Service().Get(c.Request.Context(), principal(c).Scope(), id)
		if err != nil {
			writeError(c, err)
			return
		}
		if run.ReportPath == "" {
			writeError(c, apperr.New(apperr.NotFound, "no_report", "这次导入没有未导入的行，没有报告"))
			return
		}
		w := s.download(c, "导入报告-"+strconv.FormatInt(id, 10)+"."+format, contentTypes[format])
		if err := imports.WriteReport(run.ReportPath, w, format); err != nil {
			w.fail(c, err)
		}
	}
}

func (s *Server) importTemplate(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	kind := importer.Kind(name)
	spec, err := importer.SpecFor(kind)
	if err != nil || (format != importer.FormatCSV && format != importer.FormatXLSX) {
		writeError(c, apperr.Missing("模板"))
		return
	}
	w := s.download(c, spec.Title+"导入模板."+format, contentTypes[format])
	if err := importer.WriteTemplate(kind, w, format); err != nil {
		w.fail(c, err)
	}
}

func (s *Server) export(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(10 * time.Minute))
		p := principal(c)
		day := time.Now().In(s.d.Config.Location()).Format("20060102")
		w := s.download(c, exports.Title(name)+"-"+day+".xlsx", contentTypes[importer.FormatXLSX])
		if _, err := s.d.Exports.Write(c.Request.Context(), w, p.Scope(), p.Actor(), name); err != nil {
			w.fail(c, err)
		}
	}
}

var contentTypes = map[string]string{
	importer.FormatCSV:  "text/csv; charset=utf-8",
	importer.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// fileDownload sets a download's headers at its first byte, so that a
// failure before it is still an ordinary JSON error.
type fileDownload struct {
	c           *gin.Context
	name, ctype string
	started     bool
}

func (s *Server) download(c *gin.Context, name, ctype string) *fileDownload {
	return &fileDownload{c: c, name: name, ctype: ctype}
}

func (d *fileDownload) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.c.Writer.Header()
		h.Set("Content-Type", d.ctype)
		h.Set("Content-Disposition", `attachment; filename="download`+d.name[strings.LastIndexByte(d.name, '.'):]+
			`"; filename*=UTF-8''`+url.PathEscape(d.name))
		h.Set("Cache-Control", "no-store")
		d.c.Status(http.StatusOK)
	}
	return d.c.Writer.Write(p)
}

// fail answers err if nothing was sent yet; otherwise the download is cut
// short and the client sees a broken file.
func (d *fileDownload) fail(c *gin.Context, err error) {
	if !d.started {
		writeError(c, err)
		return
	}
	loggerOf(c).Error("download failed half-way", "err", err)
	c.Abort()
}
