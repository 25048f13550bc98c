package main

import "context"

func runServe(ctx context.Context, args []string) error   { return nil }
func runMigrate(ctx context.Context, args []string) error { return nil }
func runSeed(ctx context.Context, args []string) error    { return nil }
func runConfig(ctx context.Context, args []string) error  { return nil }
