#!/usr/bin/env bash
# Outbound messages per second through the outbox to the emulator, on one account and across 100, on SQLite and on
# PostgreSQL, against the emulator's own ceiling, all in one run; pacing checked per account in every 1,000 ms window;
# written into BENCHMARKS.md between the "outbound" markers. See Benchmarks/outbound_bench.py for what is measured.
#   Benchmarks/run-outbound.sh [postgres-url]   (default: a private cluster from scripts/postgres-cluster.sh)
# Environment: SWITCHBOARD_BENCH_SCRATCH (see bench-build.sh) and the OUTBOUND_* sizes in outbound_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }
bin=$(Benchmarks/bench-build.sh)

work=$(mktemp -d /tmp/switchboard-outbound.XXXXXX)
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
python3 Benchmarks/outbound_bench.py "$bin/switchboard" "$bin/WebhookLoad" "$work" "$work/outbound.json" "$pg_url"
python3 Benchmarks/outbound_table.py "$work/outbound.json" BENCHMARKS.md
