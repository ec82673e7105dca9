"""Sending, side by side, for Benchmarks/run-comparison.sh; arguments: BINARY WORKDIR OUT_JSON VENV_PYTHON
[POSTGRES_URL] (a database of its own for this run).

One stand-alone emulator (`switchboard sandbox --instant`, numbers without a callback URL, so no status webhooks)
takes, in this order:
  - the reference: pywa_send.py (pywa's async client, in the venv) posts COMPARISON_SENDS `hello_world` template
    sends straight to it, CLIENTS in flight (outbound_bench.py's OUTBOUND_CLIENTS, 16), unpaced, nothing stored;
  - Switchboard on SQLite, then on PostgreSQL when a URL is given: `serve` with its default dispatchers running,
    one account paced at COMPARISON_SEND_RATE (1,000/s), the same number of sends posted to POST /api/v1/messages
    from CLIENTS threads (outbound_bench.queue) while the outbox drains to the emulator. Accept rate: sends / time
    until the last 202. End-to-end: sends / time from the first POST until the emulator accepted the last one. Then
    every message must be `sent` in the database, the outbox empty, no send twice, and no 1,000 ms window above
    the rate.
Each waits for the machine to be idle first (outbound_bench.wait_idle) and reports how much of the machine other
processes used meanwhile. Exits 1 when a check fails, 2 when the run could not be set up."""

import json
import os
import random
import subprocess
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
sys.path.insert(0, os.path.join(here, "..", "..", "scripts"))
import outbound_bench as ob  # noqa: E402
import sb_harness as h  # noqa: E402
from procstat import Window, ticks  # noqa: E402

SENDS = int(os.environ.get("COMPARISON_SENDS", 8000))
RATE = int(os.environ.get("COMPARISON_SEND_RATE", 1000))
CLIENTS = ob.CLIENTS  # the same number in flight on both sides
P = "sending"


def say(text: str) -> None:
    h.log(P, text)


def emulator_times(emulator: h.Http, phone: str) -> list[int]:
    _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
    if report["duplicateCallbackData"]:
        raise ob.Failed(f"{phone} was sent {len(report['duplicateCallbackData'])} message(s) twice")
    return [m["acceptedAtMs"] for m in report["messages"]]


def reference(emulator: h.Http, emu_url: str, venv_python: str, work: str, run_id: str) -> dict:
    phone, token = f"47{run_id}0000001", f"reference-token-{run_id}-0123456789"
    h.register_number(emulator, phone, token, f"reference-secret-{run_id}", None)
    out = os.path.join(work, "pywa-send.json")
    ob.wait_idle()
    window = Window(os.getpid())
    run = subprocess.run([venv_python, os.path.join(here, "pywa_send.py"), emu_url, phone, token, str(SENDS), str(CLIENTS), out],
                         capture_output=True, text=True, timeout=120 + SENDS / 10)
    cpu = window.close()
    print(run.stdout.rstrip(), flush=True)
    if run.returncode != 0:
        raise ob.Failed(f"pywa_send.py exited {run.returncode}: {(run.stdout + run.stderr).strip()[-800:]}")
    with open(out) as f:
        result = json.load(f)
    times = emulator_times(emulator, phone)
    if len(times) != SENDS:
        raise ob.Failed(f"the emulator holds {len(times)} of the reference's {SENDS} sends")
    result.update(max_window=h.max_in_window(times)[0], **cpu)
    say(f"pywa reference: {result['throughput']:.0f}/s, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
        f"most in any second {result['max_window']}; other processes used {cpu['other_pct']:.0f}% of the machine")
    return result


