"""Chaos under a steady load: a slow, failing and flapping provider, SIGKILLs of the server, a PostgreSQL restart or
a full disk; then nothing acknowledged is lost or doubled, every accepted send is delivered or failed with a reason,
no lease is stuck, and the server was ready again within seconds of each blow. Run through scripts/chaos-check.sh
(which installs what is missing, mounts the tmpfs, starts the PostgreSQL cluster and cleans up); arguments:
BINARY WORKDIR sqlite|postgresql [options], each option also an environment variable (CHAOS_...).

The emulator (`switchboard sandbox --instant`, its own process, so it outlives every kill) serves two sandbox
numbers; `serve` points at it (SWITCHBOARD_SANDBOX=off). CLIENTS threads keep a steady RATE of template sends
(`POST /api/v1/messages`, each with an Idempotency-Key) and as many signed inbound deliveries (`POST
/webhooks/whatsapp`, each its own wamid) per second, and post again whatever was not acknowledged (202, 200), with
the same bytes, as a client and Meta would. Meanwhile, each for PHASE_SECONDS unless said otherwise:
  slow       the emulator waits LATENCY_MS before answering every send;
  failing    it answers 30% of sends 503 (131016), 10% 429 (130429), and fails 3% for good (131026);
  flapping   every second or so each number's faults change: latency, 5xx, 429, both, dropped or duplicated and
             reordered status webhooks, or none;
  kills      KILLS times, after a seeded 0.5-2.5 s and then as soon as a dispatcher holds a claimed batch (at most
             KILL_LEASE_WAIT s more), `serve` gets SIGKILL and is started again at once;
  postgres   (PostgreSQL) PG_RESTARTS times, after a seeded 1-3 s, the cluster is stopped (pg_ctl -m fast), kept down
             a seeded 0.5-PG_DOWN s and started again; `serve` must reconnect on its own;
  disk-full  (SQLite on a tmpfs) the data directory's filesystem is filled to the last byte (after a WAL checkpoint
             that gives back the WAL's space) for PHASE_SECONDS, sends answered after LATENCY_MS meanwhile (so
             answers arrive while it is full), then freed; `serve` must refuse writes, stay up, and take writes
             again once there is room.
On SQLite the kills come last (a restart frees the leases a full disk may leave); on PostgreSQL first (a killed
process's leases expire after 60 s, while the other phases run). After the load, the faults are cleared, what was
not acknowledged is retried, and the check waits for the outbox to drain (or for SETTLE_TIMEOUT s without
progress), then IDLE s more. The checks, one line each, by id:
  acknowledged   every request was acknowledged in the end;
  inbound-once   every acknowledged inbound wamid is stored exactly once, and no other wamid of the run is;
  sends-settled  every accepted send is delivered (it reached the emulator, and is sent or beyond here) or failed with
                 a reason, and one message was stored per Idempotency-Key;
  duplicates     the emulator's sent log: sends that reached it more than once, counted (a failure only above
                 MAX_DUPLICATES, when that is set);
  leases         no outbox row has a lease_owner with a lease_until in the past (rows left are shown; sends-settled
                 fails for them);
  ready          `/health/ready` answered within READY_LIMIT s of each restart (kills: from the new process's start;
                 PostgreSQL: from the cluster's start; the full disk: the first acknowledged write after space
                 returned), and at the end;
  no-exit        `serve` never exited on its own (it is started again if it does);
  integrity      SQLite: `PRAGMA integrity_check` (by the sqlite3 tool) is ok;
  disk-full      SQLite on a tmpfs: while full, writes were refused with 5xx (never 4xx or a dropped connection)
                 and the server log names the full disk.
CHAOS_KNOWN_FAILURES=id,id reports those checks' failures as KNOWN, not counted. CHAOS_PHASES=a,b,c runs those
phases in that order (e.g. CHAOS_PHASES=baseline,postgres,slow to repeat one blow); CHAOS_HOLD_ON_FAILURE=s keeps
the processes up that long after a failed check, for inspection; CHAOS_LOG_LEVEL sets the server's LOG_LEVEL.
Exits 1 on any failed check, 2 when the run could not be set up."""

import argparse
import collections
import heapq
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sb_harness as h  # noqa: E402

P = "chaos-check"
FINAL = ("sent", "delivered", "read", "failed")


def say(text: str) -> None:
    h.log(P, text)


