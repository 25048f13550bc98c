package main

import (
	"context"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// profiler serves Go's profiler on addr (XB_DEBUG_ADDR, loopback only)
// until ctx ends: an operator takes a CPU profile of a busy server with
// `go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=20`.
func profiler(addr string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			<-ctx.Done()
			srv.Close()
		}()
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			return err
		}
		return nil
	}
}
