"""SIGKILL the server while sends and inbound webhooks are in flight, restart it, and check nothing was lost or doubled.
Run through scripts/crash-check.sh (which cleans up); arguments: BINARY WORKDIR.

The emulator (`switchboard sandbox --instant`, statuses sent and delivered at once, no read receipts) runs as its own
process so it outlives the kill; `serve` (SQLite, the default) has SWITCHBOARD_SANDBOX=off and points at it, and the
check registers its own sandbox account's number there. CLIENTS threads post SENDS template sends (each with an
Idempotency-Key) and INBOUND signed inbound deliveries (each with its own wamid), interleaved. When KILL_AT of them
are acknowledged and a dispatcher holds a claimed batch (leased outbox rows, waited for up to LEASE_WAIT s, so sends
are in flight at the provider), the server gets SIGKILL and is started again at once on the same data directory and
port. The client retries what was not acknowledged, as a client would, with the same bytes and Idempotency-Key. Then:
  - every acknowledged inbound wamid is in `messages` exactly once (and no other wamid of the run is);
  - every accepted send is `delivered` or `read`, exactly one message per Idempotency-Key, no outbox row left;
  - the emulator's callback-data counts show how many sends went out twice (at most MAX_DUPLICATES allowed), and
    for those, which claimed batch they came from and when they were answered and sent again, relative to the kill.
The database is read with Python's own sqlite3 module (no sqlite3 CLI needed). A `delivered` webhook the emulator
gave up on (see sb_harness.settle) is replayed signed, as Meta's later retries would, and counted in the output.
Exits 1 on any violation, 2 when the run itself could not be set up."""

import contextlib
import os
import random
import signal
import sqlite3
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sb_harness as h  # noqa: E402

SENDS = int(os.environ.get("CRASH_SENDS", 1000))
INBOUND = int(os.environ.get("CRASH_INBOUND", 1000))
CLIENTS = int(os.environ.get("CRASH_CLIENTS", 32))
KILL_AT = float(os.environ.get("CRASH_KILL_AT", 0.4))
MAX_DUPLICATES = int(os.environ.get("CRASH_MAX_DUPLICATES", 10))
SETTLE_TIMEOUT = float(os.environ.get("CRASH_SETTLE_TIMEOUT", 60))
# After KILL_AT is reached, wait at most this long (seconds) for a dispatcher to hold leased outbox rows; 0 kills at once.
LEASE_WAIT = float(os.environ.get("CRASH_LEASE_WAIT", 5))
P = "crash-check"


def say(text: str) -> None:
    h.log(P, text)


def main() -> int:
    binary, work = sys.argv[1], sys.argv[2]
    procs = h.Processes(os.path.join(work, "pids"))
    try:
        return run(binary, work, procs)
    finally:
        procs.stop_all()


