package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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

// asset is one embedded console file, read once at start, with its version
// (a hash of its content, also its ETag); the gzipped form is made on first
// request.
type asset struct {
	body    []byte
	version string
	etag    string
	ctype   string
	csp     string
	gzOnce  sync.Once
	gz      []byte
}

// consoleAssets serves the embedded console: index.html at /admin/ and the
// modules and vendored libraries under /admin/static/.
//
// The page carries an import map that gives every module a URL with its
// version (?v=<hash>), and those URLs are cached for good: a returning
// official's browser loads no module again until a release changes it,
// and a release changes the URLs. The map is an inline script, allowed by
// its hash in the Content-Security-Policy; nothing else inline runs.
type consoleAssets struct {
	files     map[string]*asset // by path inside the FS: "console/app.js"
	indexPage *asset
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
		ctype := assetTypes[path.Ext(p)]
		if ctype == "" {
			ctype = "text/plain; charset=utf-8" // LICENSE, NOTICE, VERSION
		}
		a.files[p] = newAsset(body, ctype, consoleCSP)
		return nil
	})
	if err != nil {
		log.Error("console assets unreadable; the console will answer 404", "err", err)
	}
	if tpl := a.files["console/index.html"]; tpl != nil {
		a.indexPage = a.render(tpl.body)
	}
	return a
}

func newAsset(body []byte, ctype, csp string) *asset {
	sum := sha256.Sum256(body)
	v := hex.EncodeToString(sum[:8])
	return &asset{body: body, version: v, etag: `"` + v + `"`, ctype: ctype, csp: csp}
}

const staticPrefix = "/admin/static/"

// render fills index.html: the import map of every module's versioned URL
// goes where the template says <!-- importmap -->, and each reference to a
// static file in the page gets its version.
func (a *consoleAssets) render(tpl []byte) *asset {
	imports := map[string]string{}
	for p, f := range a.files {
		if ext := path.Ext(p); ext == ".js" || ext == ".mjs" {
			imports[staticPrefix+p] = staticPrefix + p + "?v=" + f.version
		}
	}
	// encoding/json sorts the keys and escapes <, > and &, so the map is the
	// same bytes every start and cannot close its script element.
	raw, _ := json.Marshal(map[string]any{"imports": imports})
	sum := sha256.Sum256(raw)
	html := string(tpl)
	for p, f := range a.files {
		html = strings.ReplaceAll(html, `"`+staticPrefix+p+`"`, `"`+staticPrefix+p+"?v="+f.version+`"`)
	}
	// The map goes in last: its keys are the unversioned URLs.
	html = strings.Replace(html, "<!-- importmap -->", `<script type="importmap">`+string(raw)+`</script>`, 1)
	csp := strings.Replace(consoleCSP, "script-src 'self'", "script-src 'self' 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", 1)
	return newAsset([]byte(html), assetTypes[".html"], csp)
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
	h.Set("Content-Security-Policy", a.csp)
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
	if a.indexPage == nil {
		writeError(c, apperr.New(apperr.NotFound, "no_such_path", "接口不存在"))
		return
	}
	a.indexPage.serve(c, "no-cache")
}

// static answers /admin/static/*filepath. A URL with the file's current
// version is cached for good; without it (or with an old one) the browser
// revalidates by ETag every time.
func (a *consoleAssets) static(c *gin.Context) {
	p := strings.TrimPrefix(path.Clean("/"+c.Param("filepath")), "/")
	f := a.files[p]
	if f == nil || !(strings.HasPrefix(p, "console/") || strings.HasPrefix(p, "vendor/")) {
		writeError(c, apperr.New(apperr.NotFound, "no_such_path", "文件不存在"))
		return
	}
	cache := "no-cache"
	if c.Query("v") == f.version {
		cache = "public, max-age=31536000, immutable"
	}
	f.serve(c, cache)
}
