#!/usr/bin/env bash
# Drives pywa (installed from PyPI into a throwaway venv) against the sandbox and exits with pytest's code.
#   scripts/pywa-check.sh <binary> [subcommand args...]
# e.g. scripts/pywa-check.sh .build/debug/switchboard sandbox
#      scripts/pywa-check.sh /work/sandbox-dev/.build/debug/sandbox-dev
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 <binary> [sandbox subcommand args...]" >&2
    exit 2
fi
binary=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
sandbox_pid=""
cleanup() {
    if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pywa pytest

# A free loopback port: bind to 0 and read what the kernel picked.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
phone_id=100000000000001
token=pywa-check-token
"$binary" "$@" --host 127.0.0.1 --port "$port" --number "$phone_id" --token "$token" --seed 7 > "$work/sandbox.log" 2>&1 &
sandbox_pid=$!

for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$port/sandbox/stats" > /dev/null; then break; fi
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
        echo "the sandbox exited early:" >&2
        cat "$work/sandbox.log" >&2
        exit 1
    fi
    sleep 0.1
done

set +e
SANDBOX_URL="http://127.0.0.1:$port" SANDBOX_PHONE_ID="$phone_id" SANDBOX_TOKEN="$token" \
    "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$here/pywa_emulator_test.py" > "$work/pytest.log" 2>&1
status=$?
set -e
cat "$work/pytest.log"
echo "pywa-check: $(tail -n 1 "$work/pytest.log")"
exit $status
