"""One crawl cycle: every agency's column → its report for each year → parsed → stored.

Columns are read once each (agencies that share a section share the read), several
hosts at a time; the Fetcher keeps each host polite. Parsing, and storing what was
parsed, run in a process pool so fetching goes on meanwhile. Every (agency, year) ends
in exactly one outcome state, recorded in the store; a fetch failure never ends in
`not_published`. A killed run restarts cheaply: pages are fetched conditionally with
the validators stored last time, and a document whose bytes are already the current
report is not parsed again.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..config import Agency, Config, CrawlSettings, host_of
from ..errors import FetchError, NetworkFailure, ParseError, StoreError
from ..parse import page_published_on, parse_document
from ..parse.document import decode, sniff_format
from ..store import ColumnRead, Store, Verdict
from .columns import Picks, column_inputs, dumped, first_page, loaded
from .discover import Listing, ListingItem, Page, PageRequest, article_title, attachments, read_listing
from .fetch import Fetched, Fetcher
from .select import Pick, Selector

STATES = (
    "found",
    "not_published",
    "blocked_antibot",
    "robots_disallowed",
    "tls_error",
    "column_moved",
    "column_missing",
    "js_only",
    "network_error",
    "parse_error",
)
MAX_LANES = 128  # columns read at once across all hosts; bounds the documents held in memory
PARSE_WORKERS = 2
PARSE_QUEUE = 2 * PARSE_WORKERS  # documents handed to the pool at once; the rest wait, fetched, in their lane
# Reports of one column fetched at once: enough to keep its host busy while others wait for a
# parse worker, few enough that a shared column of 50 agencies does not hold 150 documents.
REPORTS_AT_ONCE = 4
# Seconds between the crawl's commits of what it recorded. A commit a column rewrote the same
# pages of outcomes and documents many times over: neighbouring columns' rows share pages,
# and an unchanged national run wrote 1.5 GB (bench/README.md, fifteenth session). A run
# killed loses at most this much of its verdicts, which the next run finds again.
SAVE_EVERY = 1.0


@dataclass(frozen=True)
class Article:
    """The listed page a report was found on: its URL, its full title, the date it shows."""

    url: str
    title: str
    published_on: date | None


@dataclass(frozen=True)
class Outcome:
    """The crawl's verdict on one (agency, year)."""

    agency: str
    year: int
    state: str  # one of STATES
    url: str | None = None  # the report's page when found; else the page that failed
    reason: str | None = None
    report_id: int | None = None


@dataclass
class RunSummary:
    """What one cycle did; `counts()` is what the store keeps in `runs.counts`."""

    run_id: int
    started_at: datetime
    finished_at: datetime | None = None
    agencies: int = 0
    # Outcomes counted by state, not held: a national run has 300,000 (86 MB). Each one is in
    # the store's `outcomes` table under this run's id, and passed to `progress` as it is saved.
    states: Counter[str] = field(default_factory=Counter)
    reports_new: int = 0  # (agency, year) stored for the first time
    reports_changed: int = 0  # a new version of a stored report (other bytes)
    requests: int = 0
    not_modified: int = 0  # requests answered 304
    bytes: int = 0
    retries: int = 0
    findings: dict[str, int] = field(default_factory=dict)  # the checks' new/seen/reopened/resolved

    def counts(self) -> dict[str, int]:
        numbers = {
            k: getattr(self, k)
            for k in ("agencies", "reports_new", "reports_changed", "requests", "not_modified", "bytes", "retries")
        }
        states = {s: self.states[s] for s in STATES}
        findings = {f"findings_{k}": v for k, v in self.findings.items()}
        return numbers | {"outcomes": self.states.total()} | states | findings


def wanted_years(agency: Agency, settings: CrawlSettings, today: date) -> list[int]:
    """Last year back to `years_back` years, never before the agency's first_year."""
    last = today.year - 1
    first = max(last - settings.years_back + 1, agency.first_year or 0)
    return list(range(first, last + 1))


