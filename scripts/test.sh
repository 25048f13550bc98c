#!/usr/bin/env bash
# scripts/test.sh — the README's test command: go vet, then every package's
# tests, store tests on SQLite and on MariaDB, and the Redis tests.
#
# It finds MariaDB (127.0.0.1:3306, root, no password) and Redis
# (127.0.0.1:6379) by itself, or takes XB_TEST_MYSQL_DSN / XB_TEST_REDIS_ADDR
# from the environment. Each test binary creates its own MariaDB database and
# drops it afterwards. With CI=true a missing MariaDB or Redis fails the run
# instead of skipping those tests.
set -euo pipefail
cd "$(dirname "$0")/.."

answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

if [[ -z "${XB_TEST_MYSQL_DSN:-}" ]] && answers 127.0.0.1 3306; then
  export XB_TEST_MYSQL_DSN='root:@tcp(127.0.0.1:3306)/test'
fi
if [[ -z "${XB_TEST_REDIS_ADDR:-}" ]] && answers 127.0.0.1 6379; then
  export XB_TEST_REDIS_ADDR='127.0.0.1:6379'
fi

missing=()
[[ -n "${XB_TEST_MYSQL_DSN:-}" ]] || missing+=("MariaDB (XB_TEST_MYSQL_DSN)")
[[ -n "${XB_TEST_REDIS_ADDR:-}" ]] || missing+=("Redis (XB_TEST_REDIS_ADDR)")
if ((${#missing[@]})); then
  if [[ "${CI:-}" == "true" ]]; then
    echo "test.sh: on CI these are required but do not answer: ${missing[*]}" >&2
    exit 1
  fi
  echo "test.sh: not found, those tests will be skipped: ${missing[*]}" >&2
fi
echo "test.sh: MariaDB ${XB_TEST_MYSQL_DSN:-(none)}; Redis ${XB_TEST_REDIS_ADDR:-(none)}"

echo "== go vet"
go vet ./...

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n "$unformatted" ]]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi

echo "== go test (race detector on)"
log=$(mktemp "${TMPDIR:-/tmp}/xb-test.XXXXXX.log")
# -v lists every test, so the log shows the MariaDB subtests ran rather than skipped.
# The exit status is go test's own: read it before anything else runs.
set +e
go test -race -count=1 -timeout 30m -v ./... >"$log" 2>&1
status=$?
set -e
grep -E '^(--- FAIL|FAIL|ok|panic)' "$log" || true

ran=$(grep -cE -- '--- PASS: .*/mariadb' "$log" || true)
skipped=$(grep -cE -- '--- SKIP: .*/mariadb' "$log" || true)
echo "test.sh: MariaDB subtests passed: $ran, skipped: $skipped"
if [[ "$status" != 0 ]]; then
  echo "test.sh: FAILED with status $status (full log: $log)" >&2
  grep -E -B2 -A30 -- '--- FAIL|^panic|build failed' "$log" | head -300 >&2 || true
  exit "$status"
fi
echo "test.sh: all tests passed (full log: $log)"
