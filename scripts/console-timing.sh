#!/usr/bin/env bash
# scripts/console-timing.sh — how fast the admin console's pages load on the demo county
# (`xiangbang serve --demo`: 2,000 households on SQLite), measured in headless chromium, and
# the README's screenshots (docs/screenshots/). Prints a Markdown table for docs/PERFORMANCE.md.
#
#   scripts/console-timing.sh            # 20 loads of each page
#   RUNS=50 scripts/console-timing.sh -trace
#
# Needs chromium (apt-get install chromium) and, for readable screenshots, a CJK font
# (apt-get install fonts-wqy-microhei).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/xiangbang" ./cmd/xiangbang
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
go run ./scripts/consoletiming -bin "$tmp/xiangbang" -runs "${RUNS:-20}" -shots docs/screenshots "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
