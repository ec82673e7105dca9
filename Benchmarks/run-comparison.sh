#!/usr/bin/env bash
# Switchboard side by side with a reference built the way a Python team would build it with pywa, in one run, on
# SQLite and on PostgreSQL; the table goes into BENCHMARKS.md between the "comparison" markers.
#   Benchmarks/run-comparison.sh [postgres-url]   (default: a private cluster from scripts/postgres-cluster.sh; with a
#                                                  URL, fresh databases are created there and dropped after)
# Inbound: the same `WebhookLoad fire` load as Benchmarks/run-inbound.sh, against Switchboard `serve` and against
#   Benchmarks/comparison/pywa_receiver.py (pywa + FastAPI + uvicorn, one worker and two), in the same SQLite file or
#   PostgreSQL database. The settings (account, app secret, phone number id, concurrency, duration, warm-up) and the
#   functions wait_idle, measure and run_switchboard are read from run-inbound.sh when this script starts, so the
#   two cannot drift apart; cpu_snapshot and sample_rss are replaced by versions that count a server's worker
#   processes with it (uvicorn --workers 2).
# Sending: Benchmarks/comparison/send_compare.py (pywa's async client against Switchboard's API and outbox, to one
#   stand-alone emulator).
# Environment: COMPARISON_BIN (a directory holding release builds of switchboard and WebhookLoad; default: built by
# Benchmarks/bench-build.sh), COMPARISON_VENV (the reference's venv, default /tmp/switchboard-comparison-venv,
# installed from Benchmarks/comparison/requirements.txt when missing or different), COMPARISON_SENDS (8000),
# COMPARISON_SEND_RATE (1000), run-inbound.sh's INBOUND_* and outbound_bench.py's OUTBOUND_CLIENTS,
# OUTBOUND_MAX_OTHER and OUTBOUND_IDLE_WAIT.
set -euo pipefail
cd "$(dirname "$0")/.."
here=Benchmarks/comparison
inbound=Benchmarks/run-inbound.sh

for tool in sqlite3 psql; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 postgresql-client; }
done
bin=${COMPARISON_BIN:-$(Benchmarks/bench-build.sh)}
for tool in switchboard WebhookLoad; do
  [ -x "$bin/$tool" ] || { echo "run-comparison: no $bin/$tool" >&2; exit 2; }
done

venv=${COMPARISON_VENV:-/tmp/switchboard-comparison-venv}
if ! cmp -s "$here/requirements.txt" "$venv/installed-requirements.txt" 2>/dev/null; then
  echo "installing the reference (pywa, FastAPI, uvicorn, psycopg) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/installed-requirements.txt"
fi

# run-inbound.sh's settings and functions (see above).
eval "$(grep -E '^(concurrency|duration|warmup|phone_number_id|business_account_id|app_secret)=' "$inbound")"
for name in wait_idle measure run_switchboard; do
  body=$(awk -v name="$name" 'index($0, name "() {") == 1 {on = 1} on {print} on && /^}/ {exit}' "$inbound")
  [ -n "$body" ] || { echo "run-comparison: $inbound no longer defines $name()" >&2; exit 2; }
  eval "$body"
done
: "${phone_number_id:?} ${business_account_id:?} ${app_secret:?} ${concurrency:?} ${duration:?} ${warmup:?}"
cpu_snapshot() { python3 "$here/procstat.py" snapshot "$server"; }
sample_rss() {   # the server and its worker processes, KiB, every 0.5 s
  while [ -r "/proc/$server/status" ]; do
    ps -o rss= -p "$server" --ppid "$server" 2>/dev/null | awk '{kib += $1} END {print kib + 0}'
    sleep 0.5
  done >"$1"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/switchboard-comparison.XXXXXX)
server=""; cluster=""; databases=()  # set below
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  for db in "${databases[@]}"; do psql "$base_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  if [ -n "$cluster" ]; then scripts/postgres-cluster.sh stop "$cluster"; rm -rf "$cluster"; fi
  rm -rf "$work"
}
trap cleanup EXIT

