#!/usr/bin/env bash
# Runs scripts/browser_test.py (Selenium + headless Chromium from Debian's packages) against a fresh server.
#   scripts/browser-check.sh .build/debug/switchboard [screenshot-dir]
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shots=${2:-$(mktemp -d /tmp/switchboard-shots.XXXXXX)}
mkdir -p "$shots"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/switchboard-browser.XXXXXX)
port=${BROWSER_PORT:-18081}
sandbox=http://127.0.0.1:18091

if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q selenium pytest >/dev/null || { echo "could not install selenium"; exit 1; }
fi

cd "$work"
SWITCHBOARD_SANDBOX_URL=$sandbox "$bin" serve --port "$port" --admin-email browser@example.com --admin-password 'browser test password' >serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.1; done

SWITCHBOARD_URL="http://127.0.0.1:$port" SWITCHBOARD_SANDBOX_URL=$sandbox SWITCHBOARD_EMAIL=browser@example.com SWITCHBOARD_PASSWORD='browser test password' \
  SCREENSHOT_DIR="$shots" "$work/venv/bin/python" -m pytest -q "$here/browser_test.py"
rc=$?
echo "screenshots: $shots"
exit $rc
