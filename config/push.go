package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// validatePush checks the XB_PUSH_* keys.
func (c *Config) validatePush(bad func(key, format string, args ...any)) {
	if c.PushMaxAttempts < 1 || c.PushMaxAttempts > 100 {
		bad("XB_PUSH_MAX_ATTEMPTS", "must be between 1 and 100")
	}
	if c.PushBackoffBase < time.Second {
		bad("XB_PUSH_BACKOFF_BASE", "must be at least 1s, got %s", c.PushBackoffBase)
	}
	if c.PushBackoffMax < c.PushBackoffBase {
		bad("XB_PUSH_BACKOFF_MAX", "must not be shorter than XB_PUSH_BACKOFF_BASE")
	}
	if c.PushLease < 2*time.Second {
		bad("XB_PUSH_LEASE", "must be at least 2s, got %s", c.PushLease)
	}
	if c.PushConcurrency < 1 || c.PushConcurrency > 512 {
		bad("XB_PUSH_CONCURRENCY", "must be between 1 and 512")
	}
	if c.PushBatch < 1 || c.PushBatch > 1000 {
		bad("XB_PUSH_BATCH", "must be between 1 and 1000")
	}
	if c.PushPoll < 10*time.Millisecond || c.PushPoll > time.Minute {
		bad("XB_PUSH_POLL", "must be between 10ms and 1m, got %s", c.PushPoll)
	}
	if c.PushAppRate < 1 {
		bad("XB_PUSH_APP_RATE", "must be at least 1 send per second")
	}
	if c.PushJobDailyCap < 0 {
		bad("XB_PUSH_JOB_DAILY_CAP", "must not be negative (0: no job pushes)")
	}
	if _, err := ParseQuietHours(c.PushQuietHours); err != nil {
		bad("XB_PUSH_QUIET_HOURS", "%v", err)
	}
	if _, err := ParseClock(c.PushDigestAt); err != nil {
		bad("XB_PUSH_DIGEST_AT", "%v", err)
	}
	if _, err := ParseClock(c.PushOverdueAt); err != nil {
		bad("XB_PUSH_OVERDUE_AT", "%v", err)
	}
	if c.PushPaymentScan < time.Minute {
		bad("XB_PUSH_PAYMENT_SCAN", "must be at least 1m, got %s", c.PushPaymentScan)
	}
}

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM" (00:00 to 23:59).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM (example: 07:30)", s)
	}
	return Clock(hh*60 + mm), nil
}

// On returns the clock time on the date of t, in t's location.
func (c Clock) On(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, int(c)/60, int(c)%60, 0, 0, t.Location())
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// QuietHours is a daily window, which may cross midnight (21:00-08:00).
// The zero value is no window.
type QuietHours struct {
	Start, End Clock
	Set        bool
}

// ParseQuietHours reads "HH:MM-HH:MM"; empty means none.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return QuietHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	start, err1 := ParseClock(a)
	end, err2 := ParseClock(b)
	if !ok || err1 != nil || err2 != nil || start == end {
		return QuietHours{}, fmt.Errorf("%q is not a window HH:MM-HH:MM of two different times (example: 21:00-08:00)", s)
	}
	return QuietHours{Start: start, End: end, Set: true}, nil
}

// Release reports whether t (in the zone the window is meant in) falls in
// the window, and if so when it ends.
func (q QuietHours) Release(t time.Time) (time.Time, bool) {
	if !q.Set {
		return time.Time{}, false
	}
	now := Clock(t.Hour()*60 + t.Minute())
	in := false
	if q.Start < q.End {
		in = now >= q.Start && now < q.End
	} else {
		in = now >= q.Start || now < q.End
	}
	if !in {
		return time.Time{}, false
	}
	end := q.End.On(t)
	if !end.After(t) {
		end = q.End.On(t.AddDate(0, 0, 1))
	}
	return end, true
}

// QuietHours returns the parsed XB_PUSH_QUIET_HOURS; Validate has checked it.
func (c *Config) QuietHours() QuietHours {
	q, _ := ParseQuietHours(c.PushQuietHours)
	return q
}
