"""What the crawl benchmarks share: the simulator in its own process, and stages measured apart.

The simulator serves from a child process so that its threads and rendered documents
are not counted in the monitor's memory or CPU. Each stage (crawl, run, check, digest)
runs in a fresh `python bench/harness.py STAGE CONFIG` process, which prints its wall
time, CPU time (its own and its parse workers'), peak RSS and counts as one JSON line:
a fresh process per stage makes peak RSS that stage's own. The wall time starts once the
configuration is read; that reading is timed apart (`config_s`), as every command pays it.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2025, 6, 1)  # the scaled scenario publishes 2021–2024; years_back 3 wants 2022–2024


# -- the simulator in a child process -----------------------------------------------------------


def _serve(scenario_args: tuple[int, int], answer: Any, stop: Any) -> None:
    from disclosure_monitor.simulator import Simulator, scaled_scenario

    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    # The benchmarks read no request log: bounded, it does not grow by ~1 KB a request (900,000 a national pair of runs).
    with Simulator(scaled_scenario(*scenario_args), log_keep=10_000) as sim:
        answer.send(sim.agencies_config())
        stop.wait()


@dataclass
class Served:
    """The simulator's child process: the [[agency]] entries it serves, and its CPU so far."""

    agencies: list[dict[str, Any]]
    pid: int

    def cpu(self) -> float:
        """User + system seconds of the simulator process: the share of the two cores the
        benchmark's portals took from the monitor (a real crawl's portals run elsewhere)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def simulator(agencies: int, hosts: int) -> Iterator[Served]:
    """Serve `scaled_scenario(agencies, hosts)` from a child process."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=_serve, args=((agencies, hosts), send, stop), daemon=True)
    child.start()
    try:
        yield Served(receive.recv(), child.pid)
    finally:
        stop.set()
        child.join(10)
        if child.is_alive():
            child.terminate()


# -- one stage in a fresh process -------------------------------------------------------------------


@dataclass
class Stage:
    """What one stage cost, measured by the process that ran it."""

    name: str
    wall: float
    cpu: float  # user + system, the stage's process and its parse workers
    cpu_main: float  # user + system of the stage's process alone (the event loop when crawling)
    rss_mb: float  # peak RSS of the stage's main process
    worker_rss_mb: float  # peak RSS of its largest child (a parse worker)
    counts: dict[str, Any] = field(default_factory=dict)
    config_s: float = 0.0  # reading the configuration, before `wall` starts (every command pays it)

    def per_second(self, key: str) -> float:
        return self.counts.get(key, 0) / self.wall if self.wall else 0.0


def run_stage(name: str, config: Path) -> Stage:
    """Run stage `name` of STAGES over `config` in a child interpreter and read its measurement."""
    done = subprocess.run([sys.executable, __file__, name, str(config)], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"stage {name} over {config} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    out = done.stdout
    return Stage(**json.loads(out.strip().splitlines()[-1]))


def _crawl(config: Any) -> dict[str, Any]:
    from disclosure_monitor.crawl import crawl
    from disclosure_monitor.service import open_store

    with open_store(config) as store:
        summary = crawl(config, store, TODAY)
    return summary.counts()


def _run(config: Any) -> dict[str, Any]:
    from disclosure_monitor.service import run_cycle

    return run_cycle(config, TODAY).counts()


def _check(config: Any, full: bool = False) -> dict[str, Any]:
    """`check`: by default what changed since the last audit; `full`, every agency."""
    from disclosure_monitor.service import check_cycle

    counts = check_cycle(config, TODAY, full=full)
    return {f"findings_{k}": v for k, v in counts.items()}


def _audit(config: Any) -> dict[str, Any]:
    """The audit part of `run` alone, as after a crawl that changed nothing."""
    from disclosure_monitor.audit import audit
    from disclosure_monitor.service import open_store

    with open_store(config) as store:
        counts = audit(config, store, TODAY, incremental=True)
    return {f"findings_{k}": v for k, v in counts.items()}


def _digest(config: Any) -> dict[str, Any]:
    """`digest --dry-run`: build and render, send nothing."""
    from disclosure_monitor.digest import build_digest, write_digest
    from disclosure_monitor.service import open_store

    with open_store(config) as store:
        built = build_digest(store, config, TODAY)
    out = config.path.parent / "digest.html"
    write_digest(built, config.email, out)
    return {"digest_bytes": out.stat().st_size}


STAGES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "crawl": _crawl, "run": _run, "audit": _audit, "check": _check,
    "check-full": functools.partial(_check, full=True), "digest": _digest,
}


def _measure(name: str, config_path: str) -> Stage:
    from disclosure_monitor.config import load_config

    start = time.perf_counter()
    config = load_config(config_path)
    config_s, start = time.perf_counter() - start, time.perf_counter()
    counts = STAGES[name](config)
    wall = time.perf_counter() - start
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main = me.ru_utime + me.ru_stime
    cpu = main + children.ru_utime + children.ru_stime
    return Stage(name, wall, cpu, main, _peak_rss_mb(me), children.ru_maxrss / 1024, counts, config_s)


def _peak_rss_mb(me: resource.struct_rusage) -> float:
    """This process' own peak RSS: Linux's VmHWM. `ru_maxrss` survives exec, so in a stage
    started by a large parent (national.py holds the simulator's 100,000 agencies) it reports
    the parent's size at the fork instead (346 MB for every light stage at 100,000 agencies)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return me.ru_maxrss / 1024
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kb) / 1024


# -- the store on disk --------------------------------------------------------------------------


def store_size(config_path: Path) -> dict[str, float]:
    """MB of the database (with its WAL) and of the evidence folder."""
    folder = config_path.parent
    database = sum(p.stat().st_size for p in folder.glob("monitor.db*"))
    evidence = sum(p.stat().st_size for p in (folder / "evidence").rglob("*") if p.is_file())
    return {"db_mb": database / 1e6, "evidence_mb": evidence / 1e6}


if __name__ == "__main__":
    print(json.dumps(asdict(_measure(sys.argv[1], sys.argv[2]))))
