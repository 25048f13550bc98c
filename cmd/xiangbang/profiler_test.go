package main

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestProfilerServesAndStops: the profiler answers on its address while
// its context lives, and lets go of the port when it ends.
func TestProfilerServesAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- profiler(addr)(ctx) }()
	var resp *http.Response
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("profiler ended with %v", err)
	}
	if ln, err := net.Listen("tcp", addr); err != nil {
		t.Fatalf("port still held: %v", err)
	} else {
		ln.Close()
	}
}
