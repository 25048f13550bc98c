package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/demo"
	"github.com/xiangbang/xiangbang/service/risk"
)

func runSeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	isDemo := fs.Bool("demo", false, "seed the deterministic demo county (required: it is the only seed)")
	households := fs.Int("households", 2000, "how many households the demo county has")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*isDemo {
		return errors.New("say --demo: the only seed is the demo county, and it must not reach a real database by accident")
	}
	cfg, err := loadConfig(*cfgPath, true)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	if _, err := a.db.Migrate(ctx); err != nil {
		return err
	}
	if err := a.syncCatalogue(ctx); err != nil {
		return err
	}
	sum, err := a.seed(ctx, *households)
	if err != nil {
		return err
	}
	fmt.Printf("seeded the demo county in %s: %d households, %d members, %d cadres, %d payments, %d visits, %d jobs\n",
		sum.Took.Round(1e6), sum.Households, sum.Members, sum.Cadres, sum.Payments, sum.Visits, sum.Jobs)
	return nil
}

func (a *app) seed(ctx context.Context, households int) (demo.Summary, error) {
	s, err := demo.NewSeeder(a.db, a.cipher, demo.Options{Today: a.today(), Households: households, Policy: a.policy})
	if err != nil {
		return demo.Summary{}, err
	}
	sum, err := s.Seed(ctx)
	if err != nil {
		return sum, err
	}
	// The demo shows its risk flags from the start; a real deployment gets
	// them from the nightly recomputation and from each income record.
	flags, err := risk.New(a.db, risk.Options{Policy: a.policy, Audit: a.audit, Location: a.cfg.Location()})
	if err != nil {
		return sum, err
	}
	_, err = flags.RecomputeRegion(ctx, audit.System, "")
	return sum, err
}

// seedDemoIfEmpty seeds the demo county on the first start of --demo.
func (a *app) seedDemoIfEmpty(ctx context.Context) error {
	sum, err := a.seed(ctx, 2000)
	if errors.Is(err, demo.ErrNotEmpty) {
		a.log.Info("demo: database already has data; not seeding")
		return nil
	}
	if err != nil {
		return err
	}
	a.log.Info("demo: seeded the demo county", "households", sum.Households, "payments", sum.Payments,
		"visits", sum.Visits, "jobs", sum.Jobs, "took", sum.Took.Round(1e6))
	return nil
}

// printDemoHelp tells a person trying the demo where to go and who to be.
func printDemoHelp(a *app, addr net.Addr) {
	base := a.cfg.PublicURL
	if base == "" {
		host := "127.0.0.1"
		if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() {
			host = tcp.IP.String()
		}
		_, port, _ := net.SplitHostPort(addr.String())
		base = "http://" + net.JoinHostPort(host, port)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n  乡帮 xiangbang demo is running at %s\n\n", base)
	fmt.Fprintf(&b, "  ready:        curl %s/readyz\n", base)
	fmt.Fprintf(&b, "  console:      %s/admin/  (officials: %s / %s, scope county; %s / %s, scope 青石镇)\n",
		base, demo.DemoOfficials[0].Username, "xiangbang-demo", demo.DemoOfficials[1].Username, "xiangbang-demo")
	fmt.Fprintf(&b, "  act as a demo household, cadre or official:\n")
	for _, role := range []string{"household", "cadre", "official"} {
		fmt.Fprintf(&b, "    curl -s -X POST %s/api/v1/auth/dev -d '{\"role\":\"%s\"}'\n", base, role)
	}
	fmt.Fprintf(&b, "  then:  curl -s %s/api/v1/me -H \"Authorization: Bearer <token>\"\n", base)
	fmt.Fprintf(&b, "  WeChat is the in-process wxmock: nothing leaves this machine; what it receives: %s/admin/#/wxmock\n\n", base)
	fmt.Fprint(os.Stdout, b.String())
}
