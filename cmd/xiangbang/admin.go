package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/keys"
)

const adminUsage = `usage: xiangbang admin <create|invite|rotate-key> [flags]

  create      add a console user (the password is read from standard input)
  invite      issue a single-use invite code binding a WeChat user as a cadre
  rotate-key  re-encrypt personal numbers under the first key of XB_PII_KEYS`

func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, adminUsage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "create":
		return adminCreate(ctx, args[1:])
	case "invite":
		return adminInvite(ctx, args[1:])
	case "rotate-key":
		return adminRotateKey(ctx, args[1:])
	}
	fmt.Fprintln(os.Stderr, adminUsage)
	return fmt.Errorf("unknown admin command %q", args[0])
}

// openForAdmin loads configuration and opens the app with an auth service.
func openForAdmin(ctx context.Context, cfgPath string) (*app, *auth.Service, error) {
	a, err := openConfigured(ctx, cfgPath)
	if err != nil {
		return nil, nil, err
	}
	if _, err := a.db.Migrate(ctx); err != nil {
		a.close()
		return nil, nil, err
	}
	svc, err := a.newAuth(nil)
	if err != nil {
		a.close()
		return nil, nil, err
	}
	return a, svc, nil
}

func adminCreate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	username := fs.String("username", "", "sign-in name (lower-case letters, digits, . _ -)")
	name := fs.String("name", "", "display name, e.g. 青石镇人民政府")
	scope := fs.String("scope", "", `region code prefix the user may see, e.g. 419901 for a county ("" = everything)`)
	role := fs.String("role", "official", "official or sysadmin")
	dept := fs.String("department", "", "department, e.g. 县乡村振兴局")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprint(os.Stderr, "password (at least 10 characters): ")
	pw, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && pw == "" {
		return errors.New("no password on standard input")
	}
	a, svc, err := openForAdmin(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	u, err := svc.CreateAdmin(ctx, auth.SystemPrincipal(), auth.AdminSpec{Username: *username, Password: strings.TrimRight(pw, "\r\n"),
		DisplayName: *name, Role: *role, RegionScope: *scope, Department: *dept})
	if err != nil {
		return describe(err)
	}
	fmt.Printf("\ncreated %s (%s) with scope %q\n", u.Username, u.Role, u.RegionScope)
	return nil
}

func adminInvite(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin invite", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	cadre := fs.Int64("cadre", 0, "the cadre's id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, svc, err := openForAdmin(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	inv, err := svc.IssueInvite(ctx, auth.SystemPrincipal(), *cadre)
	if err != nil {
		return describe(err)
	}
	fmt.Printf("invite code for cadre %d: %s (valid until %s; works once)\n", inv.CadreID, inv.Code, inv.ExpiresAt.In(a.cfg.Location()).Format("2006-01-02 15:04"))
	return nil
}

func adminRotateKey(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin rotate-key", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	batch := fs.Int("batch", 500, "values per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	before, err := keys.Remaining(ctx, a.db, a.cipher.ActiveKeyID())
	if err != nil {
		return err
	}
	fmt.Printf("%d values to re-encrypt under key %q\n", before, a.cipher.ActiveKeyID())
	st, err := keys.Rotate(ctx, a.db, a.cipher, *batch, func(p keys.Progress) {
		fmt.Printf("\r%s.%s: %d", p.Table, p.Column, p.Done)
	})
	fmt.Println()
	if err != nil {
		return fmt.Errorf("stopped after %d values (%d remain; run again to resume): %w", st.Reencrypted, st.Remaining, err)
	}
	fmt.Printf("done: %d values re-encrypted; old keys may be removed from XB_PII_KEYS once every instance runs with the new one\n", st.Reencrypted)
	return nil
}

// describe shows an API error with its Chinese message on the terminal.
func describe(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", ae.Code, ae.Message)
	}
	return err
}
