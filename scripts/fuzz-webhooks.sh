#!/usr/bin/env bash
# Fuzzes the webhook entry points of WhatsAppCloud (payload decoding and round trip, X-Hub-Signature-256
# verification, the verification handshake) with libFuzzer.
#
#   scripts/fuzz-webhooks.sh [SECONDS]      (default 60)
#
# Environment:
#   FUZZ_CONFIG=release|debug   build configuration (default release)
#   FUZZ_JOBS=N                 swift build -j N (default: SwiftPM's own choice)
#   FUZZ_ARGS="..."             extra libFuzzer flags (for example -max_len=8192)
#   FUZZ_BINARY=path            fuzz this prebuilt binary instead of building
#
# Layout (all git-ignored through Fuzz/.gitignore and the .build-*/ pattern):
#   .build-fuzz/            SwiftPM scratch folder of the instrumented build
#   Fuzz/corpus/seed/       regenerated from Tests/WhatsAppFixtures/Fixtures on every run
#   Fuzz/corpus/work/       what libFuzzer finds; kept between runs, so coverage accumulates
#   Fuzz/webhook.dict       libFuzzer dictionary, regenerated with the seeds
#   Fuzz/artifacts/         crash-*, timeout-*, oom-* inputs; replay one with
#                           .build-fuzz/<config>/WebhookFuzzer Fuzz/artifacts/crash-...
#
# Exit status: 0 when the run ended without a crash, 1 when libFuzzer saved a crash/timeout/oom input
# during this run, 2 when the build or the setup failed.
set -euo pipefail

seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="${FUZZ_CONFIG:-release}"
scratch=".build-fuzz"
fixtures="Tests/WhatsAppFixtures/Fixtures"
seed="Fuzz/corpus/seed"
work="Fuzz/corpus/work"
artifacts="Fuzz/artifacts"
dict="Fuzz/webhook.dict"

if [[ -n "${FUZZ_BINARY:-}" ]]; then
    binary="$FUZZ_BINARY"
    echo "== using prebuilt $binary (FUZZ_BINARY)"
else
    echo "== building WebhookFuzzer ($config, --sanitize=fuzzer, scratch $scratch)"
    build=(swift build --product WebhookFuzzer --sanitize=fuzzer -c "$config" --scratch-path "$scratch")
    [[ -n "${FUZZ_JOBS:-}" ]] && build+=(-j "$FUZZ_JOBS")
    if ! SWITCHBOARD_FUZZ=1 "${build[@]}"; then
        echo "build failed" >&2
        exit 2
    fi
    binary="$scratch/$config/WebhookFuzzer"
fi
[[ -x "$binary" ]] || { echo "no fuzzer binary at $binary" >&2; exit 2; }

echo "== seed corpus from $fixtures"
python3 Fuzz/make_corpus.py "$fixtures" "$seed" "$dict" || exit 2
mkdir -p "$work" "$artifacts"

log="$(mktemp "${TMPDIR:-/tmp}/fuzz-webhooks.XXXXXX.log")"
marker="$(mktemp "${TMPDIR:-/tmp}/fuzz-webhooks.XXXXXX.start")"
echo "== fuzzing for ${seconds}s (log: $log)"
started=$SECONDS
set +e
# The Swift runtime's backtracer would take the crash signal before libFuzzer, which then saves no input.
export SWIFT_BACKTRACE=enable=no
# shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
"$binary" "$work" "$seed" \
    -max_total_time="$seconds" -print_final_stats=1 -dict="$dict" \
    -artifact_prefix="$artifacts/" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    ${FUZZ_ARGS:-} >"$log" 2>&1
status=$?
set -e
elapsed=$((SECONDS - started))

stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
executions="$(stat number_of_executed_units)"
per_second="$(stat average_exec_per_sec)"
new_units="$(stat new_units_added)"
peak_rss="$(stat peak_rss_mb)"
final="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
coverage="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$final")"
corpus="$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$final")"
mapfile -t crashes < <(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) -newer "$marker" | sort)
rm -f "$marker"

# libFuzzer adds a file for every reduced or new unit and deletes none: keep only a minimal covering set.
if ((status == 0 && ${#crashes[@]} == 0)); then
    rm -rf "$work.merged" && mkdir -p "$work.merged"
    if "$binary" -merge=1 -dict="$dict" "$work.merged" "$work" >"$log.merge" 2>&1; then
        rm -rf "$work" && mv "$work.merged" "$work"
    else
        rm -rf "$work.merged"
    fi
    rm -f "$log.merge"
fi

echo "== result"
echo "seconds:          ${elapsed} (asked for $seconds)"
echo "executions:       ${executions:-?}"
echo "execs/s:          ${per_second:-?}"
echo "coverage (edges): ${coverage:-?}"
echo "corpus in memory: ${corpus:-?} (units/bytes)"
echo "corpus on disk:   $(find "$work" -type f | wc -l) files in $work (+$(find "$seed" -type f | wc -l) seeds)"
echo "new units:        ${new_units:-?}"
echo "peak RSS (MB):    ${peak_rss:-?}"
echo "libFuzzer exit:   $status"
if ((${#crashes[@]} > 0)) || { ((status != 0)) && grep -qE '^==[0-9]+== ERROR: libFuzzer|^SUMMARY: libFuzzer' "$log"; }; then
    echo "crashes:"
    for file in "${crashes[@]}"; do echo "  $file ($(wc -c <"$file") bytes)"; done
    grep -E 'WebhookFuzzer:|Fatal error|ERROR: libFuzzer|SUMMARY' "$log" | head -20 | sed 's/^/  /'
    echo "replay: $binary <crash file>"
    exit 1
fi
if ((status != 0)); then
    echo "libFuzzer failed without a crash; last lines of $log:" >&2
    tail -20 "$log" >&2
    exit 2
fi
echo "crashes:          none"
rm -f "$log"
