package wxmock

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Paths of the WeChat endpoints wxmock serves; SetFault and Calls take them.
const (
	PathToken         = "/cgi-bin/token"
	PathStableToken   = "/cgi-bin/stable_token"
	PathCode2Session  = "/sns/jscode2session"
	PathTemplateSend  = "/cgi-bin/message/template/send"
	PathSubscribeSend = "/cgi-bin/message/subscribe/send"
	PathMenuCreate    = "/cgi-bin/menu/create"
	PathMenuGet       = "/cgi-bin/menu/get"
	PathOAuthToken    = "/sns/oauth2/access_token"
	PathUserInfo      = "/cgi-bin/user/info"
)

// Endpoints lists every WeChat path wxmock serves.
func Endpoints() []string {
	return []string{PathToken, PathStableToken, PathCode2Session, PathTemplateSend,
		PathSubscribeSend, PathMenuCreate, PathMenuGet, PathOAuthToken, PathUserInfo}
}

// The apps wxmock accepts when Options.Apps is empty. They are fake and
// public: the demo and tests use them.
const (
	MiniAppID      = "wxmockminiapp00001"
	MiniSecret     = "mockminiappsecret000000000000001"
	OfficialAppID  = "wxmockofficial0001"
	OfficialSecret = "mockofficialsecret00000000000001"
	// CallbackToken and CallbackAESKey are the demo official account's
	// callback settings.
	CallbackToken  = "xiangbangdemo"
	CallbackAESKey = "eGlhbmdiYW5nLWRlbW8tYWVzLWtleS0zMi1ieXRlcyE"
)

// App is an AppID and AppSecret pair wxmock accepts.
type App struct {
	AppID  string `json:"appid"`
	Secret string `json:"secret"`
}

// DefaultApps are the mini-program and the official account of the demo.
func DefaultApps() []App {
	return []App{{MiniAppID, MiniSecret}, {OfficialAppID, OfficialSecret}}
}

// Options configure a Server. The zero value works.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port).
	Addr string
	// Apps are the AppID/secret pairs accepted; default DefaultApps().
	Apps []App
	// Templates maps template ids (template and subscribe messages) to
	// the data keys a subscribe message must fill. Empty: any non-empty
	// template id is accepted, which the demo needs because the product's
	// ids come from configuration. Set: unknown ids answer 40037.
	Templates map[string][]string
	// TokenTTL is an access token's lifetime; default 7200 s, as WeChat.
	TokenTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives one line per request; default discards.
	Logger *slog.Logger
}

// Server is the stand-in. Its methods are safe for concurrent use.
type Server struct {
	opts    Options
	now     func() time.Time
	log     *slog.Logger
	handler http.Handler

	mu sync.Mutex
	st state

	lifeMu  sync.Mutex
	httpSrv *http.Server
	url     string
	served  chan struct{}
}

// New returns a Server; Start it, or mount Handler yourself.
func New(o Options) *Server {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if len(o.Apps) == 0 {
		o.Apps = DefaultApps()
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = 7200 * time.Second
	}
	s := &Server{opts: o, now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.st = newState(o)
	s.handler = s.routes()
	return s
}

// Handler serves WeChat's endpoints and the /_mock/ control API.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.httpSrv != nil {
		return errors.New("wxmock: already started")
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return err
	}
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("wxmock: serve", "err", err)
		}
	}()
	return nil
}

// URL is the base URL to point XB_WECHAT_API_BASE at (after Start).
func (s *Server) URL() string {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.url
}

// Shutdown stops serving, letting in-flight requests finish until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.lifeMu.Lock()
	srv, served := s.httpSrv, s.served
	s.lifeMu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	<-served
	return err
}

// Close stops serving at once.
func (s *Server) Close() error {
	s.lifeMu.Lock()
	srv, served := s.httpSrv, s.served
	s.lifeMu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Close()
	<-served
	return err
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.api(mux, PathToken, s.handleToken)
	s.api(mux, PathStableToken, s.handleStableToken)
	s.api(mux, PathCode2Session, s.handleCode2Session)
	s.api(mux, PathTemplateSend, s.handleTemplateSend)
	s.api(mux, PathSubscribeSend, s.handleSubscribeSend)
	s.api(mux, PathMenuCreate, s.handleMenuCreate)
	s.api(mux, PathMenuGet, s.handleMenuGet)
	s.api(mux, PathOAuthToken, s.handleOAuthToken)
	s.api(mux, PathUserInfo, s.handleUserInfo)
	s.control(mux)
	return mux
}

// api wraps an endpoint with what every WeChat call goes through here:
// counting, then any injected fault, then the endpoint itself.
func (s *Server) api(mux *http.ServeMux, path string, h http.HandlerFunc) {
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		s.log.Debug("wxmock: request", "method", r.Method, "path", path)
		f := s.enter(path)
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case f.HTTPStatus != 0:
			http.Error(w, http.StatusText(f.HTTPStatus), f.HTTPStatus)
		case f.ErrCode != 0:
			writeErr(w, f.ErrCode, f.ErrMsg)
		default:
			h(w, r)
		}
	})
}
