package wxmock

import "time"

// Fault is trouble injected into one endpoint.
type Fault struct {
	// ErrCode, when set, is answered instead of the real result: -1
	// (system busy), 45009 (daily quota), 43101 (user refused), 40001...
	ErrCode int `json:"errcode,omitempty"`
	// ErrMsg overrides the table's message for ErrCode.
	ErrMsg string `json:"errmsg,omitempty"`
	// HTTPStatus, when set, is answered as a bare HTTP error (502...).
	HTTPStatus int `json:"http_status,omitempty"`
	// Latency is added before answering.
	Latency time.Duration `json:"-"`
	// LatencyMS is Latency on the wire.
	LatencyMS int `json:"latency_ms,omitempty"`
	// RateLimit, when set, lets this many calls through per second; more
	// answer 45011 (minute quota), as WeChat's frequency limit does.
	RateLimit int `json:"rate_limit,omitempty"`
	// Times is how many calls the fault affects; 0 means until cleared.
	Times int `json:"times,omitempty"`
}

type faultState struct {
	Fault
	windowStart time.Time
	inWindow    int
}

// SetFault injects f into the endpoint at path (one of the Path constants),
// replacing any fault there.
func (s *Server) SetFault(path string, f Fault) {
	if f.Latency == 0 && f.LatencyMS > 0 {
		f.Latency = time.Duration(f.LatencyMS) * time.Millisecond
	}
	f.LatencyMS = int(f.Latency / time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults[path] = &faultState{Fault: f}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.faults)
}

// Faults returns the faults in force, by path.
func (s *Server) Faults() map[string]Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Fault, len(s.st.faults))
	for p, f := range s.st.faults {
		out[p] = f.Fault
	}
	return out
}

// enter counts a call and returns what the fault at path does to it.
func (s *Server) enter(path string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.calls[path]++
	fs, ok := s.st.faults[path]
	if !ok {
		return Fault{}
	}
	out := fs.Fault
	if fs.RateLimit > 0 {
		now := s.now()
		if now.Sub(fs.windowStart) >= time.Second {
			fs.windowStart, fs.inWindow = now, 0
		}
		fs.inWindow++
		if fs.inWindow > fs.RateLimit && out.ErrCode == 0 && out.HTTPStatus == 0 {
			out.ErrCode = CodeMinuteQuota
		}
	}
	if fs.Times > 0 {
		fs.Times--
		if fs.Times == 0 {
			delete(s.st.faults, path)
		}
	}
	return out
}
