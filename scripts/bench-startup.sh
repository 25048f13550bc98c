#!/usr/bin/env bash
# scripts/bench-startup.sh — measures, on the embedded SQLite default:
#   1. seeding the demo county (xiangbang seed --demo) into an empty data dir;
#   2. starting serve on that data (no seeding) until /readyz answers 200.
# Results go to stdout; docs/PERFORMANCE.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"; pkill -f "$work/xiangbang serve" 2>/dev/null || true' EXIT
go build -o "$work/xiangbang" ./cmd/xiangbang
cd "$work"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

t=$(date +%s%N)
./xiangbang seed --demo >/dev/null
echo "seed --demo (2,000 households, SQLite): $(ms "$t") ms"

port=18181
for i in $(seq 1 "$runs"); do
  t=$(date +%s%N)
  XB_HTTP_ADDR=127.0.0.1:$port XB_LOG_LEVEL=warn ./xiangbang serve >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.005; done
  echo "serve until /readyz 200 (run $i): $(ms "$t") ms"
  kill -TERM "$pid"; wait "$pid" || true
done
