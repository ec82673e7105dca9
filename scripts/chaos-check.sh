#!/usr/bin/env bash
# Chaos under a steady load of sends and signed inbound webhooks: the emulator turns slow, failing and flapping;
# `serve` is SIGKILLed at seeded moments and restarted; PostgreSQL is restarted under it, or (SQLite) its disk fills
# up. Then: every acknowledged inbound message is stored once, every accepted send is delivered or failed with a
# reason (duplicates at the emulator counted), no lease is stuck, and /health/ready came back within seconds of each
# blow. The phases and checks are described in scripts/chaos_check.py.
#   scripts/chaos-check.sh <binary> [postgres-url] [options]
# Without a URL: the SQLite run, whose data directory is a tmpfs of CHAOS_DISK_MB (256) so the disk can be filled
# (the disk-full phase is skipped, saying why, where mounting is not permitted), then the PostgreSQL run if
# PostgreSQL is installed (CHAOS_POSTGRES=0 leaves it out). With a URL: the PostgreSQL run alone. Either way the
# PostgreSQL run uses a private cluster started here with scripts/postgres-cluster.sh (installed from Debian's
# packages when missing): restarting it under load needs a server nobody else uses.
# Sizes, as options or environment: --rate / CHAOS_RATE (6 sends and 6 inbound deliveries a second),
# --phase-seconds / CHAOS_PHASE_SECONDS (8), --kills / CHAOS_KILLS (3), --pg-restarts / CHAOS_PG_RESTARTS (2),
# --seed / CHAOS_SEED (random, printed: the same seed repeats the schedule), --clients / CHAOS_CLIENTS (16); also
# CHAOS_PG_DOWN (2.5 s at most), CHAOS_LATENCY_MS (400), CHAOS_READY_LIMIT (10 s), CHAOS_SETTLE_TIMEOUT (100 s),
# CHAOS_MAX_DUPLICATES (-1: counted, no limit), CHAOS_DISK_FULL=0 (skip that phase), CHAOS_KEEP=1 (keep the logs),
# CHAOS_PHASES (run only these, in this order), CHAOS_KNOWN_FAILURES (check ids reported as KNOWN, not counted),
# CHAOS_HOLD_ON_FAILURE (seconds to keep the processes up after a failed check), CHAOS_LOG_LEVEL (the server's).
# The defaults take about 2 minutes per run. A larger one, e.g.:
#   CHAOS_RATE=25 CHAOS_PHASE_SECONDS=20 CHAOS_KILLS=8 CHAOS_PG_RESTARTS=5 scripts/chaos-check.sh .build/debug/switchboard
# Prints one line per check and a closing "chaos-check: N passed, N failed"; exits 1 if a check failed, 2 if the run
# could not be set up.
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 <switchboard binary> [postgres-url] [options]" >&2; exit 2; fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "chaos-check: no executable at $1" >&2; exit 2; }
shift
url=""
if [ $# -ge 1 ] && [[ "$1" != --* ]]; then url=$1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
for tool in python3 sqlite3 psql; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 sqlite3 postgresql-client >/dev/null; }
done

work=$(mktemp -d /tmp/switchboard-chaos.XXXXXX)
driver=""; cluster=""; mounted=""; status=0
cleanup() {
  if [ -n "$driver" ]; then kill "$driver" 2>/dev/null; wait "$driver" 2>/dev/null; fi
  # Whatever a driver started and did not stop (it records each pid as it starts it).
  for pids in "$work"/*/pids; do
    [ -f "$pids" ] || continue
    while read -r pid; do
      # Only if that pid is still our binary (not a pid the kernel has since given to someone else).
      case "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" in "$bin "*) kill -KILL "$pid" 2>/dev/null ;; esac
    done <"$pids"
  done
  if [ -n "$cluster" ]; then "$here/postgres-cluster.sh" stop "$cluster"; rm -rf "$cluster"; fi
  if [ -n "$mounted" ]; then
    # The database goes with the tmpfs: keep a copy when it will be looked at.
    if [ "${CHAOS_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then mkdir -p "$mounted.copy" && cp -a "$mounted"/switchboard.sqlite* "$mounted.copy"/ 2>/dev/null; fi
    umount "$mounted" 2>/dev/null || umount -l "$mounted"
  fi
  if [ "${CHAOS_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then echo "chaos-check: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'status=130; exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs the driver for one backend in its own directory; keeps the worst exit status (1 over 2 over 0).
drive() {
  python3 -u "$here/chaos_check.py" "$bin" "$@" &
  driver=$!
  wait "$driver"
  local rc=$?
  driver=""
  if [ $rc -eq 1 ] || { [ $rc -ne 0 ] && [ $status -eq 0 ]; }; then status=$rc; fi
}

backends=sqlite
if [ -n "$url" ]; then
  backends=postgresql
  echo "chaos-check: PostgreSQL run; its restarts need a server this check controls, so it runs on a private cluster, not on the given URL's"
elif [ "${CHAOS_POSTGRES:-1}" != 0 ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then backends="sqlite postgresql"
  else echo "chaos-check: PostgreSQL is not installed: the PostgreSQL run is left out (give a URL to install and run it)"; fi
fi

for backend in $backends; do
  dir="$work/$backend"
  mkdir -p "$dir"
  if [ "$backend" = sqlite ]; then
    disk="skip:CHAOS_DISK_FULL=0"
    mkdir -p "$dir/data"
    if [ "${CHAOS_DISK_FULL:-1}" != 0 ]; then
      if why=$(mount -t tmpfs -o "size=${CHAOS_DISK_MB:-256}m,mode=0700" tmpfs "$dir/data" 2>&1); then
        mounted="$dir/data"; disk=tmpfs
      else
        disk="skip:mounting a tmpfs for the data directory is not permitted here ($(echo "$why" | tr -s '\n ' '  ' | sed 's/ *$//'))"
      fi
    fi
    drive "$dir" sqlite --disk "$disk" "$@"
    if [ -n "$mounted" ]; then
      [ "${CHAOS_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ] && { mkdir -p "$mounted.copy"; cp -a "$mounted"/switchboard.sqlite* "$mounted.copy"/ 2>/dev/null; }
      umount "$mounted" 2>/dev/null || umount -l "$mounted"
      mounted=""
    fi
  else
    # Its own directory under /tmp: the postgres user cannot reach into $work (mode 0700).
    cluster=$(mktemp -d /tmp/switchboard-chaos-pg.XXXXXX)
    port=$(free_port)
    if ! pg_url=$("$here/postgres-cluster.sh" start "$cluster" "$port"); then
      echo "chaos-check: SETUP FAILED: could not start a private PostgreSQL cluster"; cat "$cluster/server.log" 2>/dev/null | tail -20
      [ $status -eq 0 ] && status=2
      continue
    fi
    drive "$dir" postgresql --url "$pg_url" --cluster "$cluster" --cluster-port "$port" "$@"
    "$here/postgres-cluster.sh" stop "$cluster"; rm -rf "$cluster"; cluster=""
  fi
done
echo "chaos-check: done ($backends), exit $status"
exit $status