def run(binary: str, work: str, procs: h.Processes) -> int:
    started = time.monotonic()
    run_id = "%06d" % random.randrange(10**6)
    emu_port, port = h.free_port(), h.free_port()
    emu_url, base = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{port}"
    data_dir = os.path.join(work, "data")
    serve_log, emu_log = os.path.join(work, "serve.log"), os.path.join(work, "sandbox.log")

    emu = procs.start("sandbox", [binary, "sandbox", "--instant", "--host", "127.0.0.1", "--port", str(emu_port), "--seed", "7"],
                      dict(os.environ), emu_log)
    if not h.wait_http(emu_url + "/sandbox/stats", 30, emu):
        return setup_failed("the emulator did not start", emu_log)

    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k != "DATABASE_URL"}
    env.update(SWITCHBOARD_DATA_DIR=data_dir, SWITCHBOARD_SANDBOX="off", SWITCHBOARD_SANDBOX_URL=emu_url,
               HOST="127.0.0.1", PORT=str(port), LOG_LEVEL=os.environ.get("CRASH_LOG_LEVEL", "info"))
    serve = procs.start("serve", [binary, "serve"], env, serve_log)
    if not h.wait_http(base + "/health/ready", 120, serve):
        return setup_failed("serve did not become ready", serve_log)

    key = h.create_api_key(binary, env, "crash-check")
    api, emulator = h.Http(base), h.Http(emu_url)
    phone = "31" + run_id + "0000001"
    token, secret = f"crash-token-{run_id}-0123456789", f"crash-app-secret-{run_id}"
    account = h.create_sandbox_account(api, key, "Crash check number", phone, token, secret)
    h.register_number(emulator, phone, token, secret, base + "/webhooks/whatsapp")
    # Statuses at once, and no `read` after `delivered`: a quarter less webhook traffic, nothing this check needs.
    emulator.json("PUT", "/sandbox/timing", {"sentDelayMs": 0, "deliveredDelayMs": 0, "readDelayMs": 0, "speedFactor": 1,
                                              "instant": True, "sendsReads": False})
    rate = sqlite_rows(data_dir, "SELECT messages_per_second FROM whatsapp_accounts WHERE id = ?", account)[0][0]

    items: list[h.Item] = []
    for i in range(max(SENDS, INBOUND)):
        if i < SENDS:
            items.append(h.Item.send(i, account, "+1555%07d" % (3_000_000 + i), key, f"crash-{run_id}-{i}"))
        if i < INBOUND:
            items.append(h.Item.inbound(i, phone, secret, f"wamid.CRASHCHECK{run_id}{i:05d}", "1555400%04d" % (i % 50),
                                        f"User {i % 50}", f"hello {i}"))

    lock = threading.Lock()
    counts = {"acked": 0, "in_flight": 0, "finished": 0}

    def attempt(item: h.Item) -> None:
        with lock:
            counts["in_flight"] += 1
        try:
            item.post(api)
        finally:
            with lock:
                counts["in_flight"] -= 1
                counts["finished"] += 1
                if item.acked:
                    counts["acked"] += 1

    # Phase 1: the load, and SIGKILL once KILL_AT of it is acknowledged; the restart begins at once.
    say(f"{SENDS} sends and {INBOUND} inbound deliveries from {CLIENTS} clients; SIGKILL after {int(KILL_AT * 100)}% are acknowledged")
    threshold = int(KILL_AT * len(items))
    load_started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(attempt, item) for item in items]
        while counts["acked"] < threshold and counts["finished"] < len(items):
            time.sleep(0.002)
        # ... and while a dispatcher holds a claimed batch, so sends are in flight at the provider when the kill lands
        # (not in a lull between two batches, which would test nothing on the sending side).
        wait_until = time.monotonic() + LEASE_WAIT
        while time.monotonic() < wait_until and counts["finished"] < len(items):
            if sqlite_rows(data_dir, "SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL")[0][0] > 0:
                break
            time.sleep(0.003)
        in_flight = counts["in_flight"]
        killed_at, killed_ms = time.monotonic(), int(time.time() * 1000)
        procs.kill("serve", signal.SIGKILL)
        acked_sends = sum(1 for it in items if it.kind == "send" and it.acked)
        acked_inbound = sum(1 for it in items if it.kind == "inbound" and it.acked)
        # What the kill left: sends the emulator answered that our database has no wamid for (the window between
        # the provider's answer and our commit: these go out again), and rows a dispatcher held.
        _, at_kill = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
        answered = sorted(k.upper() for k in at_kill["callbackDataCounts"])
        unrecorded = [r[0] for r in sqlite_in(data_dir, "SELECT id FROM messages WHERE wamid IS NULL AND id IN ({})", answered)]
        leased = sqlite_rows(data_dir, "SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL")[0][0]
        say(f"SIGKILL {killed_at - load_started:.2f} s into the load: {acked_sends} sends accepted, {acked_inbound} inbound "
            f"acknowledged, {in_flight} requests in flight; the emulator had answered {len(answered)} sends, "
            f"{len(unrecorded)} of them with no wamid in our database; {leased} outbox rows leased")
        restarted_at = time.monotonic()
        serve = procs.start("serve", [binary, "serve"], env, serve_log)
        healthy = h.wait_http(base + "/health/ready", 120, serve, step=0.005)
        restart_ms = int((time.monotonic() - restarted_at) * 1000)
        if not healthy:
            return setup_failed("serve did not come back after the kill", serve_log)
        for f in futures:
            f.result()

    # Phase 2: retry what was not acknowledged, the same bytes and the same Idempotency-Key.
    pending = [it for it in items if not it.acked]
    retried = len(pending)
    for round_ in range(10):
        if not pending:
            break
        if round_:
            time.sleep(0.5)
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(attempt, pending))
        pending = [it for it in items if not it.acked]
    load_done = time.monotonic()
    say(f"restarted and healthy in {restart_ms} ms; retried {retried} unacknowledged requests, "
        f"{len(pending)} still unacknowledged; all acknowledged {load_done - load_started:.1f} s after the load began")

    sends = [it for it in items if it.kind == "send"]
    accepted = {it.answer for it in sends if it.acked}
    ids = sorted(accepted)
    delivered, stuck, replayed = h.settle(
        ids, lambda: dict(sqlite_in(data_dir, "SELECT id, status FROM messages WHERE id IN ({})", ids)),
        lambda: sqlite_rows(data_dir, "SELECT count(*) FROM outbox")[0][0], emulator, h.Http(base), {phone: secret}, say,
        SETTLE_TIMEOUT)
    say(f"{delivered} of {len(accepted)} accepted sends delivered {time.monotonic() - load_done:.1f} s later"
        + (f" (outbox empty after {h.outbox_empty_after:.1f} s)" if h.outbox_empty_after is not None else ""))

    # The checks.
    violations: list[str] = []
    for it in pending:
        violations.append(f"{it.kind} #{it.index} never acknowledged after {it.attempts} attempts: {it.errors}")

    inbound_counts = dict(sqlite_rows(data_dir, "SELECT wamid, count(*) FROM messages WHERE direction = 'inbound' "
                                                "AND account_id = ? GROUP BY wamid", account))
    acked_wamids = {it.wamid for it in items if it.kind == "inbound" and it.acked}
    stored_once = sum(1 for w in acked_wamids if inbound_counts.get(w) == 1)
    for w in sorted(acked_wamids):
        if inbound_counts.get(w, 0) != 1:
            violations.append(f"acknowledged inbound {w} is stored {inbound_counts.get(w, 0)} times")
    for w in sorted(set(inbound_counts) - acked_wamids):
        violations.append(f"inbound {w} is stored {inbound_counts[w]} times but was never acknowledged")

    outbound = dict(sqlite_rows(data_dir, "SELECT id, status FROM messages WHERE direction = 'outbound' AND account_id = ?", account))
    if len(outbound) != len(accepted):
        extra = sorted(set(outbound) - accepted)
        violations.append(f"{len(outbound)} outbound messages stored for {len(accepted)} accepted sends "
                          f"(each Idempotency-Key should make one); not answered to the client: {extra[:10]}")
    for message_id, status in sorted(stuck.items()):
        violations.append(f"accepted send {message_id} is {status}, not delivered")
    outbox = sqlite_rows(data_dir, "SELECT message_id, lease_owner, lease_until, attempts, available_at FROM outbox")
    for row in outbox[:20]:
        violations.append(f"outbox row left: message {row[0]} lease_owner={row[1]} lease_until={row[2]} attempts={row[3]}")
    if len(outbox) > 20:
        violations.append(f"... {len(outbox) - 20} more outbox rows left")

    _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
    callback_counts = {k.upper(): v for k, v in report["callbackDataCounts"].items()}
    duplicates = {k: v for k, v in callback_counts.items() if v > 1}
    extra_sends = sum(v - 1 for v in duplicates.values())
    for message_id in sorted(accepted - set(callback_counts)):
        violations.append(f"accepted send {message_id} never reached the emulator")
    for message_id in sorted(set(callback_counts) - accepted):
        violations.append(f"the emulator got callback data {message_id}, which is no accepted send")
    attempts = dict(sqlite_rows(data_dir, "SELECT message_id, count(*) FROM message_history WHERE status = 'sending' "
                                          "GROUP BY message_id HAVING count(*) > 1"))
    accepted_at: dict[str, list[int]] = {}
    for sent in report["messages"]:
        accepted_at.setdefault((sent.get("bizOpaqueCallbackData") or "").upper(), []).append(sent["acceptedAtMs"] - killed_ms)
    say(f"duplicates at the emulator: {extra_sends} ({len(duplicates)} message ids sent more than once; "
        f"{len(set(duplicates) & set(unrecorded))} of them were answered before the kill with no wamid stored)")
    # Which claims the duplicates came from (message_history `sending` rows: one per claim), times from the kill.
    claims: dict[int, list[str]] = {}
    for message_id, first in sqlite_in(data_dir, "SELECT message_id, min(occurred_at) FROM message_history WHERE status = "
                                                 "'sending' AND message_id IN ({}) GROUP BY message_id", sorted(duplicates)):
        claims.setdefault(int(first * 1000) - killed_ms, []).append(message_id)
    for claimed, ids in sorted(claims.items()):
        first = [sorted(accepted_at[i])[0] for i in ids]
        again = [sorted(accepted_at[i])[1] for i in ids]
        say(f"  {len(ids)} from the batch claimed at {claimed:+d} ms from the kill: answered by the emulator at "
            f"{min(first):+d}..{max(first):+d} ms, no wamid committed, sent again at {min(again):+d}..{max(again):+d} ms "
            f"(e.g. {ids[0]})")
    webhook_ms = h.latencies(serve_log, "/webhooks/whatsapp")
    if webhook_ms:
        say(f"server time per webhook delivery over the run: p50 {h.pct(webhook_ms, 50):.0f} ms, p90 {h.pct(webhook_ms, 90):.0f} ms, "
            f"p99 {h.pct(webhook_ms, 99):.0f} ms ({len(webhook_ms)} deliveries, own and the emulator's); "
            f"emulator: {h.stats_line(emulator)}")
    say(f"sends claimed more than once by the dispatcher: {len(attempts)}; delivered webhooks replayed by this check "
        f"because the emulator had given up on them: {replayed}; account rate {rate}/s")
    if extra_sends > MAX_DUPLICATES:
        violations.append(f"{extra_sends} duplicate sends at the emulator, more than the {MAX_DUPLICATES} allowed")

    for v in violations[:60]:
        say("VIOLATION " + v)
    if len(violations) > 60:
        say(f"... {len(violations) - 60} more violations")
    say(f"{stored_once} inbound stored once, {delivered} sends delivered, {extra_sends} duplicates at the emulator, "
        f"restart to healthy in {restart_ms} ms" + (f" ({len(violations)} violations)" if violations else "")
        + f" [{time.monotonic() - started:.1f} s]")
    if violations:
        say(f"logs: {serve_log}, {emu_log}")
    return 1 if violations else 0


def sqlite_rows(data_dir: str, query: str, *args) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(os.path.join(data_dir, "switchboard.sqlite"), timeout=30)) as db:
        return db.execute(query, args).fetchall()


def sqlite_in(data_dir: str, query: str, values: list[str]) -> list[tuple]:
    return h.Database(sqlite_path=os.path.join(data_dir, "switchboard.sqlite")).rows_in(query, values)


def setup_failed(what: str, logfile: str) -> int:
    return h.setup_failed(P, what, logfile)


if __name__ == "__main__":
    sys.exit(main())
