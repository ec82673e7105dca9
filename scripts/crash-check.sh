#!/usr/bin/env bash
# Crash safety on SQLite (the default): SIGKILL `serve` while 1,000 sends and 1,000 signed inbound webhooks are in
# flight, restart it on the same data directory, and check that every acknowledged webhook is stored once, every
# accepted send is delivered, no outbox row is left, and that the emulator (its own process, so it outlives the
# kill) saw at most 10 sends twice (the window between the provider's answer and our commit).
#   scripts/crash-check.sh <binary>          e.g. scripts/crash-check.sh .build/debug/switchboard
# Prints its counts and one summary line "crash-check: ..."; exits 1 on a violation, 2 if it could not run.
# The kill lands once 40% of the requests are acknowledged and a dispatcher holds a claimed batch (so sends are in
# flight at the provider). Knobs (environment): CRASH_SENDS, CRASH_INBOUND (1000 each), CRASH_CLIENTS (32),
# CRASH_KILL_AT (0.4), CRASH_LEASE_WAIT (5 s to wait for a claimed batch; 0 kills at once), CRASH_MAX_DUPLICATES (10),
# CRASH_KEEP=1 keeps the work directory (logs, database; it is always kept when the check fails).
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 <switchboard binary>" >&2; exit 2; fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "crash-check: no executable at $1" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null; }

work=$(mktemp -d /tmp/switchboard-crash.XXXXXX)
driver=""
cleanup() {
  if [ -n "$driver" ]; then kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null; fi
  # Whatever the driver started and did not stop (it records each pid as it starts it).
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      # Only if that pid is still our binary (not a pid the kernel has since given to someone else).
      case "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" in "$bin "*) kill -KILL "$pid" 2>/dev/null ;; esac
    done <"$work/pids"
  fi
  if [ "${CRASH_KEEP:-0}" = 1 ] || [ "${status:-1}" -ne 0 ]; then echo "crash-check: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 -u "$here/crash_check.py" "$bin" "$work" &
driver=$!
wait "$driver"
status=$?
driver=""
exit $status