def lanes(hosts: Iterable[tuple[str, int]], settings: CrawlSettings) -> Iterator[tuple[str, int, int]]:
    """The columns of each (host, how many columns) dealt into lanes, each read one after another:
    per host one lane more than its concurrency, so its next column is listed while the last
    report of one is parsed. A lane is (host, k, n): its k-th of n shares of the host's columns.
    Lanes of different hosts alternate, so the first ones started spread over every host."""
    hosts = list(hosts)
    per_host = settings.per_host_concurrency + 1
    for k in range(per_host):
        for host, columns in hosts:
            if k < (n := min(per_host, columns)):
                yield host, k, n


def recheck_due(url: str, verified_at: datetime, now: datetime, days: int) -> bool:
    """Whether a found report's page, last verified at `verified_at`, is asked again now.

    Always when `days` is 0 or it was verified `days` or more ago; otherwise on its own day
    of every `days` (by a hash of its URL), so that each daily run re-verifies an even slice
    of the stored reports rather than all of them on one day. An edit made after publication
    (D07) is thus seen within `days`; a new report is seen the day it is listed, as listing
    pages are read every run. A page verified earlier the same day (a second run after a
    crash or by hand, a report first found today) is not asked again on its own day: that
    would only repeat what is known, and its next turn is at most `days` away.
    """
    if days == 0 or (now - verified_at).days >= days:
        return True
    return verified_at.date() < now.date() and (now.date().toordinal() + zlib.crc32(url.encode())) % days == 0


def crawl(
    config: Config,
    store: Store,
    today: date,
    progress: Callable[[Outcome], None] | None = None,
    *,
    backoff_base: float | None = None,
) -> RunSummary:
    """Crawl every configured agency once and store what was found; returns the run's summary.

    `progress` is called with each Outcome as it is recorded. `backoff_base` scales the
    waits between retries (default 1 s; tests pass a few milliseconds).
    """
    return asyncio.run(_Cycle(config, store, today, progress, backoff_base).run())


_worker_store: Store | None = None  # a parse worker's own connection to the store


def _open_worker_store(path: Path, evidence_dir: Path) -> None:
    """Pool initializer: each worker stores what it parses through its own connection, so the
    figures' insert (a few hundred rows a report) runs on both cores and not in the event loop."""
    global _worker_store
    _worker_store = Store.open(path, evidence_dir)


class _Known(NamedTuple):
    """What the store holds of an (agency, year) before its page is fetched again."""

    current: Mapping[str, Any] | None  # its current report, as `Store.current_versions` gives it
    unreadable: Mapping[str, Any] | None  # its last parse error, as `Store.unreadable` gives it


@dataclass(frozen=True)
class _Job:
    """One document to parse in a worker and store as (agency_id, year)'s report."""

    data: bytes
    url: str
    headers: dict[str, str]
    filename: str | None
    page: tuple[bytes, dict[str, str]] | None  # the article linking an attachment: it shows the date
    agency_id: int
    year: int
    document_id: int
    article: Article


def _parse_and_store(job: _Job) -> int:
    """In a worker process: parse, date, store; returns the report id (see Store.save_report).

    Any failure of the parser is this document's parse error, never the run's end: a portal's
    bytes can reach corners of the PDF or HTML libraries that raise what no one expects.
    """
    try:
        report = parse_document(job.data, url=job.url, headers=job.headers, filename=job.filename)
    except ParseError:
        raise
    except Exception as e:  # noqa: BLE001 - see the docstring
        raise ParseError(f"the parser failed: {type(e).__name__}: {e}", job.url) from None
    if job.page is not None:
        report.published_on = report.published_on or page_published_on(*job.page)
    report.published_on = report.published_on or job.article.published_on
    assert _worker_store is not None, "the pool is made with _open_worker_store"
    return _worker_store.save_report(
        job.agency_id, job.year, report, job.document_id, url=job.article.url, title=job.article.title
    )


