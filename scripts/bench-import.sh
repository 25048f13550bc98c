#!/bin/sh
# Measures a million payment rows into MariaDB (issue 10's goal: under 90 s, peak RSS under 300 MB).
# Needs MariaDB at XB_BENCH_DSN (default root:@tcp(127.0.0.1:3306)/); creates and drops xb_bench_import.
# The payments import runs twice: the first run creates every row, the second finds them unchanged.
set -eu
cd "$(dirname "$0")/.."
DSN="${XB_BENCH_DSN:-root:@tcp(127.0.0.1:3306)/}"
BIN="$(mktemp -d)/benchimport"
go build -o "$BIN" ./scripts/benchimport
"$BIN" -step prepare -dsn "$DSN"
"$BIN" -step payments -dsn "$DSN"
"$BIN" -step payments -dsn "$DSN"
if [ "${XB_BENCH_KEEP:-}" = "" ]; then
  mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS xb_bench_import" 2>/dev/null || true
fi