def switchboard(backend: ob.Backend, emulator: h.Http, run_id: str, tag: str) -> dict:
    proc = backend.start(dispatchers=None)
    phone = f"48{run_id}{tag}000001"  # the reference uses 47...
    token, secret = f"compare-token-{run_id}-{tag}-0123456789", f"compare-secret-{run_id}-{tag}"
    h.register_number(emulator, phone, token, secret, None)
    status, body = backend.api.json("POST", "/api/v1/whatsapp-accounts", {
        "name": "Comparison", "provider": "sandbox", "phoneNumberId": phone, "businessAccountId": "1" + phone,
        "accessToken": token, "appSecret": secret, "messagesPerSecond": RATE,
    }, {"Authorization": f"Bearer {backend.key}"})
    if status not in (200, 201):
        raise ob.Failed(f"creating the account answered {status}: {body}")
    account = body["id"]
    plan = [(account, "+1777%07d" % n) for n in range(SENDS)]

    ob.wait_idle()
    memory = ob.Memory(proc.pid)
    _, before = emulator.json("GET", "/sandbox/stats")
    window, serve_ticks = Window(os.getpid()), ticks(proc.pid)
    queued: dict = {}

    def post() -> None:
        try:
            queued.update(ob.queue(backend, plan, f"compare-{run_id}-{tag}"))
        except Exception as failure:  # noqa: BLE001 - reported by the loop below
            queued["error"] = failure

    began_ms = time.time() * 1000
    poster = threading.Thread(target=post)
    poster.start()
    limit = time.monotonic() + 120 + 3 * SENDS / max(1, min(RATE, 5000))
    while True:
        _, stats = emulator.json("GET", "/sandbox/stats")
        if stats["messagesAccepted"] - before["messagesAccepted"] >= SENDS:
            break
        if "error" in queued:
            raise ob.Failed(f"{backend.name}: {queued['error']}")
        if time.monotonic() > limit:
            raise ob.Failed(f"{backend.name}: only {stats['messagesAccepted'] - before['messagesAccepted']} of {SENDS} sent")
        time.sleep(0.05)
    poster.join()
    serve_cpu_s = (ticks(proc.pid) - serve_ticks) / os.sysconf("SC_CLK_TCK")
    cpu = window.close()
    if "error" in queued:
        raise ob.Failed(f"{backend.name}: {queued['error']}")

    times = emulator_times(emulator, phone)
    # The last outcomes are recorded just after the emulator answered them.
    statuses, outbox = {}, -1
    for _ in range(100):
        statuses, outbox = ob.statuses(backend.db, [account]), int(backend.db.scalar("SELECT COUNT(*) FROM outbox"))
        if statuses.get("sent", 0) == SENDS and outbox == 0:
            break
        time.sleep(0.1)
    peak_mib = memory.stop()
    backend.stop()
    if len(times) != SENDS:
        raise ob.Failed(f"{backend.name}: the emulator holds {len(times)} sends, expected {SENDS}")
    if statuses.get("sent", 0) != SENDS or outbox:
        raise ob.Failed(f"{backend.name}: statuses {statuses}, outbox {outbox}, expected {SENDS} sent and an empty outbox")
    most, at = h.max_in_window(times)
    if most > RATE:
        raise ob.Failed(f"{backend.name}: {most} sends in the 1,000 ms from {at}, over the account's rate of {RATE}")
    end_to_end_s = (max(times) - began_ms) / 1000
    result = {"backend": backend.name, "sends": SENDS, "rate": RATE, **queued, "end_to_end_s": end_to_end_s,
              "end_to_end_per_s": SENDS / end_to_end_s, "max_window": most, "peak_mib": peak_mib,
              "serve_cpu_s": serve_cpu_s, **cpu}
    say(f"Switchboard, {backend.name}: accepted at {queued['accept_per_s']:.0f}/s (p50 {queued['accept_p50_ms']:.2f} ms, "
        f"p99 {queued['accept_p99_ms']:.2f} ms), all at the emulator after {end_to_end_s:.2f} s: {result['end_to_end_per_s']:.0f}/s "
        f"end to end, most in any second {most} (rate {RATE}), peak RSS {peak_mib:.0f} MiB; other processes used "
        f"{cpu['other_pct']:.0f}% of the machine")
    return result


def main() -> int:
    binary, work, out_path, venv_python = sys.argv[1:5]
    pg_url = sys.argv[5] if len(sys.argv) > 5 else None
    procs = h.Processes(os.path.join(work, "pids"))
    try:
        run_id = "%05d" % random.randrange(10**5)
        emu_url, emulator = ob.start_emulator(binary, work, procs)
        report = {"settings": {"sends": SENDS, "rate": RATE, "clients": CLIENTS},
                  "reference": reference(emulator, emu_url, venv_python, work, run_id), "switchboard": []}
        backends = [("SQLite", None)] + ([("PostgreSQL", pg_url)] if pg_url else [])
        for index, (name, url) in enumerate(backends):
            backend = ob.Backend(name, binary, work, procs, emu_url, url)
            report["switchboard"].append(switchboard(backend, emulator, run_id, str(index)))
        with open(out_path, "w") as f:
            json.dump(report, f, indent=2)
        return 0
    except ob.SetupFailed as failure:
        say(f"SETUP FAILED: {failure}")
        return 2
    except ob.Failed as failure:
        say(f"FAILED: {failure}")
        return 1
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
