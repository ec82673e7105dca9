#!/usr/bin/env bash
# Two Switchboard processes on one PostgreSQL database dispatch one queue together: `serve` with 2 dispatch lanes and
# `worker --lanes 2`, one emulator. 1,000 template sends over 5 sandbox accounts paced at 20 messages per second,
# queued while the accounts are paused and then released together, so both processes meet the whole backlog; checks
# from the emulator's sent logs that no message went out twice, that each account's pacing held across both
# processes (most sends accepted in any 1,000 ms <= its rate), and that both processes sent (A's /metrics, B the rest).
#   scripts/two-process-check.sh <binary> [postgres-url]
# With a URL it works in a new database sb_two_<random> there (dropped after); if the URL's role may not create
# databases, in the given database itself provided it holds no Switchboard schema yet (reverted after). Without a
# URL it starts a private cluster with scripts/postgres-cluster.sh and stops it after.
# Prints its counts and one summary line "two-process-check: ..."; exits 1 on a violation, 2 if it could not run.
# Knobs (environment): TWO_SENDS (1000), TWO_ACCOUNTS (5), TWO_RATE (20), TWO_CLIENTS (32), TWO_KEEP=1 keeps the logs.
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 <switchboard binary> [postgres-url]" >&2; exit 2; fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "two-process-check: no executable at $1" >&2; exit 2; }
url=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
for tool in python3 psql; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 postgresql-client >/dev/null; }
done

work=$(mktemp -d /tmp/switchboard-two.XXXXXX)
driver=""; cluster=""
cleanup() {
  if [ -n "$driver" ]; then kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null; fi
  # Whatever the driver started and did not stop (it records each pid as it starts it).
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      # Only if that pid is still our binary (not a pid the kernel has since given to someone else).
      case "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" in "$bin "*) kill -KILL "$pid" 2>/dev/null ;; esac
    done <"$work/pids"
  fi
  if [ -n "$cluster" ]; then "$here/postgres-cluster.sh" stop "$cluster"; rm -rf "$cluster"; fi
  if [ "${TWO_KEEP:-0}" = 1 ] || [ "${status:-1}" -ne 0 ]; then echo "two-process-check: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$url" ]; then
  cluster=$(mktemp -d /tmp/switchboard-two-pg.XXXXXX)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url=$("$here/postgres-cluster.sh" start "$cluster" "$port") || { echo "two-process-check: could not start PostgreSQL"; exit 2; }
fi

python3 -u "$here/two_process_check.py" "$bin" "$url" "$work" &
driver=$!
wait "$driver"
status=$?
driver=""
exit $status
