"""Shared pieces of the out-of-process checks (scripts/crash-check.sh, scripts/two-process-check.sh,
scripts/chaos-check.sh): free ports, child processes that are always stopped (and restarted, timed to readiness),
a keep-alive HTTP client safe to use from many threads, signed Meta webhook bodies, the requests of a load (a send
or an inbound delivery, retried with the same bytes until acknowledged), the API calls the checks make, and reading
the server's database (SQLite through Python's sqlite3 module, PostgreSQL through psql). Standard library only
(Python 3.11)."""

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.parse


def free_port() -> int:
    """A free loopback port: bind to 0 and read what the kernel picked."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(prefix: str, text: str) -> None:
    print(f"{prefix}: {text}", flush=True)


class Processes:
    """Children started by a check. Every pid is appended to `pidfile` as soon as it exists, so the shell wrapper's
    trap can end them by id even if this interpreter dies; `stop_all` ends them here."""

    def __init__(self, pidfile: str):
        self.pidfile = pidfile
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], logfile: str) -> subprocess.Popen:
        out = open(logfile, "ab")
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        with open(self.pidfile, "a") as f:
            f.write(f"{proc.pid}\n")
        self.running[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.running.pop(name)
        proc.send_signal(sig)
        proc.wait()

    def stop(self, name: str, timeout: float = 15) -> int | None:
        proc = self.running.pop(name, None)
        if proc is None:
            return None
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def start_ready(self, name: str, argv: list[str], env: dict[str, str], logfile: str, ready_url: str,
                    deadline_s: float = 120) -> tuple[subprocess.Popen, float | None]:
        """Starts a server and polls `ready_url` every 5 ms: the process, and the seconds from its start until it
        answered 2xx (None if it exited or the deadline passed first)."""
        began = time.monotonic()
        proc = self.start(name, argv, env, logfile)
        ready = wait_http(ready_url, deadline_s, proc, step=0.005)
        return proc, (time.monotonic() - began) if ready else None


def wait_http(url: str, deadline_s: float, proc: subprocess.Popen | None = None, step: float = 0.01) -> bool:
    """Polls `url` until it answers 2xx (True), the process exits or the deadline passes (False)."""
    parts = urllib.parse.urlsplit(url)
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path or "/")
            status = conn.getresponse().status
            conn.close()
            if 200 <= status < 300:
                return True
        except OSError:
            pass
        time.sleep(step)
    return False


class Http:
    """One keep-alive connection per thread to one server. A request that fails below HTTP (refused, reset,
    closed) raises OSError or http.client.HTTPException and drops that thread's connection."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.local = threading.local()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, retries: int = 0) -> tuple[int, bytes]:
        """`retries` extra attempts after a failure below HTTP (for the checks' own idempotent calls, never for the
        load, whose every attempt is counted)."""
        for attempt in range(retries + 1):
            try:
                return self._once(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                if attempt == retries:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def _once(self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None) -> tuple[int, bytes]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.local.conn = conn
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            if response.will_close:
                conn.close()
                self.local.conn = None
            return response.status, data
        except BaseException:
            conn.close()
            self.local.conn = None
            raise

    def json(self, method: str, path: str, payload=None, headers: dict[str, str] | None = None) -> tuple[int, object]:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        status, data = self.request(method, path, None if payload is None else json.dumps(payload).encode(), all_headers,
                                    retries=2)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode(errors="replace")


class Item:
    """One request of a check's load, posted with the same bytes (and Idempotency-Key) until acknowledged, as a
    client or Meta would: a send (`POST /api/v1/messages`, acknowledged by 202, whose answer is the message id) or a
    signed inbound delivery (`POST /webhooks/whatsapp`, acknowledged by 200, carrying `wamid`)."""
    __slots__ = ("kind", "index", "path", "body", "headers", "wamid", "acked", "answer", "attempts", "errors", "refusal")

    def __init__(self, kind: str, index: int, path: str, body: bytes, headers: dict[str, str], wamid: str | None = None):
        self.kind, self.index, self.path, self.body, self.headers, self.wamid = kind, index, path, body, headers, wamid
        self.acked = False
        self.answer: str | None = None  # the message id of an accepted send, upper case
        self.attempts = 0
        self.errors: dict[str, int] = {}
        self.refusal = b""  # the body of the last answer that did not acknowledge it

    @classmethod
    def send(cls, index: int, account_id: str, to: str, api_key: str, idempotency_key: str) -> "Item":
        return cls("send", index, "/api/v1/messages", compact(template_send(to, account_id)),
                   {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json", "Idempotency-Key": idempotency_key})

    @classmethod
    def inbound(cls, index: int, phone_number_id: str, app_secret: str, wamid: str, sender: str, name: str, text: str) -> "Item":
        body = inbound_text_body(phone_number_id, "1" + phone_number_id, wamid, sender, name, text)
        return cls("inbound", index, "/webhooks/whatsapp", body,
                   {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, app_secret)}, wamid)

    def post(self, api: "Http") -> str:
        """One attempt. Returns what it came to: the HTTP status as text, or the name of the error below HTTP
        (refused, reset, timed out); anything but the acknowledging status is counted in `errors`."""
        self.attempts += 1
        try:
            status, data = api.request("POST", self.path, self.body, self.headers)
        except Exception as error:  # noqa: BLE001 - refused, reset, closed, timed out: not acknowledged
            name = type(error).__name__
            self.errors[name] = self.errors.get(name, 0) + 1
            return name
        if status != (202 if self.kind == "send" else 200):
            self.errors[f"HTTP {status}"] = self.errors.get(f"HTTP {status}", 0) + 1
            self.refusal = data[:500]
            return str(status)
        if self.kind == "send":
            self.answer = json.loads(data)["id"].upper()
        self.acked = True
        return str(status)


def signature(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header Meta sends: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def inbound_text_body(phone_number_id: str, waba_id: str, wamid: str, sender: str, name: str, text: str) -> bytes:
    """A Meta `messages` webhook carrying one inbound text message."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100000", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": name}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid, "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}],
    }
    return compact({"object": "whatsapp_business_account",
                    "entry": [{"id": waba_id, "changes": [{"field": "messages", "value": value}]}]})


def status_body(phone_number_id: str, waba_id: str, wamid: str, status: str, recipient: str | None,
                callback_data: str | None) -> bytes:
    """A Meta `messages` webhook carrying one status of an outbound message."""
    entry: dict = {"id": wamid, "status": status, "timestamp": str(int(time.time()))}
    if recipient:
        entry["recipient_id"] = recipient
    if callback_data:
        entry["biz_opaque_callback_data"] = callback_data
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550100000", "phone_number_id": phone_number_id},
             "statuses": [entry]}
    return compact({"object": "whatsapp_business_account",
                    "entry": [{"id": waba_id, "changes": [{"field": "messages", "value": value}]}]})


def create_api_key(binary: str, env: dict[str, str], name: str) -> str:
    """`switchboard create-api-key` for the demo workspace; the key is on the last line it prints."""
    out = subprocess.run([binary, "create-api-key", "--workspace", "demo", "--role", "owner", "--name", name],
                         env=env, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"create-api-key exited {out.returncode}: {out.stderr.strip()[-500:]}")
    last = out.stdout.strip().splitlines()[-1].strip()
    return last.split("Bearer", 1)[1].strip() if "Bearer" in last else last


def create_sandbox_account(api: Http, key: str, name: str, phone_number_id: str, token: str, app_secret: str) -> str:
    """A sandbox account in the key's workspace (POST /api/v1/whatsapp-accounts); returns its id."""
    status, body = api.json("POST", "/api/v1/whatsapp-accounts", {
        "name": name, "provider": "sandbox", "phoneNumberId": phone_number_id, "businessAccountId": "1" + phone_number_id,
        "accessToken": token, "appSecret": app_secret,
    }, {"Authorization": f"Bearer {key}"})
    if status != 201 and status != 200:
        raise RuntimeError(f"creating account {name} answered {status}: {body}")
    return body["id"]


def register_number(emulator: Http, phone_number_id: str, token: str, app_secret: str, callback_url: str | None) -> None:
    """Teaches the stand-alone emulator a number (what `serve` only does for an in-process emulator)."""
    status, body = emulator.json("POST", "/sandbox/numbers", {
        "phoneNumberId": phone_number_id, "wabaId": "1" + phone_number_id, "accessTokens": [token],
        "appSecret": app_secret, "callbackURL": callback_url,
    })
    if status not in (200, 201):
        raise RuntimeError(f"registering {phone_number_id} in the emulator answered {status}: {body}")


def template_send(to: str, account_id: str) -> dict:
    return {"to": to, "accountId": account_id, "type": "template",
            "template": {"name": "hello_world", "language": {"code": "en_US"}}}


def random_key_b64() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def max_in_window(times_ms: list[int], window_ms: int = 1000) -> tuple[int, int]:
    """The most events in any half-open window [t, t + window_ms), and the t where that happens."""
    times = sorted(times_ms)
    best, at, lo = 0, times[0] if times else 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window_ms:
            lo += 1
        if hi - lo + 1 > best:
            best, at = hi - lo + 1, times[lo]
    return best, at


# Seconds from the start of the last settle() until the outbox was (and stayed) empty, for the checks' reports.
outbox_empty_after: float | None = None


def settle(ids: list[str], statuses, outbox_rows, emulator: Http, api: Http, numbers: dict[str, str], say,
           timeout: float, replay_after: float = 5) -> tuple[int, dict[str, str], int]:
    """Waits until every message id in `ids` is `delivered` or `read` (statuses() answers {id: status}) and the outbox
    is empty (outbox_rows() answers a count), or `timeout` seconds pass without progress.

    The emulator gives up on a webhook after 4 attempts (about 2 s of backoff, 10 s timeout each, and its HTTP pool
    queue counts against that timeout); Meta retries for days. So once the outbox is empty and the emulator has been
    quiet (no webhook attempt) for `replay_after` seconds, each accepted send whose `delivered` webhook the emulator
    never got a 2xx for is sent that webhook from here, signed with its number's app secret (`numbers`: phone number
    id -> app secret), as Meta's later retry would. A send the emulator reports `delivered` to us but we do not have
    as delivered is never replayed. Returns (delivered, {id: "status (emulator: statuses)"} of the rest, replayed)."""
    began = last_progress = time.monotonic()
    best, replayed, replay_done = -1, 0, False
    wanted = set(ids)
    activity, quiet_since = None, time.monotonic()
    global outbox_empty_after
    outbox_empty_after = None
    while True:
        current = statuses()
        done = {i for i in ids if current.get(i) in ("delivered", "read")}
        outbox = outbox_rows()
        if outbox == 0 and outbox_empty_after is None:
            outbox_empty_after = time.monotonic() - began
        elif outbox:
            outbox_empty_after = None
        if len(done) == len(ids) and outbox == 0:
            return len(done), {}, replayed
        if len(done) > best:
            best, last_progress = len(done), time.monotonic()
        _, stats = emulator.json("GET", "/sandbox/stats")
        now_activity = (stats["messagesAccepted"], stats["webhooksDelivered"], stats["webhookAttemptsFailed"], stats["webhooksAbandoned"])
        if now_activity != activity:
            activity, quiet_since = now_activity, time.monotonic()
        idle = time.monotonic() - last_progress
        if time.monotonic() - quiet_since > replay_after and not replay_done and outbox == 0:
            replay_done = True
            replayed = replay_abandoned(wanted - done, emulator, api, numbers, say)
            last_progress = time.monotonic()
            continue
        # Stuck: nothing moved for `timeout` s, the emulator is quiet and what it gave up on was replayed; or far too long.
        if (replay_done and idle > min(timeout, 20)) or idle > 3 * timeout:
            seen = emulator_statuses(emulator, numbers)
            return len(done), {i: f"{current.get(i, 'missing')} (emulator: {seen.get(i, 'never sent')})"
                               for i in ids if i not in done}, replayed
        time.sleep(0.25)


def emulator_statuses(emulator: Http, numbers: dict[str, str]) -> dict[str, list[str]]:
    """callback data (our message id) -> the statuses whose webhook the emulator got a 2xx for, per send."""
    seen: dict[str, list[str]] = {}
    for phone in numbers:
        _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
        for sent in report["messages"]:
            seen.setdefault((sent.get("bizOpaqueCallbackData") or "").upper(), []).append(sent["statuses"])
    return seen


def replay_abandoned(pending: set[str], emulator: Http, api: Http, numbers: dict[str, str], say) -> int:
    replayed, answers = 0, {}
    for phone, secret in numbers.items():
        _, report = emulator.json("GET", f"/sandbox/numbers/{phone}/sent")
        for sent in report["messages"]:
            callback = (sent.get("bizOpaqueCallbackData") or "").upper()
            if callback not in pending or "delivered" in sent["statuses"]:
                continue
            body = status_body(phone, "1" + phone, sent["id"], "delivered", sent.get("to"), sent.get("bizOpaqueCallbackData"))
            status, _ = api.request("POST", "/webhooks/whatsapp", body,
                                    {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, secret)}, retries=3)
            answers[status] = answers.get(status, 0) + 1
            replayed += 1
    _, stats = emulator.json("GET", "/sandbox/stats")
    say(f"replayed {replayed} delivered webhooks the emulator had given up on (answers {answers}; the emulator abandoned "
        f"{stats['webhooksAbandoned']} webhooks in all, {stats['webhookAttemptsFailed']} attempts failed)")
    return replayed


# Reading the server's database.

class Database:
    """The server's database as a check reads it: a SQLite file through Python's sqlite3 module (WAL: reading never
    blocks the server), or PostgreSQL through psql, one short session per query (so a PostgreSQL restart costs
    nothing but the queries made while it is down, which raise RuntimeError). Values go into the SQL as literals
    (`quote`); they are ids the check made or the server answered. Rows are tuples, PostgreSQL's fields as text."""

    def __init__(self, sqlite_path: str | None = None, url: str | None = None):
        assert (sqlite_path is None) != (url is None)
        self.sqlite_path, self.url = sqlite_path, url
        self.kind = "sqlite" if sqlite_path else "postgresql"

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_path:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=30)) as db:
                return db.execute(sql).fetchall()
        out = subprocess.run(["psql", "-X", "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1", self.url, "-c", sql],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql: {out.stderr.strip()[:300]} (in: {sql.strip()[:200]})")
        return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]

    def rows_in(self, sql: str, values, chunk: int = 500) -> list[tuple]:
        """`sql` with `{}` where the quoted, comma-separated `values` go, run in chunks."""
        values, out = list(values), []
        for start in range(0, len(values), chunk):
            out += self.rows(sql.format(",".join(quote(v) for v in values[start:start + chunk])))
        return out

    def scalar(self, sql: str):
        rows = self.rows(sql)
        return rows[0][0] if rows else None

    def epoch(self, column: str) -> str:
        """An SQL expression for a time column as Unix seconds (SQLite stores them so already)."""
        return column if self.sqlite_path else f"extract(epoch FROM {column})"

    @property
    def now(self) -> str:
        """An SQL expression for the database's current time, comparable with its time columns."""
        return "((julianday('now') - 2440587.5) * 86400.0)" if self.sqlite_path else "now()"


