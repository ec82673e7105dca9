#!/usr/bin/env bash
# Memory over a long run on SQLite and PostgreSQL; the table goes into BENCHMARKS.md between the "soak" markers.
# See Benchmarks/soak_bench.py for what is measured.
#   Benchmarks/run-soak.sh [postgres-url]   (default: a private cluster from scripts/postgres-cluster.sh)
# Environment: SWITCHBOARD_BENCH_SCRATCH (see bench-build.sh) and the SOAK_* sizes in soak_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/bench-setup.sh soak "$@"
python3 Benchmarks/soak_bench.py "$bin/switchboard" "$work" BENCHMARKS.md "$pg_url"
