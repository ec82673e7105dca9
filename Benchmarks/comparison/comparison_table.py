"""Writes what Benchmarks/run-comparison.sh measured into BENCHMARKS.md between the "comparison" markers.
Arguments: WORKDIR BENCHMARKS_MD CONCURRENCY DURATION WARMUP [POSTGRES_SOURCE]. WORKDIR holds, per inbound label,
run-inbound.sh's LABEL.json (WebhookLoad's report), LABEL.extra.json and LABEL.db.json, and sending.json and
versions.txt."""

import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
from outbound_table import machine, write_section  # noqa: E402


def load(work: str, name: str):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}×" if reference else "–"


def inbound_rows(work: str) -> tuple[list[str], list[str], dict]:
    rows, notes, rates = [], [], {}
    for store, prefix in [("SQLite", "sqlite"), ("PostgreSQL", "postgres")]:
        sides = [(f"pywa-{prefix}-1", "pywa reference, 1 uvicorn worker (uvicorn's default)"),
                 (f"pywa-{prefix}-2", "pywa reference, `--workers 2` (the fair one)"),
                 (prefix, "Switchboard `serve`")]
        for label, name in sides:
            run, extra, db = load(work, f"{label}.json"), load(work, f"{label}.extra.json"), load(work, f"{label}.db.json")
            if run is None or extra is None:
                continue
            rates[label] = run["throughput"]
            rates[label + ":cpu"] = 1e6 * extra["server_cpu_s"] / max(1, run["acknowledged"])
            ack = extra["acknowledged_total"]
            stored = "yes" if db and db["deliveries"] == ack and db["messages"] == ack else "**no**"
            cpu_us = 1e6 * extra["server_cpu_s"] / max(1, run["acknowledged"])
            versus = "–"
            if label == prefix:
                one, two = rates.get(f"pywa-{prefix}-1"), rates.get(f"pywa-{prefix}-2")
                versus = f"{ratio(run['throughput'], two)} of 2 workers, {ratio(run['throughput'], one)} of 1"
            rows.append(f"| inbound | {store} | {name} | {run['throughput']:,.0f} deliveries/s | {run['p50_ms']:.2f} | "
                        f"{run['p99_ms']:.2f} | {cpu_us:,.0f} | {extra['sampled_kib'] / 1024:.0f} | {stored} | {versus} |")
            note = (f"- inbound, {store}, {name}: other processes used {extra['other_pct']:.0f}% of the machine during the "
                    f"measurement")
            if extra["attempts"] > 1:
                note += f" (attempt {extra['attempts']}; earlier attempts were disturbed by other work)"
            if db:
                note += (f"; {ack} deliveries acknowledged (warm-up and earlier attempts included), {db['deliveries']} stored, "
                         f"{db['messages']} messages, {db['contacts']} contacts, {db['conversations']} conversations, "
                         f"{db['unread']} unread; max latency {run['max_ms']:.0f} ms")
            notes.append(note + ".")
    return rows, notes, rates


def sending_rows(report: dict) -> tuple[list[str], list[str]]:
    ref, settings = report["reference"], report["settings"]
    rows = [f"| sending | nothing | pywa reference: `pywa_async`, {ref['concurrency']} in flight, unpaced | "
            f"{ref['throughput']:,.0f} messages/s | {ref['p50_ms']:.2f} | {ref['p99_ms']:.2f} | "
            f"{1e6 * ref['client_cpu_s'] / ref['sends']:,.0f} | – | emulator holds all {ref['sends']:,} | – |"]
    notes = [f"- sending, pywa reference: other processes used {ref['other_pct']:.0f}% of the machine; {ref['sends']:,} sends in "
             f"{ref['seconds']:.2f} s, max latency {ref['max_ms']:.0f} ms, most accepted in any 1,000 ms "
             f"{ref['max_window']:,}; CPU is the sending Python process's own (interpreter start and imports included)."]
    for run in report["switchboard"]:
        store = run["backend"]
        cpu_us = 1e6 * run["serve_cpu_s"] / run["sends"]
        checked = f"all {run['sends']:,} `sent`, outbox empty"
        rows.append(f"| sending | {store} | Switchboard: accepted by `POST /api/v1/messages` (202, stored) | "
                    f"{run['accept_per_s']:,.0f} messages/s | {run['accept_p50_ms']:.2f} | {run['accept_p99_ms']:.2f} | "
                    f"{cpu_us:,.0f} | {run['peak_mib']:.0f} | {checked} | {ratio(run['accept_per_s'], ref['throughput'])} |")
        rows.append(f"| sending | {store} | Switchboard: end to end, first POST to the emulator's last accept, paced at "
                    f"{run['rate']:,}/s | {run['end_to_end_per_s']:,.0f} messages/s | – | – | (same run) | (same run) | "
                    f"most in any 1,000 ms: {run['max_window']:,} | {ratio(run['end_to_end_per_s'], ref['throughput'])} |")
        notes.append(f"- sending, Switchboard on {store}: other processes used {run['other_pct']:.0f}% of the machine; the "
                     f"{run['sends']:,} POSTs took {run['sends'] / run['accept_per_s']:.2f} s, the emulator had them all "
                     f"{run['end_to_end_s']:.2f} s after the first; CPU is `serve`'s own, peak RSS its VmHWM.")
    return rows, notes


