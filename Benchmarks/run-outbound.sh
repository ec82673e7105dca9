#!/usr/bin/env bash
# Outbound messages per second through the outbox to the emulator, on one account and across 100, on SQLite and on
# PostgreSQL, against the emulator's own ceiling, all in one run; pacing checked per account in every 1,000 ms window;
# written into BENCHMARKS.md between the "outbound" markers. See Benchmarks/outbound_bench.py for what is measured.
#   Benchmarks/run-outbound.sh [postgres-url]   (default: a private cluster from scripts/postgres-cluster.sh)
# Environment: SWITCHBOARD_BENCH_SCRATCH (see bench-build.sh) and the OUTBOUND_* sizes in outbound_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/bench-setup.sh outbound "$@"
python3 Benchmarks/outbound_bench.py "$bin/switchboard" "$bin/WebhookLoad" "$work" "$work/outbound.json" "$pg_url"
python3 Benchmarks/outbound_table.py "$work/outbound.json" BENCHMARKS.md
