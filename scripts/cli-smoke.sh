#!/usr/bin/env bash
# Drives the built `switchboard` binary the way an operator would: bad configuration, first start,
# API keys from the CLI, key rotation, graceful shutdown on SIGTERM, migrate --revert.
# Prints one line per check and "N passed, N failed".
set -uo pipefail
bin=${1:-.build/debug/switchboard}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d /tmp/switchboard-smoke.XXXXXX)
port=${SMOKE_PORT:-18080}
passed=0; failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed+1)); else echo "FAIL $1"; failed=$((failed+1)); fi; }
cd "$work"

out=$(PORT=eighty "$bin" serve 2>&1); rc=$?
check "a wrong PORT exits 2 with one line naming it" '[ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "PORT"'
out=$(SWITCHBOARD_MASTER_KEY=c2VjcmV0 "$bin" serve 2>&1); rc=$?
check "a short master key exits 2 without echoing it" '[ $rc -eq 2 ] && ! echo "$out" | grep -q c2VjcmV0'

"$bin" serve --port "$port" --admin-email owner@example.com --admin-password 'a long admin password' >serve.log 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.1; done
check "serve answers /health/ready" 'curl -sf "http://127.0.0.1:$port/health/ready" | grep -q ready'
check "the key file is mode 0600" '[ "$(stat -c %a switchboard-data/master.key)" = 600 ]'
check "the first start reports the demo workspace" 'grep -q "Created the demo workspace and its owner owner@example.com" serve.log'
check "the given admin password is not printed" '! grep -q "a long admin password" serve.log'

key=$("$bin" create-api-key --workspace demo --role owner --name smoke 2>/dev/null | tail -n 1)
check "create-api-key prints a key" '[[ "$key" == sb_* ]]'
check "the key works against the running server" 'curl -sf "http://127.0.0.1:$port/api/v1/workspaces/current" -H "Authorization: Bearer $key" | grep -q "\"slug\":\"demo\""'
check "the key is not in the server log" '! grep -q "$key" serve.log'
accounts=$(curl -sf "http://127.0.0.1:$port/api/v1/whatsapp-accounts" -H "Authorization: Bearer $key")
check "the demo workspace has a default sandbox account" 'echo "$accounts" | grep -q "\"name\":\"Demo sandbox number\"" && echo "$accounts" | grep -q "\"isDefault\":true"'
demo_id=$(echo "$accounts" | sed -n 's/.*"id":"\([0-9A-F-]*\)".*/\1/p' | head -n 1)
verified=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/whatsapp-accounts/$demo_id/verify" -H "Authorization: Bearer $key")
check "verifying it asks the in-process emulator, which knows its token" 'echo "$verified" | grep -q "\"status\":\"active\""'
check "the emulator answers on 8090" 'curl -sf "http://127.0.0.1:8090/sandbox/stats" >/dev/null'
routes=$("$bin" routes 2>/dev/null)
check "routes lists the API" 'echo "$routes" | grep -q "/api/v1/members"'

out=$("$bin" rotate-key 2>&1); rc=$?
check "rotate-key adds a key and prints counts" '[ $rc -eq 0 ] && echo "$out" | grep -q "re-encrypted" && [ "$(wc -l < switchboard-data/master.key)" -eq 2 ]'

slow_start=$(date +%s%N)
kill -TERM "$server"; wait "$server"; rc=$?
elapsed_ms=$(( ($(date +%s%N) - slow_start) / 1000000 ))
check "SIGTERM shuts down cleanly (exit $rc in ${elapsed_ms} ms)" '[ $rc -eq 0 ] && grep -q "Shutting down" serve.log'

check "migrate --revert then migrate" '"$bin" migrate --revert >/dev/null 2>&1 && "$bin" migrate >/dev/null 2>&1'

rm -rf "$work"
echo "cli-smoke: $passed passed, $failed failed"
[ $failed -eq 0 ]
