"""Memory over a long run: tens of thousands of sends and inbound deliveries through one `serve`, resident memory
sampled every second. Run through Benchmarks/run-soak.sh; arguments: BINARY WORKDIR MARKDOWN [POSTGRES_URL].

The emulator (`switchboard sandbox --instant`, its own process) posts every send's sent, delivered and read webhooks
back to `serve`, so each send is four requests' worth of work. SOAK_SENDS template sends spread over SOAK_ACCOUNTS
accounts and SOAK_INBOUND signed inbound deliveries are interleaved from CLIENTS threads as fast as they are accepted.
RSS (VmRSS) is sampled every second together with how many requests were acknowledged. Afterwards the run waits for
every send to be read and for the emulator to go quiet, then samples for IDLE seconds more. The steady state is flat
when the RSS after the last request is within max(5%, 8 MiB) of the RSS at half way; the rows show the curve. Writes
the table into MARKDOWN between the "soak" markers. Exits 1 when memory grows past that bound or a check fails."""

import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "scripts"))
import sb_harness as h  # noqa: E402
from outbound_bench import Backend, Failed, SetupFailed, machine_busy, start_emulator, statuses, stores  # noqa: E402
from outbound_table import machine, write_section  # noqa: E402

SENDS = int(os.environ.get("SOAK_SENDS", 30000))
INBOUND = int(os.environ.get("SOAK_INBOUND", 30000))
ACCOUNTS = int(os.environ.get("SOAK_ACCOUNTS", 10))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", 16))
IDLE = float(os.environ.get("SOAK_IDLE", 20))
P = "soak"


def say(text: str) -> None:
    h.log(P, text)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def soak(backend: Backend, emulator: h.Http, emu_url: str, run_id: str, tag: str) -> dict:
    proc = backend.start(dispatchers=None)
    numbers, ids = {}, []
    for i in range(ACCOUNTS):
        phone = f"5{run_id}{tag}{i:04d}"
        token, secret = f"soak-token-{run_id}-{tag}-{i}-0123456789", f"soak-secret-{run_id}-{tag}-{i}"
        h.register_number(emulator, phone, token, secret, backend.base + "/webhooks/whatsapp")
        ids.append(h.create_sandbox_account(backend.api, backend.key, f"Soak {i}", phone, token, secret))
        numbers[phone] = secret
    phones = list(numbers)
    auth = {"Authorization": f"Bearer {backend.key}", "Content-Type": "application/json"}
    items = []
    for n in range(max(SENDS, INBOUND)):
        if n < SENDS:
            items.append(("/api/v1/messages", h.compact(h.template_send("+1666%07d" % n, ids[n % ACCOUNTS])),
                          {**auth, "Idempotency-Key": f"soak-{run_id}-{tag}-{n}"}, 202))
        if n < INBOUND:
            phone = phones[n % ACCOUNTS]
            body = h.inbound_text_body(phone, "1" + phone, f"wamid.SOAK{run_id}{tag}{n:07d}", "1777%07d" % (n % 5000),
                                       f"Soak user {n % 5000}", f"message {n}")
            items.append(("/webhooks/whatsapp", body,
                          {"Content-Type": "application/json", "X-Hub-Signature-256": h.signature(body, numbers[phone])}, 200))

    done = {"acked": 0, "refused": 0}
    lock = threading.Lock()
    samples: list[tuple[float, int, int]] = []  # (seconds since start, acknowledged, RSS KiB)
    stop = threading.Event()
    began = time.monotonic()

    def sample() -> None:
        while not stop.wait(1):
            samples.append((time.monotonic() - began, done["acked"], rss_kib(proc.pid)))

    def post(item) -> None:
        path, body, headers, expected = item
        status, _ = backend.api.request("POST", path, body, headers)
        with lock:
            done["acked" if status == expected else "refused"] += 1

    sampler = threading.Thread(target=sample, daemon=True)
    samples.append((0.0, 0, rss_kib(proc.pid)))
    sampler.start()
    say(f"{backend.name}: {SENDS} sends over {ACCOUNTS} accounts and {INBOUND} inbound deliveries from {CLIENTS} clients")
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(post, items))
    load_s = time.monotonic() - began
    at_last_request = rss_kib(proc.pid)
    if done["refused"]:
        raise Failed(f"{done['refused']} requests were refused")

    # Drained: every send read (three webhooks each came back and were stored), then quiet.
    deadline = time.monotonic() + 300
    while True:
        read = statuses(backend.db, ids).get("read", 0)
        if read >= SENDS:
            break
        if time.monotonic() > deadline:
            raise Failed(f"only {read} of {SENDS} sends were read after 300 s")
        time.sleep(1)
    drained_s = time.monotonic() - began
    time.sleep(IDLE)
    stop.set()
    sampler.join()
    after_idle = rss_kib(proc.pid)
    peak = int(open(f"/proc/{proc.pid}/status").read().split("VmHWM:")[1].split()[0])
    backend.stop()

    total = len(items)
    curve = []
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        first = next((s for s in samples if s[1] >= fraction * total), samples[-1])
        curve.append((fraction, first[1], first[2] / 1024, first[0]))
    half = curve[2][2]
    growth = at_last_request / 1024 - half
    flat = growth <= max(0.05 * half, 8)
    say(f"{backend.name}: {total} requests in {load_s:.0f} s, drained at {drained_s:.0f} s; RSS at half way "
        f"{half:.0f} MiB, after the last request {at_last_request / 1024:.0f} MiB ({growth:+.1f} MiB), "
        f"after {IDLE:.0f} s idle {after_idle / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB: {'flat' if flat else 'GROWING'}")
    return {"backend": backend.name, "requests": total, "load_s": load_s, "drained_s": drained_s, "curve": curve,
            "last_mib": at_last_request / 1024, "idle_mib": after_idle / 1024, "peak_mib": peak / 1024,
            "growth_mib": growth, "flat": flat}


