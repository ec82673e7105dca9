"""Outbound messages per second through the outbox to the emulator. Run through Benchmarks/run-outbound.sh;
arguments: BINARY WEBHOOKLOAD WORKDIR OUT_JSON [POSTGRES_URL].

One run measures, in this order:
  - the ceiling: `WebhookLoad send` posts `hello_world` template sends straight to a stand-alone emulator
    (`switchboard sandbox --instant`) at CONCURRENCY for DURATION seconds; what the provider side absorbs here;
  - Switchboard on SQLite, then on PostgreSQL when a URL is given (a database is created for the run, dropped after),
    each in two workloads: SOLO_SENDS to one account paced at SOLO_RATE, and FLEET_SENDS spread over FLEET_ACCOUNTS
    accounts at FLEET_RATE each.
A workload is queued first (POST /api/v1/messages from CLIENTS threads, `serve` with SWITCHBOARD_DISPATCHERS=0, so
nothing leaves), then `serve` restarts with its default dispatchers and drains the outbox. The emulator's numbers have
no callback URL, so no status webhooks come back: this measures the send path alone. From the emulator's sent logs:
throughput = sends / (last acceptedAtMs - first acceptedAtMs), and per account the most sends in any 1,000 ms window,
which must not exceed its rate. From the database: every message `sent`, none failed, the outbox empty. The server's
peak memory is VmHWM of the draining process. The JSON written to OUT_JSON is turned into BENCHMARKS.md's table by
run-outbound.sh. Exits 1 when a check fails, 2 when the run could not be set up."""

import json
import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "scripts"))
import sb_harness as h  # noqa: E402

SOLO_SENDS = int(os.environ.get("OUTBOUND_SOLO_SENDS", 8000))
SOLO_RATE = int(os.environ.get("OUTBOUND_SOLO_RATE", 1000))
FLEET_ACCOUNTS = int(os.environ.get("OUTBOUND_FLEET_ACCOUNTS", 100))
FLEET_SENDS = int(os.environ.get("OUTBOUND_FLEET_SENDS", 20000))
FLEET_RATE = int(os.environ.get("OUTBOUND_FLEET_RATE", 80))
CLIENTS = int(os.environ.get("OUTBOUND_CLIENTS", 16))
CONCURRENCY = int(os.environ.get("OUTBOUND_CONCURRENCY", 32))
DURATION = float(os.environ.get("OUTBOUND_DURATION", 10))
MAX_OTHER = int(os.environ.get("OUTBOUND_MAX_OTHER", 10))
IDLE_WAIT = float(os.environ.get("OUTBOUND_IDLE_WAIT", 900))
P = "outbound"


def say(text: str) -> None:
    h.log(P, text)


class Failed(Exception):
    pass


class SetupFailed(Failed):
    """The run could not be set up (exit 2), as opposed to a check that failed (exit 1)."""


def start_emulator(binary: str, work: str, procs: h.Processes) -> tuple[str, h.Http]:
    """A stand-alone emulator (`switchboard sandbox --instant`) on a free port: its URL and a client for it."""
    port = h.free_port()
    url, log = f"http://127.0.0.1:{port}", os.path.join(work, "sandbox.log")
    emu = procs.start("sandbox", [binary, "sandbox", "--instant", "--host", "127.0.0.1", "--port", str(port)], dict(os.environ), log)
    if not h.wait_http(url + "/sandbox/stats", 60, emu):
        raise SetupFailed(f"the emulator did not start; see {log}")
    return url, h.Http(url)


