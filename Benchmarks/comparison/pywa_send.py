"""The reference sender for Benchmarks/run-comparison.sh: N `hello_world` template sends through pywa's async client
(pywa_async), CONCURRENCY in flight, each to a new recipient, as a Python team would script a burst.

    python pywa_send.py GRAPH_URL PHONE_ID TOKEN SENDS CONCURRENCY OUT_JSON

pywa has no option for another Graph host: its client's httpx session is pointed at GRAPH_URL after construction
(as scripts/pywa_emulator_test.py does). Nothing is stored, paced or retried: a send that fails is counted and
reported, and the script exits 1. Writes to OUT_JSON: sends, seconds (first send to last answer), throughput, p50/p99
latency per send, failures, and this process's CPU seconds."""

import asyncio
import json
import os
import resource
import sys
import time

from pywa_async import WhatsApp
from pywa.types.templates import TemplateLanguage

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from outbound_bench import percentile  # noqa: E402


async def main(url: str, phone_id: str, token: str, sends: int, concurrency: int, out_path: str) -> int:
    wa = WhatsApp(phone_id=phone_id, token=token)
    session = wa.api._session
    session.base_url = url.rstrip("/") + session.base_url.path.rstrip("/")  # keeps pywa's /vNN.0
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures: list[str] = []

    async def send(n: int) -> None:
        async with slots:
            began = time.perf_counter()
            try:
                await wa.send_template(to=str(4_918_000_000_000 + n), name="hello_world", language=TemplateLanguage.ENGLISH_US)
                latencies.append((time.perf_counter() - began) * 1000)
            except Exception as failure:  # noqa: BLE001 - every failure is reported
                failures.append(f"{type(failure).__name__}: {failure}"[:300])

    began = time.perf_counter()
    await asyncio.gather(*(send(n) for n in range(sends)))
    seconds = time.perf_counter() - began
    latencies.sort()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report = {"sends": sends, "concurrency": concurrency, "accepted": len(latencies), "failures": len(failures),
              "seconds": seconds, "throughput": len(latencies) / seconds, "p50_ms": percentile(latencies, 0.5),
              "p99_ms": percentile(latencies, 0.99), "max_ms": latencies[-1] if latencies else 0.0,
              "client_cpu_s": usage.ru_utime + usage.ru_stime, "examples": failures[:3]}
    with open(out_path, "w") as f:
        json.dump(report, f, indent=2)
    print(f"pywa_async: {len(latencies)} of {sends} sends accepted in {seconds:.2f} s at concurrency {concurrency}: "
          f"{report['throughput']:.0f}/s, p50 {report['p50_ms']:.2f} ms, p99 {report['p99_ms']:.2f} ms; "
          f"{len(failures)} failed {failures[:3]}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    graph_url, phone, access_token, count, in_flight, out = sys.argv[1:7]
    sys.exit(asyncio.run(main(graph_url, phone, access_token, int(count), int(in_flight), out)))