base_url=${1:-}
if [ -z "$base_url" ]; then
  cluster=$(mktemp -d /tmp/switchboard-bench-pg.XXXXXX)
  base_url=$(PG_DURABLE=1 scripts/postgres-cluster.sh start "$cluster" "$(free_port)")
fi
# Fresh databases on $base_url, dropped on exit: one for the inbound runs (Switchboard's and the reference's), one
# for sending.
databases=("switchboard_compare_in_$$" "switchboard_compare_out_$$")
for db in "${databases[@]}"; do psql "$base_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db" >/dev/null; done
database_url() { python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$base_url" "$1"; }
inbound_url=$(database_url "${databases[0]}")
sending_url=$(database_url "${databases[1]}")

# The reference receiver on $database ($3: the SQLite file or the PostgreSQL URL Switchboard used), with $2 uvicorn
# workers, measured by run-inbound.sh's measure(); then what its tables hold.
run_reference() {
  local label=$1 workers=$2 database=$3 port; port=$(free_port)
  local envs=(REFERENCE_DATABASE="$database" REFERENCE_APP_SECRET="$app_secret" REFERENCE_PHONE_ID="$phone_number_id")
  local args=(); [ "$workers" -gt 1 ] && args=(--workers "$workers")
  env "${envs[@]}" "$venv/bin/python" "$here/pywa_receiver.py" reset
  env "${envs[@]}" "$venv/bin/uvicorn" pywa_receiver:app --app-dir "$here" --host 127.0.0.1 --port "$port" \
    --no-access-log --log-level warning "${args[@]}" >"$work/$label.log" 2>&1 & server=$!
  local ready=""
  for _ in $(seq 1 300); do
    ready=$(curl -s "http://127.0.0.1:$port/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=reference-verify-token&hub.challenge=7" || true)
    [ "$ready" = 7 ] && break; sleep 0.1
  done
  [ "$ready" = 7 ] || { echo "the reference did not start on $label"; cat "$work/$label.log"; exit 1; }
  measure "$label" "$port"
  env "${envs[@]}" "$venv/bin/python" "$here/pywa_receiver.py" count >"$work/$label.db.json"
  python3 -c 'import json, sys; print("  {}: database holds {deliveries} deliveries, {messages} inbound messages, {contacts} contacts, {conversations} conversations, {unread} unread".format(sys.argv[2], **json.load(open(sys.argv[1]))))' "$work/$label.db.json" "$label"
  if grep -q "Traceback" "$work/$label.log"; then echo "  $label: the reference logged errors:"; tail -n 20 "$work/$label.log"; fi
}

echo "Inbound, SQLite: Switchboard"
run_switchboard sqlite ""
echo "Inbound, SQLite: pywa reference, 1 uvicorn worker (same file)"
run_reference pywa-sqlite-1 1 "$work/sqlite-data/switchboard.sqlite"
echo "Inbound, SQLite: pywa reference, 2 uvicorn workers (same file)"
run_reference pywa-sqlite-2 2 "$work/sqlite-data/switchboard.sqlite"
echo "Inbound, PostgreSQL: Switchboard"
run_switchboard postgres "$inbound_url"
echo "Inbound, PostgreSQL: pywa reference, 1 uvicorn worker (same database)"
run_reference pywa-postgres-1 1 "$inbound_url"
echo "Inbound, PostgreSQL: pywa reference, 2 uvicorn workers (same database)"
run_reference pywa-postgres-2 2 "$inbound_url"

echo "Sending: pywa's async client, then Switchboard on SQLite and PostgreSQL, to one emulator"
python3 "$here/send_compare.py" "$bin/switchboard" "$work" "$work/sending.json" "$venv/bin/python" "$sending_url"

"$venv/bin/pip" freeze 2>/dev/null | grep -iE '^(pywa|fastapi|starlette|uvicorn|uvloop|httptools|httpx|psycopg|psycopg-binary|psycopg-pool|anyio)==' >"$work/versions.txt"
python3 "$here/comparison_table.py" "$work" BENCHMARKS.md "$concurrency" "$duration" "$warmup" "${1:+a given server}"
echo "BENCHMARKS.md updated"
