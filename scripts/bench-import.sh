#!/bin/sh
# Measures a million payment rows into MariaDB (issue 10's goal: under 90 s, peak RSS under 300 MB).
# Needs MariaDB at XB_BENCH_DSN (default root:@tcp(127.0.0.1:3306)/); creates xb_bench_import and about 250 MB of
# files in $TMPDIR, and removes both at the end (XB_BENCH_KEEP=1 keeps them).
# The payments import runs: afresh, the same file again, the file a month on, and afresh with --keep-good.
set -eu
cd "$(dirname "$0")/.."
DSN="${XB_BENCH_DSN:-root:@tcp(127.0.0.1:3306)/}"
BIN="$(mktemp -d)/benchimport"
go build -o "$BIN" ./scripts/benchimport
"$BIN" -step prepare -dsn "$DSN"
"$BIN" -step payments -dsn "$DSN"                                 # creates 1,000,000
"$BIN" -step payments -dsn "$DSN"                                 # the same file again: nothing changes
"$BIN" -step payments -dsn "$DSN" -file payments-paid.csv         # a month on: 50,000 paid since
"$BIN" -step reset -dsn "$DSN"
"$BIN" -step payments -dsn "$DSN" -mode keep_good                 # one pass
if [ "${XB_BENCH_KEEP:-}" = "" ]; then
  "$BIN" -step drop -dsn "$DSN"
fi
