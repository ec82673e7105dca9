# Sourced by the run-*.sh benchmarks: installs the psql client when missing, builds the release binaries ($bin),
# makes a work directory ($work) and sets $pg_url to the given PostgreSQL URL ($1) or to a private durable cluster
# started here; all of it is removed on exit.
#   . Benchmarks/bench-setup.sh NAME "$@"
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }
bin=$(Benchmarks/bench-build.sh)
work=$(mktemp -d "/tmp/switchboard-$1.XXXXXX")
cluster=""
cleanup() {
  if [ -n "$cluster" ]; then scripts/postgres-cluster.sh stop "$cluster"; rm -rf "$cluster"; fi
  rm -rf "$work"
}
trap cleanup EXIT
pg_url=${2:-}
if [ -z "$pg_url" ]; then
  cluster=$(mktemp -d /tmp/switchboard-bench-pg.XXXXXX)
  pg_url=$(PG_DURABLE=1 scripts/postgres-cluster.sh start "$cluster" "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')")
fi