def options(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="chaos_check.py", description="see the module's docstring")
    p.add_argument("binary")
    p.add_argument("work")
    p.add_argument("backend", choices=["sqlite", "postgresql"])
    p.add_argument("--url", help="PostgreSQL: the private cluster's URL")
    p.add_argument("--cluster", help="PostgreSQL: the private cluster's directory (scripts/postgres-cluster.sh)")
    p.add_argument("--cluster-port", type=int)
    p.add_argument("--disk", default="skip:no tmpfs was mounted", help="SQLite: 'tmpfs' or 'skip:<why>'")
    p.add_argument("--seed", type=int, default=int(env("CHAOS_SEED") or random.randrange(1, 10**6)))
    p.add_argument("--rate", type=float, default=float(env("CHAOS_RATE", 6)), help="sends and inbound deliveries per second, each")
    p.add_argument("--phase-seconds", type=float, default=float(env("CHAOS_PHASE_SECONDS", 8)))
    p.add_argument("--kills", type=int, default=int(env("CHAOS_KILLS", 3)))
    p.add_argument("--kill-lease-wait", type=float, default=float(env("CHAOS_KILL_LEASE_WAIT", 1)),
                   help="after a kill's seeded moment, wait up to this long for a dispatcher to hold a batch")
    p.add_argument("--pg-restarts", type=int, default=int(env("CHAOS_PG_RESTARTS", 2)))
    p.add_argument("--pg-down", type=float, default=float(env("CHAOS_PG_DOWN", 2.5)), help="most seconds PostgreSQL stays down")
    p.add_argument("--latency-ms", type=int, default=int(env("CHAOS_LATENCY_MS", 400)))
    p.add_argument("--clients", type=int, default=int(env("CHAOS_CLIENTS", 16)))
    p.add_argument("--ready-limit", type=float, default=float(env("CHAOS_READY_LIMIT", 10)))
    p.add_argument("--settle-timeout", type=float, default=float(env("CHAOS_SETTLE_TIMEOUT", 100)),
                   help="seconds without progress before the drain is given up")
    p.add_argument("--phases", default=env("CHAOS_PHASES", ""),
                   help="comma-separated phases to run instead of the backend's own order (to reproduce one blow)")
    p.add_argument("--hold-on-failure", type=float, default=float(env("CHAOS_HOLD_ON_FAILURE", 0)),
                   help="when a check fails, keep the processes up this many seconds for inspection")
    p.add_argument("--known-failures", default=env("CHAOS_KNOWN_FAILURES", ""),
                   help="comma-separated check ids whose failure is reported as KNOWN and not counted")
    p.add_argument("--idle", type=float, default=float(env("CHAOS_IDLE", 3)))
    p.add_argument("--max-duplicates", type=int, default=int(env("CHAOS_MAX_DUPLICATES", -1)), help="-1: count only")
    return p.parse_args(argv)


class Phases:
    """The phase the run is in, and when each began and ended (monotonic seconds)."""

    def __init__(self):
        self.name = "setup"
        self.spans: list[list] = []  # [name, began, ended, what]

    def enter(self, name: str, what: str) -> None:
        now = time.monotonic()
        if self.spans and self.spans[-1][2] is None:
            self.spans[-1][2] = now
        self.name = name
        self.spans.append([name, now, None, what])

    def end(self) -> None:
        self.enter("drain", "faults cleared; what was not acknowledged is posted again")


class SteadyLoad:
    """RATE sends and RATE inbound deliveries a second, interleaved, from a pool of CLIENTS threads; an attempt that is
    not acknowledged is posted again after 0.5 s per attempt so far (at most 3 s). Outcomes are counted per phase."""

    def __init__(self, api: h.Http, make_item, rate: float, clients: int, phases: Phases):
        self.api, self.make_item, self.interval, self.phases = api, make_item, 1 / (2 * rate), phases
        self.pool = ThreadPoolExecutor(clients)
        self.items: list[h.Item] = []
        self.lock = threading.Lock()
        self.retries: list = []  # heap of (due, seq, item)
        self.outstanding = 0  # submitted and not acknowledged yet
        self.stats: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
        self.refusals: dict[str, dict[str, bytes]] = collections.defaultdict(dict)  # phase -> status -> a body
        self.ack_times: list[float] = []
        self.new = threading.Event()
        self.new.set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._pace, daemon=True)
        self.seq = 0

    def start(self) -> None:
        self.thread.start()

    def _submit(self, item: h.Item) -> None:
        self.pool.submit(self._attempt, item)

    def _pace(self) -> None:
        next_at, n = time.monotonic(), 0
        while not self.done.is_set():
            now = time.monotonic()
            if self.new.is_set() and now >= next_at:
                item = self.make_item(n)
                n += 1
                next_at += self.interval
                with self.lock:
                    self.items.append(item)
                    self.outstanding += 1
                self._submit(item)
                continue
            due = []
            with self.lock:
                while self.retries and self.retries[0][0] <= now:
                    due.append(heapq.heappop(self.retries)[2])
            for item in due:
                self._submit(item)
            time.sleep(0.002)

    def _attempt(self, item: h.Item) -> None:
        phase = self.phases.name
        outcome = item.post(self.api)
        with self.lock:
            self.stats[(phase, item.kind)][outcome] += 1
            if item.acked:
                self.outstanding -= 1
                self.ack_times.append(time.monotonic())
            else:
                if outcome.isdigit() and outcome not in self.refusals[phase]:
                    self.refusals[phase][outcome] = item.refusal
                self.seq += 1
                heapq.heappush(self.retries, (time.monotonic() + min(0.5 * item.attempts, 3), self.seq, item))

    def first_ack_after(self, t: float, timeout: float) -> float | None:
        """Seconds from `t` to the first acknowledgement after it, waiting up to `timeout` for one."""
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                later = [a for a in self.ack_times[-2000:] if a > t]
            if later:
                return min(later) - t
            if time.monotonic() > end:
                return None
            time.sleep(0.01)

    def finish(self, timeout: float) -> int:
        """Stops making new requests, retries what is not acknowledged for up to `timeout` s; the number left."""
        self.new.clear()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if self.outstanding == 0:
                    break
            time.sleep(0.05)
        self.done.set()
        self.thread.join()
        self.pool.shutdown(wait=True)
        with self.lock:
            return self.outstanding