class _EvidenceKeeper:
    """Fetched bytes made evidence a batch at a time, in one thread: while one batch is made
    durable the next gathers, so the documents of many lanes share each batch's fsyncs (two
    journal commits) instead of paying two each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.waiting: list[tuple[bytes, asyncio.Future[str]]] = []
        self.writing: asyncio.Task[None] | None = None

    async def keep(self, data: bytes) -> str:
        """The sha256 of `data`, once it is durably kept."""
        kept: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting.append((data, kept))
        if self.writing is None:
            self.writing = asyncio.create_task(self.write())
        return await kept

    async def write(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                try:
                    kept = await asyncio.to_thread(self.store.keep_evidence_batch, [data for data, _ in batch])
                except Exception as e:  # noqa: BLE001 - each waiting fetch raises it as its own
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(e)
                    continue
                for (_, future), sha256 in zip(batch, kept):
                    if not future.done():  # its lane may have been cancelled meanwhile
                        future.set_result(sha256)
        finally:
            self.writing = None


class _Cycle:
    def __init__(
        self,
        config: Config,
        store: Store,
        today: date,
        progress: Callable[[Outcome], None] | None,
        backoff_base: float | None,
    ) -> None:
        self.config, self.store, self.today, self.progress = config, store, today, progress
        self.backoff_base = backoff_base
        self.fetcher: Fetcher  # made by `run`, once the configured hosts are known
        self.parsing = asyncio.Semaphore(PARSE_QUEUE)
        self.quarantine = asyncio.Lock()  # documents parsed alone after a worker died, one at a time
        self.ids: dict[str, int] = {}  # name → id of the agencies of the columns being read
        self.unsaved: list[tuple[int, Outcome]] = []  # (agency id, outcome) recorded, stored together (`save_outcomes`)
        self.reconfirmed: list[tuple[int, datetime, dict[str, Any]]] = []  # documents fetched again, the same (likewise)
        self.columns_read: list[ColumnRead] = []  # columns read to their end (likewise)
        self.saved_at = time.monotonic()
        self.summary = RunSummary(run_id=0, started_at=datetime.now(UTC))
        self.pool: ProcessPoolExecutor | None = None
        self.evidence = _EvidenceKeeper(store)

    async def run(self) -> RunSummary:
        """Crawl every configured column. The roster is put in the store and read back a column
        at a time (`Store.column_agencies`): the crawl never holds every agency."""
        self.summary.agencies = self.store.sync_roster(self.config.agencies)
        self.summary.run_id = self.store.start_run()
        hosts = self.store.roster_hosts()
        names = (urlsplit(f"//{host}").hostname or "" for host, _ in hosts)
        self.fetcher = Fetcher(self.config.crawl, backoff_base=self.backoff_base, configured_hosts=names)
        self.pool = self.new_pool()
        try:
            async with self.fetcher:
                dealt = lanes(hosts, self.config.crawl)  # taken by MAX_LANES readers, a lane each in turn
                await asyncio.gather(*(self.read_lanes(dealt) for _ in range(MAX_LANES)))
        finally:
            self.pool.shutdown(cancel_futures=True)
        self.save_outcomes()
        stats = self.fetcher.stats
        self.summary.requests, self.summary.not_modified = stats.requests, stats.not_modified
        self.summary.bytes, self.summary.retries = stats.bytes, stats.retries
        self.summary.finished_at = datetime.now(UTC)
        self.store.finish_run(self.summary.run_id, self.summary.counts())
        return self.summary

    def record(self, agency: str, year: int, state: str, **details: Any) -> None:
        self.unsaved.append((self.ids[agency], Outcome(agency, year, state, **details)))

    def save_due(self) -> None:
        """`save_outcomes` if the last was `SAVE_EVERY` ago: called as each column ends."""
        if time.monotonic() - self.saved_at >= SAVE_EVERY:
            self.save_outcomes()

    def save_outcomes(self) -> None:
        """Store the outcomes recorded so far in one transaction (one commit, not one an outcome),
        then the documents fetched again unchanged, then the columns read to their end; those of
        a run killed before are not lost work: the next run finds them again."""
        recorded, self.unsaved = self.unsaved, []
        outcomes = [outcome for _, outcome in recorded]
        verdicts = (Verdict(agency_id, o.year, o.state, o.url, o.reason, o.report_id) for agency_id, o in recorded)
        self.store.record_outcomes(verdicts, run_id=self.summary.run_id)
        reconfirmed, self.reconfirmed = self.reconfirmed, []
        self.store.reconfirm_many(reconfirmed)
        if self.columns_read:
            columns_read, self.columns_read = self.columns_read, []
            self.store.keep_column_reads(columns_read)
        self.summary.states.update(o.state for o in outcomes)
        for outcome in outcomes if self.progress else ():
            self.progress(outcome)
        self.saved_at = time.monotonic()

    # -- fetching with the store's memory -------------------------------------------------------

    async def fetch(
        self, url: str, *, method: str = "GET", insecure_tls: bool = False, holding: str | None = None, **options: Any
    ) -> tuple[Fetched, int | None]:
        """Fetch conditionally on what the store holds for `url`; keep GET answers as evidence.

        A 304 comes back as the stored bytes, or, when they are those whose sha256 is `holding`
        (the caller has what it needs of them), as their sha256 alone, `content` left empty.
        Returns the answer and its document id (None for POSTed listing pages, which are not evidence).
        """
        if method != "GET":
            return await self.fetcher.request(method, url, insecure_tls=insecure_tls, **options), None
        prior = self.store.latest_document(url)
        # Whether its bytes are still kept (a person may have pruned the evidence folder) is looked
        # up on the page's recheck day: on a cold disk each look costs milliseconds of the event
        # loop, a national run's first pages minutes (bench/README.md, fourteenth session).
        usable = prior is not None and (
            not self.recheck_due(url, prior["fetched_at"]) or self.store.holds_evidence(prior["sha256"])
        )
        fetched = await self.fetcher.get(
            url,
            etag=prior["etag"] if usable else None,
            last_modified=prior["last_modified"] if usable else None,
            insecure_tls=insecure_tls,
            **options,
        )
        if fetched.not_modified and usable:
            if prior["sha256"] == holding:
                fetched = _restored(fetched, prior, b"")
            else:
                try:
                    fetched = _restored(fetched, prior, self.store.read_evidence(prior["sha256"]))
                except StoreError:  # pruned, or unreadable, since it was last looked for: ask for it whole
                    usable = False
                    fetched = await self.fetcher.get(url, insecure_tls=insecure_tls, **options)
        about = {
            "http_status": 200 if fetched.not_modified else fetched.status,
            "content_type": fetched.content_type,
            "encoding": fetched.encoding,
            "final_url": fetched.final_url,
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
        }
        if usable and fetched.sha256 == prior["sha256"]:  # 304, or the same bytes again: kept already
            self.reconfirmed.append((prior["id"], fetched.fetched_at, about))
            return fetched, prior["id"]
        kept = await self.evidence.keep(fetched.content)
        document_id, _ = self.store.add_document(url, fetched.content, kept=kept, **about)
        return fetched, document_id

    # -- one column -----------------------------------------------------------------------------

    async def read_lanes(self, dealt: Iterator[tuple[str, int, int]]) -> None:
        """Read lanes from `dealt` until none is left: the k-th of every n of the host's columns."""
        for host, k, n in dealt:
            for section in self.store.roster_columns(host)[k::n]:
                await self.column(section)

    async def column(self, section: str) -> None:
        members = self.store.column_agencies(section)
        ids = {agency.name: agency_id for agency_id, agency in members}
        self.ids.update(ids)
        try:
            await self.read_reports(section, [agency for _, agency in members])
        finally:
            for name in ids:
                del self.ids[name]

    async def read_reports(self, section: str, agencies: list[Agency]) -> None:
        """The column's reports of each of its agencies' wanted years, each stored with its outcome."""
        wanted = {a.name: wanted_years(a, self.config.crawl, self.today) for a in agencies}
        insecure = any(a.insecure_tls for a in agencies)
        inputs = column_inputs(agencies, wanted, self.config.crawl)
        before = self.store.column_read(section)
        if before is not None and (before["inputs"] != inputs or self.recheck_due(section, before["read_at"])):
            before = None  # read to its end
        try:
            holding = before["first_sha256"] if before else None  # its reading stands if the page is the same
            first, _ = await self.fetch(section, column=True, insecure_tls=insecure, holding=holding)
            listing, picks = await self.read_column(Page(section, first), agencies, wanted, inputs, before, insecure)
        except (FetchError, ParseError) as e:
            for name, years in wanted.items():
                for year in years:
                    self.record(name, year, e.state, url=section, reason=e.reason)
            self.save_due()
            return
        stored = self.store.current_versions(self.ids[name] for name in wanted)
        unreadable = self.store.unreadable(self.ids[name] for name in wanted)
        pending = []
        for name, years in wanted.items():
            for year in years:
                pick = picks.get((name, year))
                if pick is not None:
                    key = (self.ids[name], year)
                    known = _Known(stored.get(key), unreadable.get(key))
                    pending.append(self.report(name, year, pick, known, first.final_url, insecure))
                elif listing.complete:
                    reason = f"not listed in {listing.pages} page(s) of the column ({listing.shape})"
                    self.record(name, year, "not_published", url=section, reason=reason)
                else:
                    error = listing.error or NetworkFailure(section, "column not read to the end")
                    self.record(name, year, error.state, url=error.url, reason=f"column not read to the end: {error.reason}")
        at_once = asyncio.Semaphore(REPORTS_AT_ONCE)

        async def bounded(report: Awaitable[None]) -> None:
            async with at_once:
                await report

        await asyncio.gather(*(bounded(report) for report in pending))
        self.save_due()

    async def read_column(
        self,
        first: Page,
        agencies: list[Agency],
        wanted: dict[str, list[int]],
        inputs: str,
        before: Mapping[str, Any] | None,
        insecure: bool,
    ) -> tuple[Listing, Picks]:
        """The column's listing and the item picked for each (agency, year): read from its first
        page on, or `before`'s, its last full reading, when the first page lists what it listed
        then (crawl/columns.py); without parsing the page when it has the same bytes as then."""
        section = first.url
        if before is not None and first.fetched.sha256 == before["first_sha256"]:
            return Listing(before["shape"], pages=before["pages"], unchanged=True), loaded(before["picks"])
        selector = Selector(agencies, wanted)

        def seen_before(items: list[ListingItem]) -> bool:
            return before is not None and first_page(items) == before["first_page"]

        async def page(request: PageRequest) -> Fetched:
            options = {"data": request.data, "json": request.json, "referer": request.referer, "column": True}
            return (await self.fetch(request.url, method=request.method, insecure_tls=insecure, **options))[0]

        listing = await read_listing(
            first, page, listing=agencies[0].listing, stop=selector.enough,
            max_pages=self.config.crawl.max_pages, seen_before=seen_before,
        )
        if listing.unchanged and before is not None:
            return replace(listing, pages=before["pages"], shape=before["shape"]), loaded(before["picks"])
        picks = selector.picks()
        if listing.complete:
            read = ColumnRead(
                section, inputs, first_page(listing.first), dumped(picks), listing.pages, listing.shape,
                datetime.now(UTC), first.fetched.sha256,
            )
            self.columns_read.append(read)
        return listing, picks

    # -- one report -----------------------------------------------------------------------------

    async def report(self, agency: str, year: int, pick: Pick, known: _Known, column_url: str, insecure: bool) -> None:
        """`known`: what the store holds of (agency, year). A page verified lately is not asked
        again (see `recheck_due`): its stored report stands, or its parse error does, so that a
        broken or unreadable document (a scan, a .doc) is not fetched and parsed every day."""
        item, current, failed = pick.chosen.item, known.current, known.unreadable
        if failed and failed["url"] == item.url and not self.recheck_due(item.url, failed["verified_at"]):
            self.record(agency, year, "parse_error", url=item.url, reason=failed["reason"])
            return
        if current and current["url"] == item.url and not self.recheck_due(item.url, current["verified_at"]):
            self.record(agency, year, "found", url=item.url, report_id=current["id"])
            return
        try:
            if host_of(item.url) != host_of(column_url):
                raise NetworkFailure(item.url, "listed on another host; only the column's host is trusted for articles")
            article, document_id = await self.fetch(item.url, referer=column_url, insecure_tls=insecure)
            title = item.title
            if item.truncated and article.text:
                title = article_title(article.text) or title
            page = Article(item.url, title, item.published)
            report_id = await self.stored_report(agency, year, article, document_id, page, current)
        except (FetchError, ParseError) as e:
            self.record(agency, year, e.state, url=item.url, reason=e.reason)
            return
        self.record(agency, year, "found", url=item.url, report_id=report_id)

    async def stored_report(
        self, agency: str, year: int, fetched: Fetched, document_id: int, page: Article, current: Mapping[str, Any] | None
    ) -> int:
        """Parse the article, or when it holds no report tables its attachments in turn; store the report.

        An unchanged article whose current report came from other bytes is known to hold no
        tables: it is not parsed again, its attachments are fetched (conditionally) at once.
        """
        error = ParseError("the unchanged article holds no report tables and links no readable report", page.url)
        if not (fetched.not_modified and current and current["sha256"] != fetched.sha256):
            try:
                return await self.save(agency, year, fetched, document_id, page, current)
            except ParseError as failure:
                if fetched.text is None:
                    raise
                error = failure
        for attachment in attachments(fetched.text, fetched.final_url):
            hosts = (host_of(page.url), host_of(attachment.url))
            try:
                document, attachment_id = await self.fetch(attachment.url, referer=fetched.final_url, allowed_hosts=hosts)
                return await self.save(
                    agency, year, document, attachment_id, page, current, filename=attachment.name, linked_from=fetched
                )
            except ParseError as e:
                error = e
        raise error

    async def save(
        self,
        agency: str,
        year: int,
        fetched: Fetched,
        document_id: int,
        page: Article,
        current: Mapping[str, Any] | None,
        filename: str | None = None,
        linked_from: Fetched | None = None,
    ) -> int:
        """The stored report for these bytes: parsed now, or the `current` one when the bytes are the same."""
        agency_id = self.ids[agency]
        if current and current["sha256"] == fetched.sha256:
            return int(current["id"])
        page_of = (linked_from.content, dict(linked_from.headers)) if linked_from else None
        job = _Job(fetched.content, fetched.final_url, dict(fetched.headers), filename, page_of, agency_id, year, document_id, page)
        report_id = await self.parse_and_store(job)
        if current is None:
            self.summary.reports_new += 1
        elif report_id != current["id"]:
            self.summary.reports_changed += 1
        return report_id

    def recheck_due(self, url: str, verified_at: str | None) -> bool:
        """Whether a page fetched before, last at `verified_at`, is due this run: a found report's page
        is asked again, and any page's evidence looked for (see `fetch`)."""
        if verified_at is None:
            return True
        return recheck_due(url, datetime.fromisoformat(verified_at), self.summary.started_at, self.config.crawl.recheck_days)

    def new_pool(self, workers: int = PARSE_WORKERS) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, initializer=_open_worker_store, initargs=(self.store.path, self.store.evidence_dir))

    async def parse_and_store(self, job: _Job) -> int:
        loop = asyncio.get_running_loop()
        pool = self.pool
        try:
            async with self.parsing:
                return await loop.run_in_executor(pool, _parse_and_store, job)
        except BrokenProcessPool:
            # A worker died (a crash in a native library, the OOM killer) on this document or on
            # one handed to the pool beside it. The rest of the run gets a fresh pool, and this
            # document is parsed again alone: only the one that kills its worker there is a parse_error.
            if self.pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self.new_pool()
        async with self.quarantine:
            alone = self.new_pool(workers=1)
            try:
                return await loop.run_in_executor(alone, _parse_and_store, job)
            except BrokenProcessPool:
                raise ParseError("the parser process died reading this document", job.url) from None
            finally:
                alone.shutdown(wait=False)


def _restored(answer: Fetched, prior: Mapping[str, Any], data: bytes) -> Fetched:
    """A 304 answer filled in with the stored bytes and what was known about them."""
    headers = {"content-type": prior["content_type"] or "", **answer.headers}
    headers.pop("content-length", None)
    headers.setdefault("etag", prior["etag"] or "")
    headers.setdefault("last-modified", prior["last_modified"] or "")
    text = None
    if prior["encoding"] or sniff_format(data, answer.url, prior["content_type"]) == "html":
        text, _ = decode(data, headers, html=True)
    return replace(
        answer,
        final_url=prior["final_url"] or answer.url,
        headers={k: v for k, v in headers.items() if v},
        content=data,
        sha256=prior["sha256"],
        encoding=prior["encoding"],
        text=text,
    )