def main() -> None:
    work, markdown, concurrency, duration, warmup = sys.argv[1:6]
    source = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else ""
    in_rows, in_notes, rates = inbound_rows(work)
    sending = load(work, "sending.json")
    out_rows, out_notes = sending_rows(sending) if sending else ([], [])
    with open(os.path.join(work, "versions.txt")) as f:
        versions = ", ".join(line.strip() for line in f if line.strip())
    settings = sending["settings"] if sending else {"sends": 0, "rate": 0, "clients": 0}
    def cpu(label: str) -> str:
        return f"{rates.get(label + ':cpu', 0):,.0f}"
    sqlite_fair = ratio(rates.get("sqlite", 0), rates.get("pywa-sqlite-2", 0))
    postgres_fair = ratio(rates.get("postgres", 0), rates.get("pywa-postgres-2", 0))
    where = ("a server given on the command line" if source else
             "a private cluster from `scripts/postgres-cluster.sh`, `PG_DURABLE=1` (fsync on)")
    settings_env = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items())
                            if k.startswith(("COMPARISON_", "INBOUND_")) or k in ("OUTBOUND_CLIENTS", "OUTBOUND_MAX_OTHER", "OUTBOUND_IDLE_WAIT"))
    command = (f"`{settings_env + ' ' if settings_env else ''}Benchmarks/run-comparison.sh{' URL' if source else ''}` "
               f"(PostgreSQL: {where}; a fresh database per run, dropped after)")
    idle_wait = os.environ.get("INBOUND_IDLE_WAIT", "900")
    max_other = os.environ.get("INBOUND_MAX_OTHER", "10")
    text = f"""<!-- comparison:start -->
## Side by side: Switchboard and a pywa reference

Machine: {machine()}. Command: {command}. Python {sys.version.split()[0]}; the reference's
venv: {versions}.

The reference is what a Python team would build with [pywa](https://pypi.org/project/pywa/) and nothing else: one
WhatsApp number, FastAPI on uvicorn, sqlite3 or psycopg. Both sides run on the same 2 cores as the load, one at a
time. Before each measurement the script waits (up to {idle_wait} s inbound, {os.environ.get("OUTBOUND_IDLE_WAIT", "900")} s sending)
for the machine to be under 10% busy over 3 s; an inbound measurement during which other processes used more than
{max_other}% of the machine is repeated, up to 3 attempts. How busy the machine was is listed under the table.

**Inbound** — the load of `Benchmarks/run-inbound.sh`, whose settings and functions this script reads:
`WebhookLoad fire --url http://127.0.0.1:PORT/webhooks/whatsapp --app-secret {{app secret}} --phone-number-id
{{id}} --business-account-id {{id}} --concurrency {concurrency} --duration {duration} --warmup {warmup} --first N --json OUT`,
signed `messages` deliveries, each one text message with a new wamid from one of 1,000 senders.
- Switchboard: `switchboard serve` (`SWITCHBOARD_SANDBOX=off LOG_LEVEL=error`, `DATABASE_URL` for PostgreSQL) with
  one `cloud_api` account holding the app secret, set up by run-inbound.sh's `run_switchboard`.
- Reference: `uvicorn pywa_receiver:app --app-dir Benchmarks/comparison --host 127.0.0.1 --port PORT --no-access-log
  --log-level warning [--workers 2]` (`Benchmarks/comparison/pywa_receiver.py`), its own `pywa_*` tables emptied before
  each run, in Switchboard's SQLite file of that run (WAL, `synchronous=NORMAL`, as Switchboard sets it; one
  connection per thread, `BEGIN IMMEDIATE`) or in Switchboard's PostgreSQL database (a psycopg pool of 8 per worker).

**Sending** — one emulator, `switchboard sandbox --instant --port P`, numbers registered with `POST /sandbox/numbers`
without a callback URL; {settings['sends']:,} `hello_world` template sends, each to a new recipient, {settings['clients']}
in flight on both sides (`Benchmarks/comparison/send_compare.py`).
- Reference: `python Benchmarks/comparison/pywa_send.py EMULATOR_URL PHONE_ID TOKEN {settings['sends']} {settings['clients']} OUT`,
  pywa's async client (`pywa_async.WhatsApp`, its httpx session pointed at the emulator), `asyncio.gather` under a
  semaphore; the rate is sends / time from the first send to the last answer.
- Switchboard: `serve` with its default dispatchers, one `sandbox` account at `messagesPerSecond` {settings['rate']:,},
  the sends posted to `POST /api/v1/messages` by `outbound_bench.queue` while the outbox drains.

| workload | store | side | rate | p50 ms | p99 ms | CPU µs per item | peak RSS MiB | checked | Switchboard ÷ reference |
|---|---|---|---:|---:|---:|---:|---:|---|---:|
{chr(10).join(in_rows + out_rows)}

Inbound rates and latencies are `WebhookLoad`'s over the {duration} s measured; CPU is the server's (all its processes)
over warm-up and measurement per delivery; peak RSS is the server's, all processes summed, sampled every 0.5 s;
"checked" compares the rows stored with the 200s.

{chr(10).join(in_notes + out_notes)}

What the numbers mean:
- The fair inbound comparison is the reference with `--workers 2`: `serve` runs an event loop per core, and one
  uvicorn worker runs Python on one core at a time. On this machine Switchboard handles {sqlite_fair} the fair
  reference's deliveries per second on SQLite and {postgres_fair} on PostgreSQL. The CPU column says why: `serve`
  spends {cpu("sqlite")} µs of CPU per delivery on SQLite and {cpu("postgres")} µs on PostgreSQL, the reference
  {cpu("pywa-sqlite-2")} µs and {cpu("pywa-postgres-2")} µs with two workers (PostgreSQL's own CPU is in neither).
  With 2 cores shared with the load generator, CPU per delivery bounds the rate.
  On SQLite two workers need not beat one: both processes wait for the same write lock.
- The reference's p99 on SQLite is far above its p50: its request threads wait for SQLite's single write lock in
  sqlite3's busy handler, which sleeps in steps of up to 100 ms (Switchboard queues its SQLite writers in process
  instead, behind one another).
- What is the same inbound: both check the signature, parse the delivery, and commit the raw delivery, the contact,
  the conversation (unread + 1, last message time) and the message in one transaction before answering 200, and
  answer an error when the commit fails; both ignore a wamid they already have. pywa's own FastAPI route would answer
  200 even when the handler failed (it logs the exception), so the reference writes its own route through pywa's
  `webhook_update_handler` to answer 500 instead; pywa 3.9 also answers 200 to a delivery whose signature does not
  verify (it stores nothing). What Switchboard does on top: it finds the account among all tenants by phone number
  id and verifies with that account's secret, and records a `message.received` workspace event in the same
  transaction; the reference knows one number and one secret.
- The reference runs pywa 3.9.0, not the newest release. pywa 4.x requires the business-scoped user id (`user_id`)
  in every contact of a `messages` delivery, and `WebhookLoad`'s deliveries carry only `wa_id`: pywa 4.5.0 logs
  "Failed to construct update" and its route still answers 200, so nothing would be stored. pywa 4.5.0's FastAPI and
  Starlette routes also answer 200 before the handlers run (a background task), so no handler of theirs can store a
  delivery before it is acknowledged. 3.9.0 parses these deliveries and runs the handler before answering.
- What is not the same when sending: the reference's only record of a send is the emulator's answer in memory. It
  stores nothing, so a crash mid-burst leaves no way to tell what went out; it does not retry a 429 or 5xx; it does
  not pace, so against Meta it would exceed the number's throughput and be answered 130429; it sends no idempotency
  key. Switchboard commits each send (message, history, outbox row) before its 202, paces the account (no 1,000 ms
  window over the rate), retries transient failures with backoff, and records each outcome. Its accept rate is the
  rate of durable 202s; its end-to-end rate includes the dispatcher's trip to the emulator and is capped by the pace.
- The reference's send rate is bounded by its one Python process: pywa_async and httpx spend the CPU per send shown
  in its row (the emulator's CPU is not in it); Switchboard's row shows `serve`'s, which also commits each send at least
  twice (accepted, then sent).
<!-- comparison:end -->"""
    write_section(markdown, "comparison", text)


if __name__ == "__main__":
    main()
