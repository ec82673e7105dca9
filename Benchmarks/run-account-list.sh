#!/usr/bin/env bash
# Account list and search latency, 100,000 accounts in one workspace among 1,000 workspaces, on SQLite and on
# PostgreSQL, written into BENCHMARKS.md between the "accounts" markers.
#   Benchmarks/run-account-list.sh [postgres-url]    (default: starts a private cluster with scripts/postgres-cluster.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product AccountListBenchmark >/dev/null
out=$(mktemp -d)
url=${1:-}
if [ -z "$url" ]; then
  cluster=$(mktemp -d /tmp/switchboard-bench-pg.XXXXXX)
  trap 'scripts/postgres-cluster.sh stop "$cluster"' EXIT
  url=$(scripts/postgres-cluster.sh start "$cluster" 54339)
fi
.build/release/AccountListBenchmark --markdown "$out/sqlite.md"
DATABASE_URL="$url" .build/release/AccountListBenchmark --markdown "$out/postgres.md"

machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
section=$(printf '<!-- accounts:start -->\n## Accounts: list and search\n\nMachine: %s. Command: `Benchmarks/run-account-list.sh`.\n\n%s\n\n%s\n<!-- accounts:end -->' \
  "$machine" "$(cat "$out/sqlite.md")" "$(cat "$out/postgres.md")")
python3 - "$section" <<'PY'
import re, sys, pathlib
path = pathlib.Path("BENCHMARKS.md")
text = path.read_text() if path.exists() else "# Benchmarks\n\nEvery table here is written by the script named beside it, on loopback, with a baseline measured in the same run.\n"
section = sys.argv[1]
if "<!-- accounts:start -->" in text:
    text = re.sub(r"<!-- accounts:start -->.*?<!-- accounts:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
path.write_text(text)
PY
echo "BENCHMARKS.md updated"
