package wxmock

import (
	"encoding/json"
	"net/http"
)

// faultReq is the body of POST /_mock/faults.
type faultReq struct {
	Endpoint string `json:"endpoint"`
	Fault
}

// control mounts the /_mock/ API, for tests in other languages and for
// poking a running `xiangbang wxmock` with curl:
//
//	GET    /_mock/messages    the messages accepted, oldest first
//	DELETE /_mock/messages    forget them
//	GET    /_mock/faults      the faults in force
//	POST   /_mock/faults      {"endpoint": "/cgi-bin/message/template/send", "errcode": 45009, "latency_ms": 200, "rate_limit": 5, "http_status": 502, "times": 1}
//	DELETE /_mock/faults      clear them
//	POST   /_mock/bad-codes   {"code": "..."}: the code answers 40029
//	POST   /_mock/expire-tokens   every token answers 42001
//	GET    /_mock/calls       requests per endpoint, and template messages dropped as duplicates
func (s *Server) control(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/messages", func(w http.ResponseWriter, r *http.Request) {
		msgs := s.Messages()
		if msgs == nil {
			msgs = []Message{}
		}
		writeJSON(w, map[string]any{"messages": msgs})
	})
	mux.HandleFunc("DELETE /_mock/messages", func(w http.ResponseWriter, r *http.Request) {
		s.ClearMessages()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"faults": s.Faults()})
	})
	mux.HandleFunc("POST /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		var req faultReq
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
			return
		}
		if !isEndpoint(req.Endpoint) {
			http.Error(w, "unknown endpoint "+req.Endpoint, http.StatusBadRequest)
			return
		}
		s.SetFault(req.Endpoint, req.Fault)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_mock/bad-codes", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Code string `json:"code"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil || req.Code == "" {
			http.Error(w, "want {\"code\": \"...\"}", http.StatusBadRequest)
			return
		}
		s.BadCode(req.Code)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_mock/expire-tokens", func(w http.ResponseWriter, r *http.Request) {
		s.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_mock/calls", func(w http.ResponseWriter, r *http.Request) {
		calls := map[string]int{}
		for _, p := range Endpoints() {
			calls[p] = s.Calls(p)
		}
		writeJSON(w, map[string]any{"calls": calls, "duplicates": s.Duplicates()})
	})
}

func isEndpoint(p string) bool {
	for _, e := range Endpoints() {
		if e == p {
			return true
		}
	}
	return false
}
