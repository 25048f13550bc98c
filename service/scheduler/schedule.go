package scheduler

import (
	"time"

	"github.com/xiangbang/xiangbang/config"
)

// Schedule says when a job is due and names each run, so that a run is
// done once per name however many instances or restarts there are.
type Schedule interface {
	// Due returns the run due at now: its key and the instant it was due.
	// ok is false when nothing is due yet (a daily job before its hour).
	Due(now time.Time) (key string, at time.Time, ok bool)
	// String describes the schedule for logs and `push status`.
	String() string
}

// Daily is due once a day from a local time of day on; the key is the
// local date. A day's run missed while no instance ran is made up later
// that day, never the next.
type Daily struct {
	At       config.Clock
	Location *time.Location
}

// Due implements Schedule.
func (d Daily) Due(now time.Time) (string, time.Time, bool) {
	local := now.In(d.Location)
	at := d.At.On(local)
	if local.Before(at) {
		return "", time.Time{}, false
	}
	return local.Format("2006-01-02"), at, true
}

func (d Daily) String() string { return "daily at " + d.At.String() }

// Every is due once per slot of a fixed length (slots start at whole
// multiples of it since the Unix epoch); the key is the slot's start.
type Every struct {
	Interval time.Duration
	Location *time.Location
}

// Due implements Schedule.
func (e Every) Due(now time.Time) (string, time.Time, bool) {
	at := now.Truncate(e.Interval)
	return at.In(e.Location).Format("2006-01-02T15:04"), at, true
}

func (e Every) String() string { return "every " + e.Interval.String() }
