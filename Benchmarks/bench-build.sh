#!/usr/bin/env bash
# Builds the release `switchboard` and `WebhookLoad` for the benchmarks and prints the directory holding them.
# SWITCHBOARD_BENCH_SCRATCH: the build directory (default .build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SWITCHBOARD_BENCH_SCRATCH:-.build-bench}
for product in switchboard WebhookLoad; do
  swift build -c release --scratch-path "$scratch" --product "$product" >&2
done
swift build -c release --scratch-path "$scratch" --show-bin-path
