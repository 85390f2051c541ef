"""What the portal simulator itself costs: startup, memory, threads, idle CPU, and CPU per request.

The simulator shares the machine with the crawler a benchmark measures, so its own cost is
a distortion to keep small. For each agency count this serves `scaled_scenario(agencies,
agencies / 33)` from a child process (as bench/harness.py does) and reports the child's
build and start time (wall and CPU), its peak RSS and thread count once serving, the CPU
it burns idle, and the CPU it spends per request of each kind, read from /proc (user +
system) around a sequential keep-alive loop of requests sent from this process.

usage: python bench/simulator.py [--agencies 1000 10000 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import resource
import threading
import time
from typing import Any
from urllib.parse import urlsplit

AGENCIES_PER_HOST = 100_000 / 3_000
TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of process `pid`."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _samples(sim: Any, count: int) -> dict[str, list[str]]:
    """URLs of each kind of request, on TRS hosts: column pages, HTML reports, PDF attachments."""
    out: dict[str, list[str]] = {"column": [], "html": [], "pdf": []}
    for name, site in sim.site_objects.items():
        if not name.startswith("trs-"):
            continue
        base = sim.sites[name]
        out["column"] += [base + site.section(a) for a in site.agencies]
        out["html"] += [base + i.path for i in site.items if i.kind == "report" and i.fmt == "html"]
        out["pdf"] += [base + i.document_path for i in site.items if i.kind == "report" and i.fmt == "pdf"]
        if all(len(urls) >= count for urls in out.values()):
            break
    return {kind: urls[:count] for kind, urls in out.items()}


def _serve(agencies: int, hosts: int, count: int, answer: Any, stop: Any) -> None:
    from disclosure_monitor.simulator import Simulator, scaled_scenario

    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    wall, cpu = time.perf_counter(), time.process_time()
    sim = Simulator(scaled_scenario(agencies, hosts), log_keep=10_000).start()
    sim.agencies_config()
    built = {"start_s": time.perf_counter() - wall, "start_cpu_s": time.process_time() - cpu}
    answer.send({**built, "threads": threading.active_count(), "samples": _samples(sim, count),
                 "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    stop.wait()
    sim.stop()


def _get(connections: dict[str, http.client.HTTPConnection], url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    if parts.netloc not in connections:
        connections[parts.netloc] = http.client.HTTPConnection(parts.netloc, timeout=60)
    connection = connections[parts.netloc]
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def measure(agencies: int, count: int) -> dict[str, Any]:
    """Startup, memory, threads, idle CPU and CPU ms per request of the simulator at `agencies`."""
    hosts = max(4, round(agencies / AGENCIES_PER_HOST))
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=_serve, args=(agencies, hosts, count, send, stop), daemon=True)
    child.start()
    try:
        report = receive.recv()
        samples = report.pop("samples")
        before = _cpu(child.pid)
        time.sleep(3)
        report["idle_cpu_pct"] = (_cpu(child.pid) - before) / 3 * 100
        connections: dict[str, http.client.HTTPConnection] = {}
        etags: dict[str, str] = {}
        rounds = [(kind, urls, False) for kind, urls in samples.items()]
        rounds += [("html again", samples["html"], False), ("304", samples["html"], True)]
        for kind, urls, conditional in rounds:
            before = _cpu(child.pid)
            for url in urls:
                response = _get(connections, url, {"If-None-Match": etags[url]} if conditional else {})
                etags[url] = response.getheader("ETag") or ""
                assert response.status == (304 if conditional else 200), (url, response.status)
            report[f"{kind} ms"] = (_cpu(child.pid) - before) / max(len(urls), 1) * 1000
        report["hosts"] = hosts
        return report
    finally:
        stop.set()
        child.join(30)
        if child.is_alive():
            child.terminate()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, nargs="+", default=[1000, 10_000, 100_000])
    ap.add_argument("--requests", type=int, default=200, help="requests of each kind")
    args = ap.parse_args()
    for agencies in args.agencies:
        report = measure(agencies, args.requests)
        print(f"{agencies} agencies: " + ", ".join(
            f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in report.items()), flush=True)


if __name__ == "__main__":
    main()