def stores(pg_url: str | None, prefix: str, run_id: str, cleanup: list) -> list[tuple[str, str | None]]:
    """SQLite, and with a PostgreSQL URL a database created for this run (its drop appended to `cleanup`)."""
    found: list[tuple[str, str | None]] = [("SQLite", None)]
    if pg_url:
        name = f"{prefix}_{run_id}"
        made = h.psql_once(pg_url, f"CREATE DATABASE {name}")
        if made.returncode != 0:
            raise SetupFailed(f"the role cannot create a database ({made.stderr.strip()}); grant CREATEDB")
        cleanup.append(lambda: h.psql_once(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        found.append(("PostgreSQL", h.with_database(pg_url, name)))
    return found


def machine_busy(seconds: float = 3) -> int:
    """Percent of the machine's CPU time not idle over `seconds`."""
    def sample():
        v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
        return v[3] + v[4], sum(v)
    i1, t1 = sample()
    time.sleep(seconds)
    i2, t2 = sample()
    return round(100 - 100 * (i2 - i1) / max(1, t2 - t1))


def wait_idle() -> None:
    """Other work on the machine would be measured too: waits (up to IDLE_WAIT s) for it to be 90% idle."""
    waited = 0.0
    while (busy := machine_busy()) > MAX_OTHER:
        if waited >= IDLE_WAIT:
            say(f"warning: the machine is still {busy}% busy; measuring anyway")
            return
        if waited == 0:
            say(f"waiting for the machine to be idle ({busy}% busy)")
        time.sleep(10)
        waited += 13


class Memory:
    """Samples a process's resident memory every 50 ms; `peak_mib` is the kernel's high-water mark (VmHWM)."""

    def __init__(self, pid: int):
        self.pid, self.samples, self.stopped = pid, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _field(self, name: str) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        return 0

    def _run(self) -> None:
        while not self.stopped.wait(0.05):
            try:
                self.samples.append(self._field("VmRSS"))
            except OSError:
                return

    def stop(self) -> float:
        peak = self._field("VmHWM")
        self.stopped.set()
        self.thread.join()
        return peak / 1024


def statuses(db: h.Database, account_ids: list[str]) -> dict[str, int]:
    """Outbound messages of these accounts by status."""
    rows = db.rows_in("SELECT status, COUNT(*) FROM messages WHERE direction = 'outbound' AND account_id IN ({}) "
                      "GROUP BY status", account_ids)
    counts: dict[str, int] = {}
    for status, count in rows:
        counts[status] = counts.get(status, 0) + int(count)
    return counts


class Backend:
    """One Switchboard data store: a SQLite directory or a PostgreSQL database, with the processes serving it."""

    def __init__(self, name: str, binary: str, work: str, procs: h.Processes, emu_url: str, db_url: str | None):
        self.name, self.binary, self.procs, self.emu_url = name, binary, procs, emu_url
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = h.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k not in ("DATABASE_URL", "PORT", "HOST")}
        env.update(SWITCHBOARD_DATA_DIR=os.path.join(self.dir, "data"), SWITCHBOARD_SANDBOX="off",
                   SWITCHBOARD_SANDBOX_URL=emu_url, HOST="127.0.0.1", PORT=str(self.port), LOG_LEVEL="warning")
        if db_url:
            env.update(DATABASE_URL=db_url, SWITCHBOARD_MASTER_KEY=h.random_key_b64())
        self.env = env
        self.db = h.Database(url=db_url) if db_url else h.Database(sqlite_path=os.path.join(self.dir, "data", "switchboard.sqlite"))
        self.api = h.Http(self.base)
        self.key = ""
        self.log = os.path.join(self.dir, "serve.log")

    def start(self, dispatchers: int | None):
        env = dict(self.env)
        if dispatchers is not None:
            env["SWITCHBOARD_DISPATCHERS"] = str(dispatchers)
        proc = self.procs.start("serve", [self.binary, "serve"], env, self.log)
        if not h.wait_http(self.base + "/health/ready", 180, proc, step=0.05):
            raise Failed(f"serve on {self.name} did not become ready; see {self.log}")
        if not self.key:
            self.key = h.create_api_key(self.binary, self.env, "outbound-bench")
        return proc

    def stop(self) -> None:
        if self.procs.stop("serve") not in (0, None):
            raise Failed(f"serve on {self.name} did not stop cleanly; see {self.log}")


def queue(backend: Backend, plan: list[tuple[str, str]], run_id: str) -> dict:
    """Posts one template send per (account id, recipient) from CLIENTS threads; every answer must be 202."""
    auth = {"Authorization": f"Bearer {backend.key}", "Content-Type": "application/json"}
    latencies: list[float] = []
    refused: list[str] = []
    lock = threading.Lock()

    def post(item: tuple[int, tuple[str, str]]) -> None:
        index, (account, to) = item
        body = h.compact(h.template_send(to, account))
        began = time.perf_counter()
        status, data = backend.api.request("POST", "/api/v1/messages", body, {**auth, "Idempotency-Key": f"out-{run_id}-{index}"})
        elapsed = (time.perf_counter() - began) * 1000
        with lock:
            latencies.append(elapsed)
            if status != 202:
                refused.append(f"{status} {data[:200]!r}")

    began = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(post, enumerate(plan)))
    seconds = time.monotonic() - began
    if refused:
        raise Failed(f"{len(refused)} sends were not accepted, e.g. {refused[:3]}")
    latencies.sort()
    return {"accepted": len(plan), "accept_per_s": len(plan) / seconds, "accept_p50_ms": percentile(latencies, 0.5),
            "accept_p99_ms": percentile(latencies, 0.99)}


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, max(0, int(-(-len(sorted_values) * p // 1)) - 1))]


def workload(backend: Backend, emulator: h.Http, label: str, tag: str, accounts: int, sends: int, rate: int, run_id: str) -> dict:
    """Creates the accounts (queueing only), queues `sends`, restarts with dispatchers, drains, and checks. `tag` makes
    this workload's phone number ids differ from every other's in the shared emulator."""
    backend.start(dispatchers=0)
    numbers: dict[str, tuple[str, int]] = {}  # phone number id -> (account id, rate)
    for i in range(accounts):
        phone = f"4{run_id}{tag}{i:04d}"
        token, secret = f"out-token-{run_id}-{tag}-{i}-0123456789", f"out-secret-{run_id}-{tag}-{i}"
        # The number is known to the emulator first: creating the account verifies it there.
        h.register_number(emulator, phone, token, secret, None)
        status, body = backend.api.json("POST", "/api/v1/whatsapp-accounts", {
            "name": f"{label} {i}", "provider": "sandbox", "phoneNumberId": phone, "businessAccountId": "1" + phone,
            "accessToken": token, "appSecret": secret, "messagesPerSecond": rate,
        }, {"Authorization": f"Bearer {backend.key}"})
        if status not in (200, 201):
            raise Failed(f"creating account {label} {i} answered {status}: {body}")
        numbers[phone] = (body["id"], rate)
    ids = [account for account, _ in numbers.values()]
    # A new recipient for every send: the pair rate (about one per 6 s per recipient) is not what is measured here.
    plan = [(ids[n % len(ids)], "+1555%07d" % n) for n in range(sends)]
    say(f"{backend.name} {label}: queueing {sends} sends to {accounts} account(s) at {rate}/s each")
    queued = queue(backend, plan, f"{run_id}-{tag}")
    backend.stop()

    wait_idle()
    _, before = emulator.json("GET", "/sandbox/stats")
    proc = backend.start(dispatchers=None)
    memory = Memory(proc.pid)
    began = time.monotonic()
    target = before["messagesAccepted"] + sends
    while True:
        _, stats = emulator.json("GET", "/sandbox/stats")
        if stats["messagesAccepted"] >= target:
            break
        if time.monotonic() - began > 60 + 3 * sends / max(1, min(rate * accounts, 5000)):
            raise Failed(f"{backend.name} {label}: only {stats['messagesAccepted'] - before['messagesAccepted']} of {sends} sent")
        time.sleep(0.05)
    drain_s = time.monotonic() - began
    time.sleep(1)  # the last outcomes' group commit
    peak_mib = memory.stop()

    times, worst, over = [], [], []
    for phone, (account, limit) in numbers.items():
        _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
        accepted = [m["acceptedAtMs"] for m in report["messages"]]
        times += accepted
        most, at = h.max_in_window(accepted)
        worst.append(most)
        if most > limit:
            over.append(f"{phone}: {most} in the 1,000 ms from {at}")
        if report["duplicateCallbackData"]:
            raise Failed(f"{phone} was sent {len(report['duplicateCallbackData'])} message(s) twice")
    counts = statuses(backend.db, ids)
    outbox = int(backend.db.scalar("SELECT COUNT(*) FROM outbox"))
    backend.stop()
    if len(times) != sends:
        raise Failed(f"{backend.name} {label}: the emulator holds {len(times)} sends, expected {sends}")
    if counts.get("sent", 0) != sends or outbox:
        raise Failed(f"{backend.name} {label}: statuses {counts}, outbox {outbox}, expected {sends} sent and an empty outbox")
    span_s = (max(times) - min(times)) / 1000
    result = {"backend": backend.name, "workload": label, "accounts": accounts, "rate": rate, "sends": sends,
              "throughput": (sends - 1) / span_s if span_s > 0 else 0.0, "span_s": span_s, "drain_s": drain_s,
              "max_window": max(worst), "over_rate": over, "peak_mib": peak_mib, **queued}
    say(f"{backend.name} {label}: {result['throughput']:.0f}/s over {span_s:.2f} s (drained {drain_s:.2f} s after the "
        f"restart began), most in any second on one account {max(worst)} (rate {rate}), peak RSS {peak_mib:.0f} MiB; "
        f"queued at {queued['accept_per_s']:.0f}/s")
    return result


def ceiling(webhookload: str, emulator: h.Http, emu_url: str, run_id: str) -> dict:
    phone, token = f"49{run_id}0000001", f"ceiling-token-{run_id}-0123456789"
    h.register_number(emulator, phone, token, "ceiling-secret", None)
    wait_idle()
    out_json = f"/tmp/outbound-ceiling-{run_id}.json"
    run = subprocess.run([webhookload, "send", "--url", f"{emu_url}/v21.0/{phone}/messages", "--token", token,
                          "--concurrency", str(CONCURRENCY), "--duration", str(DURATION), "--warmup", "2", "--json", out_json],
                         capture_output=True, text=True, timeout=DURATION + 120)
    print(run.stdout.rstrip())
    if run.returncode != 0:
        raise Failed(f"WebhookLoad send exited {run.returncode}: {run.stderr.strip()[-500:]}")
    with open(out_json) as f:
        measured = json.load(f)
    os.remove(out_json)
    say(f"ceiling: {measured['throughput']:.0f}/s straight to the emulator at concurrency {CONCURRENCY}, "
        f"p50 {measured['p50_ms']:.2f} ms, p99 {measured['p99_ms']:.2f} ms")
    return measured


def main() -> int:
    binary, webhookload, work, out_path = sys.argv[1:5]
    pg_url = sys.argv[5] if len(sys.argv) > 5 else None
    procs = h.Processes(os.path.join(work, "pids"))
    cleanup = []
    try:
        run_id = "%05d" % random.randrange(10**5)
        emu_url, emulator = start_emulator(binary, work, procs)
        report = {"ceiling": ceiling(webhookload, emulator, emu_url, run_id), "runs": [],
                  "settings": {"concurrency": CONCURRENCY, "duration": DURATION, "clients": CLIENTS}}
        backends = stores(pg_url, "sb_outbound", run_id, cleanup)
        for index, (name, url) in enumerate(backends):
            backend = Backend(name, binary, work, procs, emu_url, url)
            report["runs"].append(workload(backend, emulator, "one account", f"{index}1", 1, SOLO_SENDS, SOLO_RATE, run_id))
            report["runs"].append(workload(backend, emulator, f"{FLEET_ACCOUNTS} accounts", f"{index}2", FLEET_ACCOUNTS,
                                           FLEET_SENDS, FLEET_RATE, run_id))
        with open(out_path, "w") as f:
            json.dump(report, f, indent=2)
        over = [line for run in report["runs"] for line in run["over_rate"]]
        if over:
            say(f"FAILED: over the configured rate: {over[:5]}")
            return 1
        return 0
    except SetupFailed as failure:
        say(f"SETUP FAILED: {failure}")
        return 2
    except Failed as failure:
        say(f"FAILED: {failure}")
        return 1
    finally:
        procs.stop_all()
        for step in cleanup:
            step()


if __name__ == "__main__":
    sys.exit(main())
