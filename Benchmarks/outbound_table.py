"""Writes the outbound benchmark's JSON (from outbound_bench.py) into BENCHMARKS.md between the "outbound" markers.
Arguments: REPORT_JSON BENCHMARKS_MD."""

import datetime
import json
import os
import re
import sys


def machine() -> str:
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown CPU")
    with open("/proc/meminfo") as f:
        gib = int(f.readline().split()[1]) // (1024 * 1024)
    return f"{os.cpu_count()} cores, {gib} GiB, {model}, {datetime.date.today().isoformat()}"


def section(report: dict) -> str:
    ceiling, settings = report["ceiling"], report["settings"]
    rows = [f"| ceiling: `WebhookLoad send` straight to the emulator, {settings['concurrency']} in flight | – | – | "
            f"{ceiling['throughput']:,.0f} | 100% | – | – | – |"]
    notes = []
    for run in report["runs"]:
        target = 1000 if run["accounts"] == 1 else 2000
        rows.append(f"| Switchboard, {run['backend']}: {run['sends']:,} sends, {run['workload']} | {run['rate']:,}/s each | "
                    f"{run['accept_per_s']:,.0f} | {run['throughput']:,.0f} | {100 * run['throughput'] / ceiling['throughput']:.0f}% | "
                    f"{run['max_window']:,} | {'none' if not run['over_rate'] else len(run['over_rate'])} | {run['peak_mib']:.0f} |")
        verdict = "met" if run["throughput"] >= target else "missed"
        notes.append(f"- {run['backend']}, {run['workload']}: {run['throughput']:,.0f}/s against a target of {target:,}/s "
                     f"({verdict}); the emulator accepted the {run['sends']:,} sends over {run['span_s']:.2f} s, the outbox "
                     f"was empty {run['drain_s']:.2f} s after the restart began; queueing them through the API ran at "
                     f"{run['accept_per_s']:,.0f}/s (p50 {run['accept_p50_ms']:.1f} ms, p99 {run['accept_p99_ms']:.1f} ms, "
                     f"{settings['clients']} clients).")
    return f"""<!-- outbound:start -->
## Outbound: messages per second through the outbox

Machine: {machine()}. Command: `Benchmarks/run-outbound.sh`.

Each workload is queued first (`POST /api/v1/messages`, `hello_world` template sends, each to a new recipient, `serve`
with `SWITCHBOARD_DISPATCHERS=0`), then `serve` restarts with its default two dispatchers and drains the outbox into a
stand-alone emulator (`switchboard sandbox --instant`) over loopback. Its numbers have no callback URL, so no status
webhooks come back: this is the send path alone. sends/s is the number of sends over the time from the emulator's first
acceptance to its last (`acceptedAtMs`). "Most in 1 s" is the largest count of one account's sends the emulator
accepted in any 1,000 ms window; it must not exceed the account's rate. Pacing keeps a 4% margin by design (slots are
spaced (1 + 0.04) / rate apart so that a send up to 40 ms late still keeps every second within the rate), so one
account at 1,000/s is capped at about 961/s. Every run also checks that the emulator got each send exactly once and
that every message ended `sent` with an empty outbox. Peak RSS is the draining server's VmHWM. The ceiling is the
emulator alone, driven by the Swift load generator with {settings['concurrency']} requests in flight for
{settings['duration']:.0f} s: what the provider side absorbs on this machine.

| run | rate per account | queued/s | sends/s | % of ceiling | most in 1 s (one account) | over rate | peak RSS MiB |
|---|---:|---:|---:|---:|---:|:---:|---:|
{chr(10).join(rows)}

{chr(10).join(notes)}
<!-- outbound:end -->"""


def write_section(markdown_path: str, name: str, text: str) -> None:
    """Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->` (both included in `text`), or appends."""
    with open(markdown_path) as f:
        current = f.read()
    if f"<!-- {name}:start -->" in current:
        current = re.sub(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", lambda _: text, current, flags=re.S)
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    with open(markdown_path, "w") as f:
        f.write(current)
    print(text)


def main() -> None:
    report_path, markdown_path = sys.argv[1:3]
    with open(report_path) as f:
        write_section(markdown_path, "outbound", section(json.load(f)))


if __name__ == "__main__":
    main()
