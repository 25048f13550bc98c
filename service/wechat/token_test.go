package wechat

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// sendAll sends n template messages at once and fails on any error.
func sendAll(t *testing.T, clients []*Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func(c *Client) {
			defer wg.Done()
			_, err := c.SendTemplate(context.Background(), okTemplate("o-alice"))
			errs <- err
		}(clients[i%len(clients)])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoClientsShareOneToken: two instances on one store fetch the token
// once between them, even when both start at the same moment.
func TestTwoClientsShareOneToken(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		f := newFixture(t, store, nil)
		other := f.newClient(t, store, nil)
		f.mock.SetFault(wxmock.PathStableToken, wxmock.Fault{Latency: 100 * time.Millisecond})
		sendAll(t, []*Client{f.client, other}, 2)
		sendAll(t, []*Client{f.client, other}, 10)
		if got := f.mock.Calls(wxmock.PathStableToken); got != 1 {
			t.Errorf("stable_token calls = %d, want 1", got)
		}
		if got := len(f.mock.Messages()); got != 12 {
			t.Errorf("messages = %d, want 12", got)
		}
	})
}

// TestConcurrentCallersOneRefresh: 100 callers in one process, no token
// yet: one fetch.
func TestConcurrentCallersOneRefresh(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		f := newFixture(t, store, nil)
		f.mock.SetFault(wxmock.PathStableToken, wxmock.Fault{Latency: 50 * time.Millisecond})
		sendAll(t, []*Client{f.client}, 100)
		if got := f.mock.Calls(wxmock.PathStableToken); got != 1 {
			t.Errorf("stable_token calls = %d, want 1", got)
		}
		if got := f.mock.Calls(wxmock.PathTemplateSend); got != 100 {
			t.Errorf("template sends = %d, want 100", got)
		}
	})
}

// TestRejectedTokenRefreshedOnce: WeChat rejects the token once; the call
// drops it, fetches another and succeeds.
func TestRejectedTokenRefreshedOnce(t *testing.T) {
	tests := []struct {
		name   string
		reject func(m *wxmock.Server)
	}{
		{"injected 42001", func(m *wxmock.Server) {
			m.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: wxmock.CodeTokenExpired, Times: 1})
		}},
		{"injected 40001", func(m *wxmock.Server) {
			m.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: wxmock.CodeInvalidCredential, Times: 1})
		}},
		{"token really expired", func(m *wxmock.Server) { m.ExpireTokens() }},
		{"token revoked", func(m *wxmock.Server) { m.RevokeTokens() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
				f := newFixture(t, store, nil)
				sendAll(t, []*Client{f.client}, 1)
				tt.reject(f.mock)
				sendAll(t, []*Client{f.client}, 1)
				if got := f.mock.Calls(wxmock.PathStableToken); got != 2 {
					t.Errorf("stable_token calls = %d, want 2 (one refresh)", got)
				}
				if got := f.mock.Calls(wxmock.PathTemplateSend); got != 3 {
					t.Errorf("template sends = %d, want 3 (ok, rejected, retried)", got)
				}
				if got := len(f.mock.Messages()); got != 2 {
					t.Errorf("messages = %d, want 2", got)
				}
			})
		})
	}
}

// TestManyRejectedOneRefresh: 100 callers all holding the expired token
// drop it once between them and fetch once.
func TestManyRejectedOneRefresh(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		f := newFixture(t, store, nil)
		sendAll(t, []*Client{f.client}, 1)
		f.mock.ExpireTokens()
		f.mock.SetFault(wxmock.PathStableToken, wxmock.Fault{Latency: 50 * time.Millisecond})
		sendAll(t, []*Client{f.client}, 100)
		if got := f.mock.Calls(wxmock.PathStableToken); got != 2 {
			t.Errorf("stable_token calls = %d, want 2", got)
		}
	})
}

// TestRejectedTwiceGivesUp: a token rejected again after the refresh is
// the caller's to retry later; one retry only.
func TestRejectedTwiceGivesUp(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	f.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: wxmock.CodeTokenExpired})
	_, err := f.client.SendTemplate(context.Background(), okTemplate("o-a"))
	if !IsTokenError(err) || !IsRetryable(err) {
		t.Errorf("err = %v, want a retryable token error", err)
	}
	if got := f.mock.Calls(wxmock.PathTemplateSend); got != 2 {
		t.Errorf("template sends = %d, want 2", got)
	}
}

// TestTokenCachedForItsLife: the token is stored for expires_in less the
// SDK's 300 s, which is why wxmock must answer 7200 as WeChat does.
func TestTokenCachedForItsLife(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		f := newFixture(t, store, nil)
		sendAll(t, []*Client{f.client}, 1)
		ttl, err := store.TTL(context.Background(), "wechat:"+f.client.official.tokens.key)
		if err != nil {
			t.Fatal(err)
		}
		if ttl < 6890*time.Second || ttl > 6900*time.Second {
			t.Errorf("token ttl = %v, want about 6900 s", ttl)
		}
	})
}

// TestWaitsForAnotherInstance: while another instance holds the lock, a
// caller waits for the token to appear instead of fetching its own.
func TestWaitsForAnotherInstance(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, store kv.Store) {
		f := newFixture(t, store, nil)
		ts := f.client.official.tokens
		ctx := context.Background()
		if ok, err := store.SetNX(ctx, ts.lockKey, []byte("another-instance"), time.Minute); !ok || err != nil {
			t.Fatal("could not take the lock", err)
		}
		go func() {
			time.Sleep(100 * time.Millisecond)
			_ = ts.cache.Set(ts.key, "token-from-elsewhere", time.Hour)
		}()
		tok, err := ts.Token(ctx)
		if err != nil || tok != "token-from-elsewhere" {
			t.Errorf("Token = %q, %v", tok, err)
		}
		if got := f.mock.Calls(wxmock.PathStableToken); got != 0 {
			t.Errorf("stable_token calls = %d, want 0", got)
		}
	})
}

// TestCallerGivesUpOthersStillServed: a caller whose context ends stops
// waiting, but the fetch it started goes on for the others.
func TestCallerGivesUpOthersStillServed(t *testing.T) {
	f := newFixture(t, kv.NewMemory(), nil)
	f.mock.SetFault(wxmock.PathStableToken, wxmock.Fault{Latency: 200 * time.Millisecond, Times: 1})
	ts := f.client.official.tokens
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	var patient error
	go func() {
		defer wg.Done()
		time.Sleep(5 * time.Millisecond)
		_, patient = ts.Token(withRoute(context.Background(), f.client.route))
	}()
	_, err := ts.Token(withRoute(short, f.client.route))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("impatient caller: %v, want a deadline error", err)
	}
	wg.Wait()
	if patient != nil {
		t.Errorf("patient caller: %v", patient)
	}
	if got := f.mock.Calls(wxmock.PathStableToken); got != 1 {
		t.Errorf("stable_token calls = %d, want 1", got)
	}
}
