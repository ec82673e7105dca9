#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL cluster on 127.0.0.1 for tests and local runs.
#   scripts/postgres-cluster.sh start DIR PORT   prints the DATABASE_URL to use
#   scripts/postgres-cluster.sh stop DIR
# Tests run with fsync=off (nothing they store must outlive the machine); benchmarks set PG_DURABLE=1 so PostgreSQL
# flushes to disk the way it does in production.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?cluster directory}
port=${3:-54329}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ "$action" = stop ]; then
  [ -n "$bin" ] && [ -d "$dir/data" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi

if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

mkdir -p "$dir"
chown postgres:postgres "$dir"
if [ ! -d "$dir/data" ]; then
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
fi
fsync=off
[ "${PG_DURABLE:-0}" = 1 ] && fsync=on
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=$fsync" start >/dev/null
psql_cmd() { runuser -u postgres -- "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_cmd -c "SELECT 1 FROM pg_roles WHERE rolname='switchboard'")" != 1 ]; then
  psql_cmd -c "CREATE ROLE switchboard LOGIN CREATEDB PASSWORD 'switchboard'"
  psql_cmd -c "CREATE DATABASE switchboard OWNER switchboard"
fi
echo "postgres://switchboard:switchboard@127.0.0.1:$port/switchboard"
