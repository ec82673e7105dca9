#!/usr/bin/env bash
# Memory over a long run on SQLite and PostgreSQL; the table goes into BENCHMARKS.md between the "soak" markers.
# See Benchmarks/soak_bench.py for what is measured.
#   Benchmarks/run-soak.sh [postgres-url]   (default: a private cluster from scripts/postgres-cluster.sh)
# Environment: SWITCHBOARD_BENCH_SCRATCH (see bench-build.sh) and the SOAK_* sizes in soak_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }
bin=$(Benchmarks/bench-build.sh)
work=$(mktemp -d /tmp/switchboard-soak.XXXXXX)
cluster=""
cleanup() {
  if [ -n "$cluster" ]; then scripts/postgres-cluster.sh stop "$cluster"; rm -rf "$cluster"; fi
  rm -rf "$work"
}
trap cleanup EXIT
pg_url=${1:-}
if [ -z "$pg_url" ]; then
  cluster=$(mktemp -d /tmp/switchboard-bench-pg.XXXXXX)
  pg_url=$(PG_DURABLE=1 scripts/postgres-cluster.sh start "$cluster" "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')")
fi
python3 Benchmarks/soak_bench.py "$bin/switchboard" "$work" BENCHMARKS.md "$pg_url"