class Run:
    def __init__(self, o: argparse.Namespace, procs: h.Processes):
        self.o, self.procs = o, procs
        self.rng = random.Random(o.seed)
        self.run_id = "%06d" % (o.seed % 10**6)
        self.phases = Phases()
        self.violations: list[str] = []
        self.checks: list[tuple[bool, str]] = []
        self.unexpected_exits: list[str] = []
        self.ready: dict[str, list[float | None]] = collections.defaultdict(list)
        self.started = time.monotonic()

    # The server: started, watched, killed, restarted.

    def start_serve(self, label: str) -> float | None:
        proc, seconds = self.procs.start_ready("serve", [self.o.binary, "serve"], self.env, self.serve_log,
                                               self.base + "/health/ready", 120)
        self.serve = proc
        self.ready[label].append(seconds)
        return seconds

    def watch(self) -> None:
        """Notes an exit of `serve` that nobody asked for, with its last log lines, and starts it again."""
        code = self.serve.poll()
        if code is None:
            return
        self.procs.running.pop("serve", None)
        with open(self.serve_log, errors="replace") as f:
            tail = [line.rstrip() for line in f.readlines()[-8:]]
        self.unexpected_exits.append(f"serve exited with {code} during {self.phases.name}; its last lines: " + " | ".join(tail))
        say(f"serve EXITED with {code} during {self.phases.name}; starting it again")
        self.start_serve("after an unexpected exit")

    def hold(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.watch()
            time.sleep(min(0.1, max(0, end - time.monotonic())))

    def faults(self, phone: str, faults: dict) -> None:
        self.emulator.json("PUT", f"/sandbox/numbers/{phone}/faults", faults)

    def all_faults(self, faults: dict) -> None:
        for phone in self.phones:
            self.faults(phone, faults)

    # Setup.

    def setup(self) -> int | None:
        o = self.o
        work = o.work
        emu_port, port = h.free_port(), h.free_port()
        self.emu_url, self.base = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{port}"
        self.data_dir = os.path.join(work, "data")
        self.serve_log, self.emu_log = os.path.join(work, "serve.log"), os.path.join(work, "sandbox.log")
        emu = self.procs.start("sandbox", [o.binary, "sandbox", "--instant", "--host", "127.0.0.1", "--port", str(emu_port),
                                           "--seed", str(o.seed)], dict(os.environ), self.emu_log)
        if not h.wait_http(self.emu_url + "/sandbox/stats", 60, emu):
            return h.setup_failed(P, "the emulator did not start", self.emu_log)
        self.emulator = h.Http(self.emu_url)
        self.emulator.json("PUT", "/sandbox/timing", {"sentDelayMs": 0, "deliveredDelayMs": 0, "readDelayMs": 0, "speedFactor": 1,
                                                       "instant": True, "sendsReads": False})
        env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k not in ("DATABASE_URL", "HOST", "PORT")}
        env.update(SWITCHBOARD_DATA_DIR=self.data_dir, SWITCHBOARD_SANDBOX="off", SWITCHBOARD_SANDBOX_URL=self.emu_url,
                   SWITCHBOARD_MASTER_KEY=h.random_key_b64(), HOST="127.0.0.1", PORT=str(port),
                   LOG_LEVEL=os.environ.get("CHAOS_LOG_LEVEL", "info"))
        if o.backend == "postgresql":
            env["DATABASE_URL"] = o.url
            self.db = h.Database(url=o.url)
        else:
            self.db = h.Database(sqlite_path=os.path.join(self.data_dir, "switchboard.sqlite"))
        self.env = env
        if self.start_serve("first start") is None:
            return h.setup_failed(P, "serve did not become ready", self.serve_log)
        self.ready.clear()
        key = h.create_api_key(o.binary, {**env, "LOG_LEVEL": "info"}, "chaos-check")
        self.api = h.Http(self.base, timeout=20)
        self.accounts: list[str] = []
        self.phones: list[str] = []
        self.secrets: dict[str, str] = {}
        for k in range(2):
            phone = f"33{self.run_id}{k + 1:07d}"
            token, secret = f"chaos-token-{self.run_id}-{k}-0123456789", f"chaos-app-secret-{self.run_id}-{k}"
            account = h.create_sandbox_account(h.Http(self.base), key, f"Chaos number {k + 1}", phone, token, secret)
            h.register_number(self.emulator, phone, token, secret, self.base + "/webhooks/whatsapp")
            self.accounts.append(account.upper())
            self.phones.append(phone)
            self.secrets[phone] = secret
        self.key = key
        return None

    def make_item(self, n: int) -> h.Item:
        i, k = n // 2, (n // 2) % 2
        if n % 2 == 0:
            return h.Item.send(i, self.accounts[k], "+1555%07d" % (6_000_000 + i), self.key, f"chaos-{self.run_id}-{i}")
        return h.Item.inbound(i, self.phones[k], self.secrets[self.phones[k]], f"wamid.CHAOSCHECK{self.run_id}{i:07d}",
                              "1555600%04d" % (i % 40), f"User {i % 40}", f"hello {i}")

    # The phases.

    def baseline(self) -> None:
        self.phases.enter("baseline", "no faults")
        self.hold(2)

    def slow(self) -> None:
        self.phases.enter("slow", f"every send answered after {self.o.latency_ms} ms")
        self.all_faults({"latencyMs": self.o.latency_ms})
        self.hold(self.o.phase_seconds)

    def failing(self) -> None:
        self.phases.enter("failing", "sends answered 503 (30%), 429 (10%), failed for good with 131026 (3%)")
        self.all_faults({"rate5xx": 0.3, "rate429": 0.1, "errorCode": 131026, "errorRate": 0.03})
        self.hold(self.o.phase_seconds)

    def flapping(self) -> None:
        menu = [("latency", {"latencyMs": self.o.latency_ms * 2}), ("5xx", {"rate5xx": 0.5}), ("429", {"rate429": 0.3}),
                ("5xx+429", {"rate5xx": 0.3, "rate429": 0.2}), ("webhooks doubled and reordered",
                                                                {"duplicateWebhookRate": 0.5, "reorderWebhooks": True}),
                ("webhooks dropped", {"dropWebhookRate": 0.3})]
        self.phases.enter("flapping", "each number's faults changed every 0.4-1.4 s: " + ", ".join(m[0] for m in menu) + " or none")
        end, toggles = time.monotonic() + self.o.phase_seconds, 0
        on = False
        while time.monotonic() < end:
            on = not on
            for phone in self.phones:
                self.faults(phone, self.rng.choice(menu)[1] if on and self.rng.random() < 0.8 else {})
            toggles += 1
            self.hold(self.rng.uniform(0.6, 1.4) if on else self.rng.uniform(0.4, 1.0))
        self.all_faults({})
        self.phases.spans[-1][3] += f" ({toggles} changes)"

    def kills(self) -> None:
        self.phases.enter("kills", f"{self.o.kills} SIGKILLs at seeded moments, each restarted at once")
        for k in range(self.o.kills):
            self.hold(self.rng.uniform(0.5, 2.5))
            until = time.monotonic() + self.o.kill_lease_wait
            while (leased := self.leased()) in ("0", "?") and time.monotonic() < until:
                time.sleep(0.003)
            self.procs.kill("serve", signal.SIGKILL)
            seconds = self.start_serve("kill")
            say(f"kill {k + 1}: SIGKILL with {leased} outbox rows leased; ready {fmt_s(seconds)} after the restart")
            if seconds is None:
                return
        self.hold(1)

    def postgres(self) -> None:
        o = self.o
        self.phases.enter("postgres", f"{o.pg_restarts} PostgreSQL restarts (pg_ctl -m fast stop, down 0.5-{o.pg_down} s, start)")
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "postgres-cluster.sh")
        for r in range(o.pg_restarts):
            self.hold(self.rng.uniform(1, 3))
            down_for = self.rng.uniform(0.5, o.pg_down)
            stopped_at = time.monotonic()
            subprocess.run([script, "stop", o.cluster], check=False, capture_output=True, timeout=120)
            stop_s = time.monotonic() - stopped_at
            self.hold(down_for)
            answer = self.probe_ready()
            starting = time.monotonic()
            started = subprocess.run([script, "start", o.cluster, str(o.cluster_port)], capture_output=True, text=True, timeout=120)
            up_at = time.monotonic()
            if started.returncode != 0:
                self.violations.append(f"PostgreSQL did not start again: {started.stderr.strip()[-300:]}")
                return
            # Waits past READY_LIMIT (three times it, 30 s at least) only to tell "late" from "never".
            patience = max(3 * o.ready_limit, 30)
            ready = h.wait_http(self.base + "/health/ready", patience, self.serve, step=0.005)
            seconds = time.monotonic() - up_at if ready else None
            self.watch()
            self.ready["PostgreSQL restart"].append(seconds)
            write = self.load.first_ack_after(up_at, 0 if seconds is None else patience)
            say(f"PostgreSQL restart {r + 1}: down {up_at - stopped_at:.1f} s (stopping {stop_s:.1f} s, starting "
                f"{up_at - starting:.1f} s; /health/ready meanwhile: {answer}); serve ready {fmt_s(seconds)} and the "
                f"first write acknowledged {fmt_s(write)} after it was back")
        self.hold(1)

    def disk_full(self) -> None:
        o = self.o
        if o.disk != "tmpfs":
            say(f"disk-full phase SKIPPED: {o.disk.split(':', 1)[-1]}")
            return
        self.phases.enter("disk-filling", "a WAL checkpoint, then the filler written")
        # Sends answered slowly meanwhile, so that dispatchers hold answered sends whose outcomes must be recorded
        # while the disk is full.
        self.all_faults({"latencyMs": o.latency_ms})
        checkpoint = self.checkpoint()
        filler = os.path.join(self.data_dir, "filler")
        written = fill(filler)
        st = os.statvfs(self.data_dir)
        free = st.f_bavail * st.f_frsize
        full_at = time.monotonic()
        self.phases.enter("disk-full", f"the data directory's tmpfs full for {o.phase_seconds:g} s (sends answered after "
                                       f"{o.latency_ms} ms), then freed")
        say(f"disk full: WAL checkpoint {checkpoint}; filler of {written / 2**20:.1f} MiB, {free} bytes left")
        self.hold(o.phase_seconds)
        alive = self.serve.poll() is None
        answer = self.probe_ready()
        os.remove(filler)
        freed_at = time.monotonic()
        self.all_faults({})
        self.phases.enter("disk-freed", "space back: the first writes after it")
        write = self.load.first_ack_after(freed_at, 60)
        self.ready["disk space back (first acknowledged write)"].append(write)
        say(f"disk freed after {freed_at - full_at:.1f} s full (serve {'up' if alive else 'DOWN'}, /health/ready {answer}); "
            f"first write acknowledged {fmt_s(write)} later")
        self.hold(2)

    def probe_ready(self, timeout: float = 1) -> str:
        try:
            status, _ = h.Http(self.base, timeout=timeout).request("GET", "/health/ready")
            return str(status)
        except Exception as error:  # noqa: BLE001
            return type(error).__name__

    def leased(self) -> str:
        try:
            return str(self.db.scalar("SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL"))
        except Exception:  # noqa: BLE001 - the database may be down
            return "?"

    def checkpoint(self) -> str:
        """Gives the WAL's space back to the filesystem (PRAGMA wal_checkpoint(TRUNCATE)), so the server's next write
        needs new blocks rather than reusing the WAL's."""
        for _ in range(20):
            try:
                busy, log, done = self.db.rows("PRAGMA wal_checkpoint(TRUNCATE)")[0]
                if busy == 0:
                    return f"truncated ({done} of {log} pages)"
            except Exception as error:  # noqa: BLE001
                last = str(error)
                continue
            time.sleep(0.05)
        return "not complete (the server kept the WAL busy)" + (f": {last}" if "last" in locals() else "")

    # The whole run.

    def run(self) -> int:
        o = self.o
        try:
            failed = self.setup()
        except (RuntimeError, OSError) as error:
            failed = h.setup_failed(P, str(error), self.serve_log)
        if failed is not None:
            return failed
        order = ["baseline", "slow", "failing", "flapping", "disk-full", "kills"] if o.backend == "sqlite" else \
                ["baseline", "kills", "postgres", "slow", "failing", "flapping"]
        if o.phases:
            order = [name.strip() for name in o.phases.split(",") if name.strip()]
        say(f"{o.backend}: seed {o.seed} (CHAOS_SEED={o.seed} repeats the schedule); {o.rate:g} sends and {o.rate:g} inbound "
            f"deliveries a second from {o.clients} clients over 2 numbers; phases {', '.join(order)} "
            f"({o.phase_seconds:g} s each, {o.kills} kills" + (f", {o.pg_restarts} PostgreSQL restarts" if o.backend != "sqlite" else "")
            + ")")
        self.load = SteadyLoad(self.api, self.make_item, o.rate, o.clients, self.phases)
        self.load.start()
        load_began = time.monotonic()
        known = {"baseline", "slow", "failing", "flapping", "kills", "postgres", "disk-full"}
        if set(order) - known:
            say(f"SETUP FAILED: unknown phases {sorted(set(order) - known)}; known: {', '.join(sorted(known))}")
            return 2
        try:
            for name in order:
                {"baseline": self.baseline, "slow": self.slow, "failing": self.failing, "flapping": self.flapping,
                 "kills": self.kills, "postgres": self.postgres, "disk-full": self.disk_full}[name]()
        finally:
            self.all_faults({})
            self.phases.end()
        left = self.load.finish(120)
        items = self.load.items
        say(f"load done after {time.monotonic() - load_began:.1f} s: {sum(1 for i in items if i.kind == 'send')} sends and "
            f"{sum(1 for i in items if i.kind == 'inbound')} inbound deliveries, {sum(i.attempts for i in items)} attempts, "
            f"{left} never acknowledged")
        self.report_phases()

        accepted = sorted({i.answer for i in items if i.kind == "send" and i.acked})
        drained = time.monotonic()
        final, outbox_left, stalled = self.settle(accepted)
        say(f"outbox drained {time.monotonic() - drained:.1f} s after the load" if not stalled else
            f"the drain STALLED: no progress for {o.settle_timeout:g} s ({outbox_left} outbox rows left)")
        self.hold(o.idle)
        self.report_log()
        self.check(items, accepted, final)
        return self.verdict()

    def settle(self, ids: list[str]) -> tuple[dict, int, bool]:
        """Waits until every accepted send is sent, delivered, read or failed here and the run's outbox is empty, or
        nothing moved for SETTLE_TIMEOUT s (or twice that passed). Returns the statuses, the outbox rows left, and whether it stalled."""
        accounts = ",".join(h.quote(a) for a in self.accounts)
        best, last_progress, began = None, time.monotonic(), time.monotonic()
        while True:
            self.watch()
            try:
                final = {str(r[0]).upper(): r[1] for r in self.db.rows_in("SELECT id, status FROM messages WHERE id IN ({})", ids)}
                outbox = int(self.db.scalar(f"SELECT count(*) FROM outbox WHERE account_id IN ({accounts})"))
            except RuntimeError:
                time.sleep(0.5)
                continue
            pending = sum(1 for i in ids if final.get(i) not in FINAL)
            if pending == 0 and outbox == 0:
                return final, 0, False
            if best is None or pending + outbox < best:
                best, last_progress = pending + outbox, time.monotonic()
            if time.monotonic() - last_progress > self.o.settle_timeout or time.monotonic() - began > 2 * self.o.settle_timeout:
                return final, outbox, True
            time.sleep(0.5)

    # The checks.

    def result(self, ok: bool, check: str, name: str, detail: str) -> None:
        """One line per check: ok, FAIL, or KNOWN (a failure CHAOS_KNOWN_FAILURES names, reported and not counted)."""
        known = not ok and check in self.o.known_failures.replace(" ", "").split(",")
        self.checks.append(("known" if known else ok, check))
        say(f"{'ok   ' if ok else 'KNOWN' if known else 'FAIL '} [{check}] {name}: {detail}")

    def check(self, items: list[h.Item], accepted: list[str], final: dict) -> None:
        o, db = self.o, self.db
        accounts = ",".join(h.quote(a) for a in self.accounts)
        sends = [i for i in items if i.kind == "send"]
        inbound = [i for i in items if i.kind == "inbound"]

        # Every request acknowledged in the end.
        never = [i for i in items if not i.acked]
        self.result(not never, "acknowledged", "every request acknowledged in the end",
                    f"{len(items) - len(never)} of {len(items)} ({len(sends)} sends, {len(inbound)} inbound deliveries)"
                    + (f"; never: {', '.join(f'{i.kind} #{i.index} {i.errors}' for i in never[:5])}" if never else ""))

        # Inbound: each acknowledged wamid stored exactly once.
        counts = {w: int(c) for w, c in db.rows(f"SELECT wamid, count(*) FROM messages WHERE direction = 'inbound' "
                                                f"AND account_id IN ({accounts}) GROUP BY wamid")}
        acked = {i.wamid for i in inbound if i.acked}
        once = sum(1 for w in acked if counts.get(w) == 1)
        missing = sorted(w for w in acked if w not in counts)
        doubled = sorted(w for w in acked if counts.get(w, 0) > 1)
        unacked = sorted(set(counts) - acked)
        self.result(once == len(acked) and not unacked, "inbound-once", "acknowledged inbound stored exactly once",
                    f"{once} of {len(acked)} stored once, {len(missing)} missing, {len(doubled)} stored more than once, "
                    f"{len(unacked)} stored but never acknowledged" + sample("missing", missing) + sample("doubled", doubled))

        # Sends: delivered (reached the emulator, sent or beyond here) or failed with a reason; one per key.
        details = {str(r[0]).upper(): r[1:] for r in db.rows_in(
            "SELECT id, status, error_code, error_title FROM messages WHERE id IN ({})", accepted)}
        reached: collections.Counter = collections.Counter()
        for phone in self.phones:
            _, report = self.emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
            for callback, n in report["callbackDataCounts"].items():
                reached[callback.upper()] += n
        delivered, failed, failed_but_reached, neither = 0, 0, 0, []
        for message_id in accepted:
            status, code, title = (details.get(message_id) or ("missing", None, None))
            if status in ("sent", "delivered", "read") and reached[message_id]:
                delivered += 1
            elif status == "failed" and (title or code):
                failed += 1
                failed_but_reached += 1 if reached[message_id] else 0
            else:
                neither.append(f"{message_id} is {status} here, reached the emulator {reached[message_id]} times")
        stored = int(db.scalar(f"SELECT count(*) FROM messages WHERE direction = 'outbound' AND account_id IN ({accounts})"))
        strangers = sorted(set(reached) - set(accepted))
        self.result(not neither and stored == len(accepted) and not strangers, "sends-settled",
                    "accepted sends delivered or failed with a reason",
                    f"{delivered} delivered (sent or beyond at the emulator), {failed} failed with a reason "
                    f"({failed_but_reached} of them had reached the emulator), {len(neither)} neither, of {len(accepted)} accepted; "
                    f"{stored} outbound messages stored for them (one per Idempotency-Key)"
                    + (f"; the emulator got {len(strangers)} callback data that no accepted send has" if strangers else "")
                    + sample("neither", neither))
        by_reason = collections.Counter(f"{code} {title}" for s, code, title in details.values() if s == "failed")
        if by_reason:
            say("     failure reasons: " + "; ".join(f"{n} x {reason}" for reason, n in by_reason.most_common(5)))

        extra = sum(n - 1 for n in reached.values() if n > 1)
        twice = sum(1 for n in reached.values() if n > 1)
        limit = o.max_duplicates
        self.result(limit < 0 or extra <= limit, "duplicates", "duplicates at the emulator",
                    f"{extra} extra sends of {twice} messages (the emulator's sent log; counted"
                    + (f", at most {limit} allowed)" if limit >= 0 else ", not limited: set CHAOS_MAX_DUPLICATES to fail above a number)"))

        # Leases.
        stuck = db.rows(f"SELECT message_id, lease_owner, {db.epoch('lease_until')} - {db.epoch(db.now)} FROM outbox "
                        f"WHERE lease_owner IS NOT NULL AND lease_until < {db.now}")
        left = db.rows(f"SELECT message_id, lease_owner, attempts FROM outbox WHERE account_id IN ({accounts})")
        self.result(not stuck, "leases", "no stuck leases",
                    f"{len(stuck)} outbox rows with a lease_owner and a lease_until in the past after {o.idle:g} s idle; "
                    f"{len(left)} rows of the run left in the outbox, {sum(1 for r in left if r[1])} of them leased" + sample("stuck", [f"{r[0]} by {r[1]} ({float(r[2]):.0f} s)" for r in stuck])
                    + sample("left", [f"{r[0]} lease {r[1]} attempt {r[2]}" for r in left]))

        # Readiness after each blow, and no exit nobody asked for.
        limit_s = o.ready_limit
        slow = [(label, s) for label, times in self.ready.items() for s in times if s is None or s > limit_s]
        times = "; ".join(f"{label}: {', '.join(fmt_s(s) for s in ts)}" for label, ts in self.ready.items()) or "no restarts"
        final_ready = self.probe_ready(15)
        self.result(not slow and final_ready == "200", "ready", "ready within seconds of each restart",
                    f"{times} (limit {limit_s:g} s); /health/ready at the end: {final_ready}")
        self.result(not self.unexpected_exits, "no-exit", "serve never exited on its own",
                    f"{len(self.unexpected_exits)} unexpected exits" + sample("exits", self.unexpected_exits))

        if o.backend == "sqlite":
            integrity = h.sqlite_integrity(os.path.join(self.data_dir, "switchboard.sqlite"))
            self.result(integrity == "ok", "integrity", "SQLite integrity_check", integrity)
            if o.disk == "tmpfs":
                self.check_disk_full()

        for violation in self.violations:
            self.result(False, "run", "run", violation)

    def check_disk_full(self) -> None:
        answers = collections.Counter()
        for kind in ("send", "inbound"):
            answers.update(self.load.stats.get(("disk-full", kind), {}))
        refused = {k: v for k, v in answers.items() if k.isdigit() and not k.startswith("2")}
        wrong = {k: v for k, v in refused.items() if not k.startswith("5")}
        below = {k: v for k, v in answers.items() if not k.isdigit()}
        with open(self.serve_log, errors="replace") as f:
            named = sum(1 for line in f if "disk is full" in line or "SQLITE_FULL" in line)
        body = next(iter(self.load.refusals.get("disk-full", {}).values()), b"")
        ok = bool(refused) and not wrong and not below and named > 0
        self.result(ok, "disk-full", "full disk refused clearly",
                    f"answers while full {dict(answers)}; {named} server log lines name the full disk; "
                    f"an answer: {body[:160].decode(errors='replace')!r}"
                    + ("; no write was refused (was the disk full?)" if not refused else ""))

    def report_phases(self) -> None:
        for name, began, ended, what in self.phases.spans:
            parts = []
            for kind in ("send", "inbound"):
                c = self.load.stats.get((name, kind))
                if c:
                    parts.append(f"{kind}s " + " ".join(f"{k}x{v}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])))
            span = (ended or time.monotonic()) - began
            say(f"  phase {name} ({span:.1f} s; {what}): {'; '.join(parts) or 'no requests'}")

    def report_log(self) -> None:
        """The server's warnings and errors by message, most frequent first (`<time> <level> <label>: <metadata>
        [Switchboard] <message>`), and what the emulator counted."""
        pattern = re.compile(r"^\S+ (warning|error|critical) .*?\[\w+\] (.*)$")
        lines: collections.Counter = collections.Counter()
        with open(self.serve_log, errors="replace") as f:
            for line in f:
                m = pattern.search(line.rstrip())
                if m:
                    lines[f"{m.group(1)}: {m.group(2)[:100]}"] += 1
        say("server log: " + ("; ".join(f"{n} x {text}" for text, n in lines.most_common(8)) or "no warnings or errors"))
        _, stats = self.emulator.json("GET", "/sandbox/stats")
        errors = ", ".join(f"{code} x{n}" for code, n in sorted(stats.get("graphErrors", {}).items()))
        say(f"emulator: {h.stats_line(self.emulator)}, {stats.get('webhooksDropped', 0)} dropped and "
            f"{stats.get('webhooksDuplicated', 0)} doubled by faults; Graph errors answered: {errors or 'none'}")

    def verdict(self) -> int:
        passed = sum(1 for ok, _ in self.checks if ok is True)
        failed = sum(1 for ok, _ in self.checks if ok is False)
        known = [check for ok, check in self.checks if ok == "known"]
        say(f"{self.o.backend} [{time.monotonic() - self.started:.0f} s, seed {self.o.seed}]: {passed} passed, {failed} failed"
            + (f" ({len(known)} known failures not counted: {', '.join(known)})" if known else ""))
        if failed:
            say(f"logs: {self.serve_log}, {self.emu_log}")
            if self.o.hold_on_failure > 0:
                say(f"holding the processes for inspection for {self.o.hold_on_failure:g} s: serve pid {self.serve.pid}"
                    + (f", PostgreSQL at {h.redact(self.o.url)}" if self.o.url else f", database {self.db.sqlite_path}"))
                time.sleep(self.o.hold_on_failure)
        return 1 if failed else 0


def fill(path: str) -> int:
    """Writes zeros to `path` until the filesystem has no byte left; returns how many were written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 12, 1):
            block = bytes(chunk)
            while True:
                try:
                    n = f.write(block)
                except OSError:
                    break
                written += n
                if n < chunk:
                    break
    return written


def fmt_s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f} s"


def sample(label: str, values: list[str], n: int = 5) -> str:
    return f"; {label}: {', '.join(values[:n])}" + (" ..." if len(values) > n else "") if values else ""


def main() -> int:
    o = options(sys.argv[1:])
    procs = h.Processes(os.path.join(o.work, "pids"))
    try:
        return Run(o, procs).run()
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())
