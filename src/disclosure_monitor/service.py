"""`serve`: the crawl cycle and the digest on the configured cron schedule, until SIGTERM.

Each job takes the store lock for its length, so a cron-started or manual `run` and
the service never work on the same store at once: whoever comes second is skipped
(the job) or refused with status 2 (the command). The jobs share one worker thread,
so the service's own jobs queue behind each other instead of colliding.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .audit import audit
from .config import Config
from .crawl import Outcome, RunSummary, crawl
from .digest import DeliveryResult, SmtpFailed, audiences, deliver
from .errors import MonitorError
from .lock import store_lock
from .log import event
from .store import Store

log = logging.getLogger(__name__)

# Seconds between fires of every job instead of the cron expressions: for tests only,
# since crontab syntax cannot say "every second".
TEST_INTERVAL_ENV = "DISCLOSURE_MONITOR_TEST_INTERVAL"
MISFIRE_GRACE = 3600  # a fire missed by up to an hour (busy worker, suspended host) still runs


def today_in(config: Config) -> date:
    """Today's date where the schedule's time zone says, the one clock `serve` reads."""
    return datetime.now(ZoneInfo(config.schedule.timezone)).date()


def open_store(config: Config) -> Store:
    return Store.open(config.store.path, config.store.evidence)


def _retry_pending(store: Store, config: Config, today: date) -> list[DeliveryResult]:
    """Send the routes' digests that failed earlier, so that they do not wait a whole week."""
    pending = {d["route"] for d in store.pending_digests()} & {a.name for a in audiences(config)}
    return deliver(store, config, today, only=pending) if pending else []


def run_cycle(config: Config, today: date, progress: Callable[[Outcome], None] | None = None) -> RunSummary:
    """One cycle under the store lock: crawl, store, check what changed; then retry a digest still pending."""
    with store_lock(config.store.path, "run"), open_store(config) as store:
        summary = crawl(config, store, today, progress=progress)
        summary.findings = audit(config, store, today, incremental=True)
        store.finish_run(summary.run_id, summary.counts())
        event(log, "run_finished", run=summary.run_id, **summary.counts())
        for failed in (r for r in _retry_pending(store, config, today) if r.status == "failed"):
            event(log, "digest_still_pending", logging.WARNING, route=failed.route, reason=failed.error)
    return summary


def check_cycle(config: Config, today: date, full: bool = False) -> dict[str, int]:
    """Every check again over what is stored, without crawling. The findings of agencies
    whose inputs did not change since the last audit stand (they would be raised the same);
    `full` evaluates every agency anyway."""
    with store_lock(config.store.path, "check"), open_store(config) as store:
        return audit(config, store, today, incremental=not full)


def digest_cycle(config: Config, today: date, lang: str | None = None) -> list[DeliveryResult]:
    """Send this week's digests under the store lock (each a no-op when it already went),
    in email.lang unless told; SmtpFailed after all were tried when any failed."""
    with store_lock(config.store.path, "serve: digest"), open_store(config) as store:
        results = deliver(store, config, today, lang)
    failed = [f"{r.route}: {r.error}" for r in results if r.status == "failed"]
    if failed:
        raise SmtpFailed("; ".join(failed))
    return results


def _job(name: str, work: Callable[[Config, date], Any], config: Config) -> None:
    """Run one scheduled job; its failure is logged and the service carries on."""
    today = today_in(config)
    event(log, "job_started", job=name, today=today.isoformat())
    try:
        work(config, today)
    except SmtpFailed as e:
        event(log, "job_failed", logging.WARNING, job=name, error=str(e), note="digest stays pending")
    except MonitorError as e:  # StoreBusy, StoreError, …: the next fire tries again
        event(log, "job_skipped", logging.WARNING, job=name, error=str(e))
    except Exception:  # noqa: BLE001 - a job's bug is logged; the service keeps its schedule
        event(log, "job_crashed", logging.ERROR, exc_info=True, job=name)
    else:
        event(log, "job_finished", job=name)


def _trigger(expression: str, timezone: ZoneInfo) -> BaseTrigger:
    interval = os.environ.get(TEST_INTERVAL_ENV)
    if interval:
        return IntervalTrigger(seconds=float(interval), timezone=timezone)
    return CronTrigger.from_crontab(expression, timezone=timezone)


def build_scheduler(config: Config) -> BlockingScheduler:
    """The `run` and `digest` jobs on the config's cron expressions and time zone."""
    timezone = ZoneInfo(config.schedule.timezone)
    scheduler = BlockingScheduler(
        timezone=timezone,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    jobs = (("run", config.schedule.crawl, run_cycle), ("digest", config.schedule.digest, digest_cycle))
    for name, expression, work in jobs:
        scheduler.add_job(_job, _trigger(expression, timezone), args=(name, work, config), id=name, name=name)
    return scheduler


def serve(config: Config) -> int:
    """Block running the schedule; SIGTERM or SIGINT lets the current job finish, then returns 0."""
    scheduler = build_scheduler(config)

    def stop(signum: int, _frame: object) -> None:
        event(log, "stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    event(
        log,
        "serving",
        store=config.store.path,
        timezone=config.schedule.timezone,
        crawl=config.schedule.crawl,
        digest=config.schedule.digest,
        test_interval=os.environ.get(TEST_INTERVAL_ENV),
    )
    scheduler.start()
    event(log, "stopped")
    return 0
