package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
)

// consoleCSP lets console pages run only the server's own scripts. Inline
// styles stay allowed because ECharts writes its tooltips with them.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one embedded console file, read once at start, with its ETag;
// the gzipped form is made on first request.
type asset struct {
	body   []byte
	etag   string
	ctype  string
	gzOnce sync.Once
	gz     []byte
}

// consoleAssets serves the embedded console: index.html at /admin/ and the
// modules and vendored libraries under /admin/static/.
type consoleAssets struct {
	files map[string]*asset // by path inside the FS: "console/app.js"
}

var assetTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
	".json": "application/json; charset=utf-8",
}

// newConsoleAssets reads every file of fsys. The files are embedded in the
// binary, so a failure here is a broken build: it is logged and the
// console answers 404 rather than the whole server failing to start.
func newConsoleAssets(fsys fs.FS, log *slog.Logger) *consoleAssets {
	a := &consoleAssets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := assetTypes[path.Ext(p)]
		if ctype == "" {
			ctype = "text/plain; charset=utf-8" // LICENSE, NOTICE, VERSION
		}
		a.files[p] = &asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil {
		log.Error("console assets unreadable; the console will answer 404", "err", err)
	}
	return a
}

func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		a.gz = b.Bytes()
	})
	return a.gz
}

// serve writes the asset with revalidation by ETag and gzip when accepted.
func (a *asset) serve(c *gin.Context, cacheControl string) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	body := a.body
	if len(body) > 1024 && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") && !strings.HasPrefix(a.ctype, "image/png") {
		body = a.gzipped()
		h.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, a.ctype, body)
}

// index answers /admin/: the console's one page; the router inside it
// shows the sign-in form when there is no session.
func (a *consoleAssets) index(c *gin.Context) {
	f := a.files["console/index.html"]
	if f == nil {
		writeError(c, apperr.New(apperr.NotFound, "no_such_path", "接口不存在"))
		return
	}
	f.serve(c, "no-cache")
}

// static answers /admin/static/*filepath. Console modules are revalidated
// on every load (they change with each release); vendored libraries, whose
// files change only on an upgrade, are cached for an hour.
func (a *consoleAssets) static(c *gin.Context) {
	p := strings.TrimPrefix(path.Clean("/"+c.Param("filepath")), "/")
	f := a.files[p]
	if f == nil || !(strings.HasPrefix(p, "console/") || strings.HasPrefix(p, "vendor/")) {
		writeError(c, apperr.New(apperr.NotFound, "no_such_path", "文件不存在"))
		return
	}
	cache := "no-cache"
	if strings.HasPrefix(p, "vendor/") {
		cache = "public, max-age=3600"
	}
	f.serve(c, cache)
}
