"""The national run on one machine: crawl, crawl again unchanged, check, check --full, digest, measured per stage.

The simulator serves `scaled_scenario(agencies, hosts)` (about 33 agencies a host, as
100,000 agencies over ~3,000 portals) from its own process; the politeness delay is
near zero so that the machine, not the waiting, is measured. Each stage runs in a
fresh process (bench/harness.py) and reports wall and CPU time, reports per second,
peak RSS, the store's size after it, the requests and bytes it made, and the CPU the
simulator spent meanwhile (its share of the same two cores). The last
lines scale the measured per-agency costs to `--national` agencies: extrapolated,
not measured.

usage: python bench/national.py [--agencies 2000] [--hosts N] [--delay 0.001] [--keep DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from disclosure_monitor.simulator import write_config
from harness import Stage, run_stage, simulator, store_size

AGENCIES_PER_HOST = 100_000 / 3_000
STAGES = ("run", "run", "check", "check-full", "digest")


def national(agencies: int, hosts: int, delay: float, folder: Path) -> list[tuple[Stage, dict[str, float]]]:
    """Every stage of STAGES over one store, with the store's size after each and the
    simulator's CPU seconds during it (`simulator_cpu`)."""
    with simulator(agencies, hosts) as served:
        config = write_config(folder, served.agencies, per_host_delay=delay, per_host_concurrency=1, timeout=30, max_retries=1)
        stages = []
        for name in STAGES:
            before = served.cpu()
            stage = run_stage(name, config)
            stages.append((stage, store_size(config) | {"simulator_cpu": served.cpu() - before}))
        return stages


def line(stage: Stage, around: dict[str, float], reports: int) -> str:
    counts = stage.counts
    return (
        f"{stage.name:10} {stage.wall:8.1f} {stage.cpu:8.1f} {stage.cpu_main:8.1f} {around['simulator_cpu']:8.1f} "
        f"{reports / stage.wall:9.1f} {stage.rss_mb:8.0f} {stage.worker_rss_mb:8.0f} {around['db_mb']:8.1f} "
        f"{around['evidence_mb']:9.1f} {counts.get('requests', 0):9} {counts.get('bytes', 0) / 1e6:8.1f} {stage.config_s:8.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=2000)
    ap.add_argument("--hosts", type=int, help=f"default: one per {AGENCIES_PER_HOST:.0f} agencies")
    ap.add_argument("--delay", type=float, default=0.001, help="per_host_delay in seconds")
    ap.add_argument("--national", type=int, default=100_000, help="agencies to extrapolate to")
    ap.add_argument("--keep", type=Path, help="keep the store in this folder (default: a temporary one)")
    args = ap.parse_args()
    hosts = args.hosts or max(4, round(args.agencies / AGENCIES_PER_HOST))
    with tempfile.TemporaryDirectory(prefix="bench-national-") as temp:
        stages = national(args.agencies, hosts, args.delay, args.keep or Path(temp))
    found = stages[0][0].counts["found"]
    print(f"{args.agencies} agencies on {hosts} hosts, delay {args.delay} s: {found} reports found")
    print("stage        wall s    cpu s  main s  sim cpu s  reports/s  rss MB  worker MB   db MB  evidence MB  requests  MB fetched  config s")
    for stage, size in stages:
        print(line(stage, size, found))
    first, second, check, full, digest = (stage for stage, _ in stages)
    scale = args.national / args.agencies
    per_report = 1e3 / found
    print(
        f"first run, CPU ms a report: monitor {first.cpu * per_report:.1f} (event loop {first.cpu_main * per_report:.1f}), "
        f"simulator {stages[0][1]['simulator_cpu'] * per_report:.1f}\n"
        f"second run / first: time {second.wall / first.wall:.2f}, bytes {second.counts['bytes'] / first.counts['bytes']:.3f}\n"
        f"extrapolated to {args.national} agencies (x{scale:.0f}, linear): first run {first.wall * scale / 60:.0f} min, "
        f"second {second.wall * scale / 60:.0f} min, check {check.wall * scale:.0f} s (--full {full.wall * scale:.0f} s), digest {digest.wall * scale:.0f} s, "
        f"store {(stages[-1][1]['db_mb'] + stages[-1][1]['evidence_mb']) * scale / 1e3:.1f} GB"
    )


if __name__ == "__main__":
    main()
