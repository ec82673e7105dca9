"""Two Switchboard processes on one PostgreSQL database dispatch one queue together: no message sent twice, and each
account's pacing held across both. Run through scripts/two-process-check.sh; arguments: BINARY POSTGRES_URL WORKDIR.

One emulator (`switchboard sandbox --instant`, its own process). Process A is `serve` with
SWITCHBOARD_DISPATCHERS=2, process B is `worker --lanes 2`, both on a fresh database (CREATE DATABASE sb_two_<random>
when the URL's role may create databases; otherwise the given database, only if it holds no Switchboard schema yet,
reverted and left empty afterwards). ACCOUNTS sandbox accounts in the demo workspace get messages_per_second = RATE
(psql) and their numbers are registered in the emulator; SENDS template sends are spread over them while the accounts
are paused (send_pacing.paused_until, the pause a 130429 answer sets), then released at once, so both processes meet
the whole backlog; once all are delivered:
  - from the emulator's sent logs: every accepted message id was sent exactly once, by the account it was given;
  - for each account, the most sends the emulator accepted in any 1,000 ms window (acceptedAtMs) is <= RATE;
  - both processes sent: A's own count from its /metrics (switchboard_send_attempts_total{outcome="sent"}), B's the
    rest (B serves no HTTP); corroborated by sampling outbox.lease_owner every 50 ms while the queue drains;
  - no outbox row left, no message failed, no message claimed twice.
Exits 1 on a violation, 2 when the run could not be set up."""

import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sb_harness as h  # noqa: E402
from sb_harness import Psql, psql_once, redact, with_database  # noqa: E402,F401 (also importable from here)

SENDS = int(os.environ.get("TWO_SENDS", 1000))
ACCOUNTS = int(os.environ.get("TWO_ACCOUNTS", 5))
RATE = int(os.environ.get("TWO_RATE", 20))
CLIENTS = int(os.environ.get("TWO_CLIENTS", 32))
SETTLE_TIMEOUT = float(os.environ.get("TWO_SETTLE_TIMEOUT", 60))
P = "two-process-check"


def say(text: str) -> None:
    h.log(P, text)


def main() -> int:
    binary, base_url, work = sys.argv[1], sys.argv[2], sys.argv[3]
    procs = h.Processes(os.path.join(work, "pids"))
    cleanup: list = []
    try:
        return run(binary, base_url, work, procs, cleanup)
    finally:
        procs.stop_all()
        for step in reversed(cleanup):
            try:
                step()
            except Exception as error:  # noqa: BLE001 - report and go on cleaning
                say(f"cleanup: {error}")


