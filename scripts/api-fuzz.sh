#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI, kept in a venv under /tmp) against `serve` on a fresh SQLite directory, with an
# owner key of the demo workspace, on every operation of /openapi.json: examples, coverage, fuzzing and the stateful
# phase (which follows the document's links, e.g. create an account, then read, change and delete it). Checks: no
# 5xx, every status code documented, every response body as documented. The server must still be up at the end.
# The run is in a network namespace of its own with only loopback: generated webhook, Evolution and provider URLs
# name arbitrary hosts, and the server must not reach out to them.
#   scripts/api-fuzz.sh <binary>          e.g. scripts/api-fuzz.sh .build/debug/switchboard
# Prints schemathesis' report and one summary line "api-fuzz: N cases generated, ...". Exits 1 on any failure,
# 2 if it could not run. Knobs (environment): API_FUZZ_EXAMPLES (cases per operation and phase, 200),
# API_FUZZ_SCENARIOS (stateful scenarios, at most 600), API_FUZZ_STEPS (calls per scenario, 15), API_FUZZ_SEED (fixed, so CI
# is repeatable; set another to explore), API_FUZZ_KEEP=1 keeps the work directory.
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 <switchboard binary>" >&2; exit 2; fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "api-fuzz: no executable at $1" >&2; exit 2; }
examples=${API_FUZZ_EXAMPLES:-200}
seed=${API_FUZZ_SEED:-20261123}
schemathesis_version=4.32.5
venv=/tmp/switchboard-schemathesis-$schemathesis_version

if ! "$venv/bin/st" --version >/dev/null 2>&1; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    python3 -m venv "$venv" || { echo "api-fuzz: could not make a Python venv" >&2; exit 2; }
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" \
    || { rm -rf "$venv"; echo "api-fuzz: could not install schemathesis" >&2; exit 2; }
fi

if [ "${2:-}" != --in-namespace ]; then
  command -v ip >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null; }
  unshare --net true || { echo "api-fuzz: could not make a network namespace" >&2; exit 2; }
  exec unshare --net -- bash "$0" "$bin" --in-namespace
fi
ip link set lo up || { echo "api-fuzz: could not bring up loopback in the namespace" >&2; exit 2; }

work=$(mktemp -d /tmp/switchboard-api-fuzz.XXXXXX)
server=""
status=2
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  if [ "${API_FUZZ_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then echo "api-fuzz: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports for the API and the built-in emulator (its default, 8090, may be taken).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port); emulator_port=$(free_port)
export SWITCHBOARD_DATA_DIR="$work/data" SWITCHBOARD_SANDBOX_URL="http://127.0.0.1:$emulator_port" HOST=127.0.0.1 PORT=$port
unset DATABASE_URL SWITCHBOARD_MASTER_KEY SWITCHBOARD_PREVIOUS_MASTER_KEYS SWITCHBOARD_SANDBOX
base="http://127.0.0.1:$port"

"$bin" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -sf "$base/health/ready" >/dev/null && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
if ! curl -sf "$base/health/ready" >/dev/null; then echo "api-fuzz: serve did not become ready"; tail -20 "$work/serve.log"; exit 2; fi
key=$("$bin" create-api-key --workspace demo --role owner --name api-fuzz 2>/dev/null | tail -n 1)
[[ "$key" == sb_* ]] || { echo "api-fuzz: create-api-key printed no key"; exit 2; }

# Something for every id to point at, so the list links lead on to real objects: inbound conversations (through the
# emulator, to the demo number), a webhook endpoint on loopback with deliveries of those events, and a sent message.
seed() { curl -sf -o /dev/null -X POST "$@" -H "Content-Type: application/json"; }
for user in 15551230001 15551230002; do
  seed "$SWITCHBOARD_SANDBOX_URL/sandbox/inbound" \
    -d "{\"phoneNumberId\":\"100000000000001\",\"from\":\"$user\",\"profileName\":\"Fuzz $user\",\"type\":\"text\",\"text\":{\"body\":\"hello\"}}" \
    || { echo "api-fuzz: the emulator did not deliver an inbound message"; exit 2; }
done
seed "$base/api/v1/webhook-endpoints" -H "Authorization: Bearer $key" -d '{"url":"http://localhost:9/hook","eventKinds":["*"]}' \
  || { echo "api-fuzz: could not create a webhook endpoint"; exit 2; }
seed "$base/api/v1/messages" -H "Authorization: Bearer $key" -d '{"to":"+15551230001","type":"text","text":{"body":"hi"}}' \
  || { echo "api-fuzz: could not send a message"; exit 2; }

# The stateful phase gets more scenarios and longer chains than -n gives it: it is what reaches an id's operations.
cat >"$work/schemathesis.toml" <<EOF
[phases.stateful]
max-steps = ${API_FUZZ_STEPS:-15}
[phases.stateful.generation]
max-examples = ${API_FUZZ_SCENARIOS:-600}
EOF

started=$(date +%s)
(cd "$work" && "$venv/bin/st" --config-file "$work/schemathesis.toml" run "$base/openapi.json" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" --seed "$seed" --workers 2 --generation-database none \
  --request-timeout 30 --no-color --report json --report-json-path "$work/report.json")
st_exit=$?
elapsed=$(( $(date +%s) - started ))

alive=yes
kill -0 "$server" 2>/dev/null || alive=no
read -r generated failing unique < <(python3 -c '
import json, sys
cases = json.load(open(sys.argv[1]))["test_cases"]
print(cases["generated"], cases["with_failures"], cases["unique_failures"])' "$work/report.json" 2>/dev/null || echo "0 0 0")
echo "api-fuzz: $generated cases generated, $failing with failures ($unique unique), schemathesis exit $st_exit, server up at the end: $alive, ${elapsed}s"
if [ "$alive" = no ]; then tail -20 "$work/serve.log"; fi
if [ "$st_exit" -eq 0 ] && [ "$alive" = yes ] && [ "$generated" -gt 0 ]; then status=0; else status=1; fi
exit $status