def quote(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sqlite_integrity(path: str) -> str:
    """`PRAGMA integrity_check` by the sqlite3 command-line tool (not the server's own library): 'ok' or its complaints."""
    out = subprocess.run(["sqlite3", path, "PRAGMA integrity_check"], capture_output=True, text=True, timeout=300)
    return (out.stdout.strip() or out.stderr.strip()).replace("\n", "; ")[:500]


class Psql:
    """One long-lived psql session: a query per call, answered rows as lists of fields (unaligned, tab-separated)."""

    def __init__(self, url: str):
        self.proc = subprocess.Popen(["psql", "-X", "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=0", url],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lock = threading.Lock()

    def rows(self, sql: str) -> list[list[str]]:
        with self.lock:
            self.proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo __end__\n")
            self.proc.stdin.flush()
            out = []
            for line in self.proc.stdout:
                line = line.rstrip("\n")
                if line == "__end__":
                    break
                if line.startswith(("ERROR:", "FATAL:", "psql:")):
                    raise RuntimeError(f"psql: {line} (in: {sql.strip()[:200]})")
                out.append(line.split("\t"))
            return out

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(10)


def psql_once(url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, timeout=60)


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def redact(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@") if parts.password else url


# Reports.

def latencies(logfile: str, path: str) -> list[float]:
    """duration_ms of the request log lines for `path` (LOG_LEVEL info and below)."""
    pattern = re.compile(r"duration_ms=([0-9.]+) .*path=" + re.escape(path) + " ")
    with open(logfile, errors="replace") as f:
        return sorted(float(m.group(1)) for m in map(pattern.search, f) if m)


def pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def stats_line(emulator: Http) -> str:
    _, stats = emulator.json("GET", "/sandbox/stats")
    return (f"{stats['messagesAccepted']} sends accepted, {stats['webhooksDelivered']} webhooks delivered, "
            f"{stats['webhookAttemptsFailed']} attempts failed, {stats['webhooksAbandoned']} abandoned")


def setup_failed(prefix: str, what: str, logfile: str) -> int:
    """Says what could not be set up, with the last lines of the log that tells why; the checks' exit code 2."""
    log(prefix, f"SETUP FAILED: {what}; the last lines of {logfile}:")
    with open(logfile, errors="replace") as f:
        for line in f.readlines()[-30:]:
            print("  " + line.rstrip())
    return 2
