package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

// runPush is `xiangbang push status|retry`.
func runPush(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "retry") {
		fmt.Fprintln(os.Stderr, "usage: xiangbang push status [--json]\n       xiangbang push retry <message id>...   (dead messages, queued again)")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("push "+args[0], flag.ContinueOnError)
	cfgPath := configFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	ob, err := push.NewOutbox(a.db, a.audit, nil)
	if err != nil {
		return err
	}
	if args[0] == "retry" {
		return pushRetry(ctx, ob, fs.Args())
	}
	st, err := ob.Status(ctx)
	if err != nil {
		return err
	}
	s, err := a.newScheduler(nil)
	if err != nil {
		return err
	}
	runs, err := s.Latest(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"outbox": st.Depth, "oldest_due_seconds": st.OldestDue.Seconds(),
			"last_hour": st.LastHour, "dead_reasons": st.DeadReasons, "jobs": runs})
	}
	printStatus(os.Stdout, describeDB(a.cfg), st, runs, a.cfg.Location())
	return nil
}

func printStatus(out io.Writer, db string, st push.Status, runs []scheduler.RunSummary, loc *time.Location) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "push outbox (%s)\n", db)
	for _, s := range push.States {
		note := ""
		switch {
		case s == model.OutboxQueued && st.OldestDue > 0:
			note = "oldest due waited " + st.OldestDue.Round(time.Second).String()
		case s == "held":
			note = "quiet hours or daily cap"
		case st.LastHour[s] > 0 || s == model.OutboxSent || s == model.OutboxDead:
			note = fmt.Sprintf("%d in the last hour", st.LastHour[s])
		}
		fmt.Fprintf(w, "  %s\t%d\t%s\n", s, st.Depth[s], note)
	}
	if len(st.DeadReasons) > 0 {
		fmt.Fprintln(w, "dead messages by last error:")
		for _, r := range st.DeadReasons {
			fmt.Fprintf(w, "  %d\t%s\n", r.Count, r.Error)
		}
	}
	fmt.Fprintln(w, "scheduled jobs:")
	for _, r := range runs {
		if r.Key == "" {
			fmt.Fprintf(w, "  %s\t%s\tnever ran\n", r.Job, r.Schedule)
			continue
		}
		when := r.StartedAt.In(loc).Format("01-02 15:04:05")
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\tqueued %d\tstarted %s\t%s\n", r.Job, r.Schedule, r.Key, r.Status, r.Queued, when, r.Detail)
	}
	w.Flush()
}

func pushRetry(ctx context.Context, ob *push.Outbox, args []string) error {
	if len(args) == 0 {
		return errors.New("name the dead messages to retry by id (xiangbang push status shows how many there are)")
	}
	var ids []int64
	for _, s := range args {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a message id", s)
		}
		ids = append(ids, id)
	}
	n, err := ob.RetryDead(ctx, model.SystemScope(), audit.Actor{Kind: "system", Name: "xiangbang push retry"}, ids)
	if err != nil {
		return err
	}
	fmt.Printf("queued %d of %d messages again (the others were not dead)\n", n, len(ids))
	return nil
}