def run(binary: str, base_url: str, work: str, procs: h.Processes, cleanup: list) -> int:
    started = time.monotonic()
    run_id = "%06d" % random.randrange(10**6)

    key = h.random_key_b64()
    # A database of our own for this run.
    name = f"sb_two_{run_id}"
    made = psql_once(base_url, f"CREATE DATABASE {name}")
    if made.returncode == 0:
        db_url = with_database(base_url, name)
        cleanup.append(lambda: psql_once(base_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        where = f"database {name} (created for this run, dropped after)"
    else:
        present = psql_once(base_url, "SELECT to_regclass('_fluent_migrations') IS NOT NULL")
        if present.returncode != 0:
            say(f"SETUP FAILED: cannot use {redact(base_url)}: {present.stderr.strip() or made.stderr.strip()}")
            return 2
        if present.stdout.strip() == "t":
            say(f"SETUP FAILED: the role cannot create a database ({made.stderr.strip()}) and the given database already "
                "holds a Switchboard schema; grant CREATEDB (ALTER ROLE ... CREATEDB) or give an empty database")
            return 2
        db_url = base_url
        cleanup.append(lambda: revert(binary, db_url, env_for(db_url, key, work, "revert")))
        where = "the given database (empty; the role may not create one), reverted after the run"

    emu_port, port = h.free_port(), h.free_port()
    emu_url, base = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{port}"
    emu_log, a_log, b_log = (os.path.join(work, n) for n in ("sandbox.log", "a-serve.log", "b-worker.log"))
    emu = procs.start("sandbox", [binary, "sandbox", "--instant", "--host", "127.0.0.1", "--port", str(emu_port), "--seed", "11"],
                      dict(os.environ), emu_log)
    if not h.wait_http(emu_url + "/sandbox/stats", 30, emu):
        return setup_failed("the emulator did not start", emu_log)
    emulator = h.Http(emu_url)
    emulator.json("PUT", "/sandbox/timing", {"sentDelayMs": 0, "deliveredDelayMs": 0, "readDelayMs": 0, "speedFactor": 1,
                                              "instant": True, "sendsReads": False})

    env_a = env_for(db_url, key, work, "a")
    env_a.update(SWITCHBOARD_SANDBOX="off", SWITCHBOARD_SANDBOX_URL=emu_url, SWITCHBOARD_DISPATCHERS="2",
                 HOST="127.0.0.1", PORT=str(port))
    a = procs.start("A", [binary, "serve"], env_a, a_log)
    if not h.wait_http(base + "/health/ready", 180, a, step=0.05):
        return setup_failed("process A (serve) did not become ready", a_log)
    env_b = env_for(db_url, key, work, "b")
    env_b.update(SWITCHBOARD_SANDBOX="off", SWITCHBOARD_SANDBOX_URL=emu_url)
    b = procs.start("B", [binary, "worker", "--lanes", "2"], env_b, b_log)
    owner_a, owner_b = wait_owner(a_log, a), wait_owner(b_log, b)
    if not owner_a or not owner_b:
        return setup_failed("no 'outbox dispatcher started' line from " + ("A" if not owner_a else "B"), a_log if not owner_a else b_log)
    say(f"on {where}: A = serve (2 lanes, {owner_a}), B = worker (2 lanes, {owner_b}), emulator on {emu_port}")

    api_key = h.create_api_key(binary, env_a, "two-process-check")
    api = h.Http(base)
    accounts: list[tuple[str, str]] = []  # (account id, phone number id)
    secrets: dict[str, str] = {}  # phone number id -> app secret
    for k in range(ACCOUNTS):
        phone = f"32{run_id}{k + 1:07d}"
        token, secret = f"two-token-{run_id}-{k}-0123456789", f"two-app-secret-{run_id}-{k}"
        account = h.create_sandbox_account(api, api_key, f"Two-process number {k + 1}", phone, token, secret)
        h.register_number(emulator, phone, token, secret, base + "/webhooks/whatsapp")
        accounts.append((account.upper(), phone))
        secrets[phone] = secret
    db = Psql(db_url)
    cleanup.append(db.close)
    ids_sql = ",".join(f"'{a}'" for a, _ in accounts)
    db.rows(f"UPDATE whatsapp_accounts SET messages_per_second = {RATE} WHERE id IN ({ids_sql})")
    # Hold the accounts (the pause a 130429 sets) while the sends are queued, so both processes meet a full backlog
    # of every account when it is released, instead of trickling along behind the API.
    hold = ",".join(f"('{a}', 0, {time.time() + 3600}, 'two-process-check: queueing')" for a, _ in accounts)
    db.rows(f"INSERT INTO send_pacing (id, next_slot, paused_until, pause_reason) VALUES {hold} "
            "ON CONFLICT (id) DO UPDATE SET paused_until = EXCLUDED.paused_until, pause_reason = EXCLUDED.pause_reason")
    rates = {row[0].upper(): int(row[1]) for row in db.rows(f"SELECT id, messages_per_second FROM whatsapp_accounts WHERE id IN ({ids_sql})")}

    # Sample which process holds which outbox rows while the queue drains.
    seen: dict[str, set[str]] = {}  # lease owner -> message ids seen leased by it
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            try:
                for owner, message_id in db.rows("SELECT lease_owner, message_id FROM outbox WHERE lease_owner IS NOT NULL"):
                    seen.setdefault(owner, set()).add(message_id.upper())
            except RuntimeError:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    auth = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    accepted: dict[str, str] = {}  # message id -> account id
    failures: list[str] = []
    lock = threading.Lock()

    def enqueue(i: int) -> None:
        account, _ = accounts[i % ACCOUNTS]
        body = h.compact(h.template_send("+1555%07d" % (5_000_000 + i), account))
        status, data = api.request("POST", "/api/v1/messages", body, {**auth, "Idempotency-Key": f"two-{run_id}-{i}"}, retries=2)
        with lock:
            if status == 202:
                accepted[json.loads(data)["id"].upper()] = account
            else:
                failures.append(f"send #{i} answered {status}: {data[:200]!r}")

    enqueue_started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(enqueue, range(SENDS)))
    enqueued_s = time.monotonic() - enqueue_started
    early = int(db.rows(f"SELECT count(*) FROM messages WHERE account_id IN ({ids_sql}) AND status <> 'queued'")[0][0])
    db.rows(f"UPDATE send_pacing SET paused_until = NULL, pause_reason = NULL WHERE id IN ({ids_sql})")
    load_started = time.monotonic()
    say(f"{len(accepted)} of {SENDS} sends accepted in {enqueued_s:.1f} s over {ACCOUNTS} accounts held at {RATE}/s each "
        f"({early} left the queue while held); released: the queue needs at least {SENDS / (ACCOUNTS * RATE):.1f} s to drain")
    if early:
        failures.append(f"{early} messages left the queue while their accounts were paused")

    ids = sorted(accepted)
    in_sql = ",".join(f"'{i}'" for i in ids)
    delivered, stuck, replayed = h.settle(
        ids, lambda: {r[0].upper(): r[1] for r in db.rows(f"SELECT id, status FROM messages WHERE id IN ({in_sql})")},
        lambda: int(db.rows("SELECT count(*) FROM outbox")[0][0]), emulator, h.Http(base), secrets, say, SETTLE_TIMEOUT)
    drained_s = time.monotonic() - load_started
    if h.outbox_empty_after is not None:
        say(f"outbox empty {h.outbox_empty_after:.1f} s after the release; every send delivered after {drained_s:.1f} s")
    sampling.set()
    sampler.join()

    violations = list(failures)
    for message_id, status in sorted(stuck.items())[:30]:
        violations.append(f"accepted send {message_id} is {status}, not delivered")

    # The emulator's view: who was sent, how often, by which number, and when.
    sent_by: dict[str, list[str]] = {}
    times: dict[str, list[int]] = {}
    for account, phone in accounts:
        _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
        times[account] = [(m["acceptedAtMs"], (m.get("bizOpaqueCallbackData") or "").upper()) for m in report["messages"]]
        for m in report["messages"]:
            sent_by.setdefault((m.get("bizOpaqueCallbackData") or "").upper(), []).append(account)
    twice = {i: v for i, v in sent_by.items() if len(v) > 1}
    for message_id, by in sorted(twice.items()):
        violations.append(f"message {message_id} sent {len(by)} times (by {', '.join(by)})")
    for message_id, account in sorted(accepted.items()):
        if message_id not in sent_by:
            violations.append(f"accepted send {message_id} never reached the emulator")
        elif set(sent_by[message_id]) != {account}:
            violations.append(f"message {message_id} was for account {account} but went out through {sent_by[message_id]}")
    for message_id in sorted(set(sent_by) - set(accepted)):
        violations.append(f"the emulator got callback data {message_id}, which is no accepted send")

    pacing = []
    owner_of = {m: ("A" if o == owner_a else "B" if o == owner_b else o) for o, ms in seen.items() for m in ms}
    claims: dict[str, list[float]] = {}
    for message_id, at in db.rows(f"SELECT message_id, extract(epoch FROM occurred_at) FROM message_history "
                                  f"WHERE status = 'sending' AND message_id IN ({in_sql})"):
        claims.setdefault(message_id.upper(), []).append(float(at))
    # How long after its claim each send reached the emulator: slots lie within the claim's horizon (0.5 s), so much
    # more than that means the batch went out late, and its sends together rather than 1/rate apart.
    lateness = []
    for account, _ in accounts:
        for t, m in times[account]:
            claimed = max((c for c in claims.get(m, []) if c * 1000 <= t + 50), default=None)
            if claimed is not None:
                lateness.append(t - int(claimed * 1000))
    lateness.sort()
    if lateness:
        say(f"claim to acceptance at the emulator: p50 {h_pct(lateness, 50)} ms, p90 {h_pct(lateness, 90)} ms, "
            f"max {lateness[-1]} ms; {sum(1 for x in lateness if x > 600)} of {len(lateness)} sends more than 600 ms after their claim")
    for account, phone in accounts:
        over = sum(1 for t, _ in times[account]
                   if sum(1 for u, _ in times[account] if t <= u < t + 1000) > rates[account])
        if over:
            say(f"account {phone}: {over} of its {len(times[account])} sends start a 1000 ms window holding more than "
                f"{rates[account]} sends")
        most, at = h.max_in_window([t for t, _ in times[account]])
        rate = rates[account]
        pacing.append(f"{most}/{rate}")
        if most > rate:
            window = sorted((t, m) for t, m in times[account] if at <= t < at + 1000)
            violations.append(f"account {account} ({phone}) had {most} sends accepted by the emulator within 1000 ms "
                              f"(rate {rate}/s), from acceptedAtMs {at}; gaps (ms) {gaps([t for t, _ in window])}")
            # Which claims they came from: a claim reserves slots 1/rate apart from its time on (message_history
            # `sending` is written at the claim's time); a batch sent all at once arrives with gaps of ~0 ms.
            batches: dict[tuple, list[int]] = {}
            for t, m in window:
                claimed = max((c for c in claims.get(m, []) if c * 1000 <= t), default=None)
                key_ = (owner_of.get(m, "?"), None if claimed is None else int(claimed * 1000) - at)
                batches.setdefault(key_, []).append(t - at)
            for (owner, claimed), offsets in sorted(batches.items(), key=lambda kv: min(kv[1])):
                violations.append(f"  {len(offsets)} of them from a batch claimed by {owner} at {claimed:+d} ms: "
                                  f"accepted at +{min(offsets)}..+{max(offsets)} ms")

    # Who sent what: A's own metric, B the rest; and what the sampler saw leased.
    sent_a = metric(api, 'switchboard_send_attempts_total', 'outcome="sent"')
    total_sent = sum(len(v) for v in sent_by.values())
    sent_b = None if sent_a is None else total_sent - sent_a
    leased_a, leased_b = len(seen.get(owner_a, ())), len(seen.get(owner_b, ()))
    others = {o: len(s) for o, s in seen.items() if o not in (owner_a, owner_b)}
    say(f"work per process: A sent {fmt(sent_a)} (its /metrics), B sent {fmt(sent_b)} (the rest of {total_sent}); "
        f"outbox rows seen leased while draining: A {leased_a}, B {leased_b}" + (f", others {others}" if others else ""))
    if sent_a is not None and (sent_a == 0 or sent_b == 0):
        violations.append(f"one process did no sending: A sent {sent_a}, B sent {sent_b}")
    if leased_a == 0 or leased_b == 0:
        violations.append(f"the sampler never saw one process holding a lease: A {leased_a}, B {leased_b}")

    reclaimed = db.rows(f"SELECT h.message_id, count(*) FROM message_history h JOIN messages m ON m.id = h.message_id "
                        f"WHERE h.status = 'sending' AND m.account_id IN ({ids_sql}) GROUP BY h.message_id HAVING count(*) > 1")
    for message_id, count in reclaimed[:20]:
        violations.append(f"message {message_id.upper()} was claimed {count} times")
    outbox = db.rows("SELECT message_id, lease_owner, lease_until, attempts FROM outbox")
    for row in outbox[:20]:
        violations.append(f"outbox row left: message {row[0]} lease_owner={row[1]} lease_until={row[2]} attempts={row[3]}")
    failed = db.rows(f"SELECT id, error_code, error_title FROM messages WHERE status = 'failed' AND account_id IN ({ids_sql})")
    for row in failed[:20]:
        violations.append(f"message {row[0].upper()} failed: {row[1]} {row[2]}")
    errors = [line.strip() for path in (a_log, b_log) for line in open(path, errors="replace") if " error " in line]
    for line in errors[:10]:
        say("server error line: " + line[:300])

    for v in violations[:60]:
        say("VIOLATION " + v)
    if len(violations) > 60:
        say(f"... {len(violations) - 60} more violations")
    say(f"delivered webhooks replayed by this check because the emulator had given up on them: {replayed}")
    say(f"{delivered} sends over {ACCOUNTS} accounts delivered by 2 processes (A {fmt(sent_a)}, B {fmt(sent_b)}), "
        f"{len(twice)} sent twice, most sends in any 1000 ms per account {', '.join(pacing)}, "
        f"all delivered {drained_s:.1f} s after the release" + (f" ({len(violations)} violations)" if violations else "")
        + f" [{time.monotonic() - started:.1f} s]")
    if violations:
        say(f"logs: {a_log}, {b_log}, {emu_log}")
    return 1 if violations else 0


def env_for(db_url: str, key: str, work: str, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k not in ("DATABASE_URL", "PORT", "HOST")}
    env.update(DATABASE_URL=db_url, SWITCHBOARD_MASTER_KEY=key, SWITCHBOARD_DATA_DIR=os.path.join(work, name),
               LOG_LEVEL=os.environ.get("TWO_LOG_LEVEL", "info"))
    return env


def revert(binary: str, db_url: str, env: dict[str, str]) -> None:
    out = subprocess.run([binary, "migrate", "--revert"], env=env, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        say(f"cleanup: migrate --revert exited {out.returncode}: {out.stderr.strip()[-300:]}")
    psql_once(db_url, "DROP TABLE IF EXISTS _fluent_migrations")
    left = psql_once(db_url, "SELECT string_agg(tablename, ', ') FROM pg_tables WHERE schemaname = current_schema()").stdout.strip()
    if left:
        say(f"cleanup: tables left in the given database: {left}")


def wait_owner(logfile: str, proc, timeout: float = 120) -> str | None:
    """The owner id a process's dispatcher logs when it starts ("outbox dispatcher started ... owner=...")."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(logfile, errors="replace") as f:
            for line in f:
                if "outbox dispatcher started" in line:
                    m = re.search(r"owner=(\S+)", line)
                    if m:
                        return m.group(1)
        if proc.poll() is not None:
            return None
        time.sleep(0.1)
    return None


def metric(api: h.Http, name: str, labels: str) -> int | None:
    try:
        status, data = api.request("GET", "/metrics", retries=2)
    except OSError:
        return None
    if status != 200:
        return None
    for line in data.decode(errors="replace").splitlines():
        if line.startswith(name) and labels in line:
            return int(float(line.rsplit(" ", 1)[1]))
    return 0


def h_pct(values: list[int], p: int) -> int:
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def gaps(times: list[int]) -> str:
    return ",".join(str(b - a) for a, b in zip(times, times[1:]))


def fmt(value) -> str:
    return "?" if value is None else str(value)


def setup_failed(what: str, logfile: str) -> int:
    return h.setup_failed(P, what, logfile)


if __name__ == "__main__":
    sys.exit(main())