def section(results: list[dict], busy: int) -> str:
    rows = []
    for r in results:
        cells = " | ".join(f"{mib:.0f} MiB at {acked:,} ({seconds:.0f} s)" for _, acked, mib, seconds in r["curve"])
        rows.append(f"| {r['backend']} | {r['requests']:,} | {cells} | {r['idle_mib']:.0f} | {r['peak_mib']:.0f} | "
                    f"{r['growth_mib']:+.1f} MiB: {'flat' if r['flat'] else 'growing'} |")
    return f"""<!-- soak:start -->
## Memory over a long run

Machine: {machine()}; {busy}% busy before the run. Command: `Benchmarks/run-soak.sh`.

{SENDS:,} template sends over {ACCOUNTS} accounts and {INBOUND:,} signed inbound deliveries, interleaved from {CLIENTS}
clients as fast as they are accepted, through one `serve`. The emulator posts each send's sent, delivered and read
webhooks back, so every send also costs three more inbound requests. RSS is sampled every second; each cell is the
first sample after that share of the requests was acknowledged. "Idle" is after every send was read and {IDLE:.0f} s
passed with no traffic. Flat means the RSS after the last request is within max(5%, 8 MiB) of the RSS at half way.

| store | requests | 10% | 25% | 50% | 75% | 100% | idle MiB | peak MiB | second half |
|---|---:|---|---|---|---|---|---:|---:|---|
{chr(10).join(rows)}
<!-- soak:end -->"""


def main() -> int:
    binary, work, markdown = sys.argv[1:4]
    pg_url = sys.argv[4] if len(sys.argv) > 4 else None
    procs = h.Processes(os.path.join(work, "pids"))
    cleanup = []
    try:
        run_id = "%05d" % random.randrange(10**5)
        emu_url, emulator = start_emulator(binary, work, procs)
        backends = stores(pg_url, "sb_soak", run_id, cleanup)
        busy = machine_busy()
        results = [soak(Backend(name, binary, work, procs, emu_url, url), emulator, emu_url, run_id, str(index))
                   for index, (name, url) in enumerate(backends)]
        write_section(markdown, "soak", section(results, busy))
        return 0 if all(r["flat"] for r in results) else 1
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
