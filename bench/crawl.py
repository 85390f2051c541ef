"""Crawl throughput against the politeness bound, the cost of an unchanged second run, and memory.

The simulator serves `scaled_scenario(agencies, hosts)` on loopback; the crawl runs with
per_host_delay 0.05 s and one request in flight per host, so no crawler can fetch more
than hosts × concurrency ÷ delay pages a second. Reports pages/s as a share of that bound
(goal ≥ 0.8), the second run's requests, bytes and time as shares of the first's, and the
peak RSS of the crawling process at each agency count given (it should not grow with it).

usage: python bench/crawl.py [--agencies 1000 2000] [--hosts 20] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from disclosure_monitor.simulator import write_config
from harness import Stage, run_stage, simulator


def crawl_twice(agencies: int, hosts: int, delay: float, folder: Path) -> tuple[Stage, Stage]:
    with simulator(agencies, hosts) as served:
        config = write_config(folder, served.agencies, per_host_delay=delay, per_host_concurrency=1, timeout=10, max_retries=1)
        return run_stage("crawl", config), run_stage("crawl", config)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, nargs="+", default=[1000, 2000])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--delay", type=float, default=0.05)
    args = ap.parse_args()
    bound = args.hosts * 1 / args.delay
    print(f"{args.hosts} hosts, delay {args.delay} s, 1 in flight per host: bound {bound:.0f} pages/s")
    for agencies in args.agencies:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as folder:
            first, second = crawl_twice(agencies, args.hosts, args.delay, Path(folder))
        pages = first.per_second("requests")
        print(
            f"{agencies} agencies: first run {first.counts['requests']} requests in {first.wall:.1f} s = "
            f"{pages:.0f} pages/s = {pages / bound:.2f} of the bound, "
            f"{first.counts['found']} reports found, {first.counts['bytes'] / 1e6:.1f} MB\n"
            f"  second run / first: time {second.wall / first.wall:.2f}, "
            f"requests {second.counts['requests'] / first.counts['requests']:.2f}, "
            f"bytes {second.counts['bytes'] / max(first.counts['bytes'], 1):.3f} "
            f"({second.counts['not_modified']} answered 304)\n"
            f"  peak RSS: crawler {first.rss_mb:.0f} MB (second run {second.rss_mb:.0f} MB), "
            f"parse worker {first.worker_rss_mb:.0f} MB; CPU {first.cpu:.1f} s"
        )


if __name__ == "__main__":
    main()
