"""Typed configuration: one TOML file read into frozen dataclasses, validated in one place.

Each settings class declares its keys as dataclass fields: the field's type, its default
(absent = required) and the `check` in its metadata are the whole schema, so a new key is
one new field. Every problem is reported at once, each with the file and key path
(`agency[3].section`) and what was expected, before any work starts.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
import types
import typing
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from apscheduler.triggers.cron import CronTrigger

from .errors import ConfigError

PASSWORD_ENV = "DISCLOSURE_MONITOR_SMTP_PASSWORD"
KINDS = ("dept", "gov", "gov_office", "township", "state_council_dept")
LEVELS = ("province", "prefecture", "county", "township")
LISTINGS = ("auto", "trs", "hanweb", "gkmlpt", "epoint", "generic")
SECURITIES = ("none", "starttls", "ssl")
SEVERITIES = ("info", "warning", "error")  # rising: a route's min_severity takes that one and above
LANGS = ("zh", "en")
DEFAULT_ROUTE = "default"  # the digest of the findings no route takes, to email.recipients

# A check returns what was expected when the value is wrong, None when it is fine.
Check = Callable[[Any], str | None]


def one_of(*choices: str) -> Check:
    return lambda v: None if v in choices else "one of " + " | ".join(choices)


def between(low: float, high: float | None = None) -> Check:
    def check(v: float) -> str | None:
        if not math.isfinite(v) or v < low or (high is not None and v > high):  # TOML allows nan and inf
            return f"a number from {low}" + (f" to {high}" if high is not None else " up")
        return None

    return check


def non_empty(v: str) -> str | None:
    return None if v.strip() else "a non-empty string"


def host_of(url: str) -> str:
    """The politeness key of a URL's portal: scheme-less host:port, lower case."""
    return urlsplit(url).netloc.lower()


def http_url(v: str) -> str | None:
    parts = urlsplit(v)
    return None if parts.scheme in ("http", "https") and parts.hostname else "an http(s) URL with a host"


def iana_zone(v: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "an IANA time zone such as Asia/Shanghai"
    return None


def cron_expression(v: str) -> str | None:
    try:
        CronTrigger.from_crontab(v)
    except ValueError as e:
        return f"a five-field cron expression such as '0 6 * * *' ({e})"
    return None


def address(v: str) -> str | None:
    return None if "@" in v.strip("@") else "an e-mail address"


def addresses(v: tuple[str, ...]) -> str | None:
    return next((f"e-mail addresses ({a!r} is not one)" for a in v if address(a)), None)


def each(check: Check) -> Check:
    """`check` applied to every item of a list; the first wrong item says what was expected."""
    return lambda items: next((f"{expected}, each" for v in items if (expected := check(v))), None)


def some_addresses(v: tuple[str, ...]) -> str | None:
    return addresses(v) or (None if v else "at least one e-mail address")


def key(default: Any = MISSING, check: Check | None = None, optional: bool = False, shared: bool = False) -> Any:
    """A configuration key; `optional` marks one without a default that `load_config` fills in,
    `shared` one whose few values repeat across [[...]] blocks: equal values are then one object."""
    return field(default=default, metadata={"check": check, "optional": optional, "shared": shared})


@dataclass(frozen=True)
class StoreSettings:
    path: Path = key()  # noqa: RUF009 - key() is a dataclasses.field; resolved against the config file's folder
    evidence: Path = key(optional=True)  # noqa: RUF009 - key() is a dataclasses.field; default: "evidence" beside the db


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str = key("disclosure-monitor (+mailto:oversight@example.org)", non_empty)
    per_host_concurrency: int = key(1, between(1, 16))
    per_host_delay: float = key(1.0, between(0))
    timeout: float = key(30.0, between(1))
    request_deadline: float = key(180.0, between(1))  # seconds one request may take, body included (a drip never ends)
    max_pages: int = key(500, between(1))  # listing pages read per column before giving up on its end
    max_retries: int = key(3, between(0, 10))
    respect_robots: bool = key(True)
    max_document_mb: float = key(30.0, between(1))
    years_back: int = key(3, between(1, 20))
    # A found report's page and attachment are asked again (conditionally) at least this often, a
    # slice of them each day, and so is every page of a column whose first page lists nothing new
    # (crawl/columns.py); 0 asks every run. A column's first page is asked every run regardless.
    recheck_days: int = key(7, between(0, 366))


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = key("Asia/Shanghai", iana_zone)
    crawl: str = key("0 6 * * *", cron_expression)
    digest: str = key("0 9 * * mon", cron_expression)


@dataclass(frozen=True)
class ChecksSettings:
    # A crawl failure (M02 "cannot verify") is raised only after this many failing runs in a row.
    failures_before_alert: int = key(2, between(1, 100))


@dataclass(frozen=True)
class Route:
    """One office's digest: the findings of the agencies it covers, from `min_severity` up.

    Empty filters match everything; `names` match an agency's name or one of its aliases.
    """

    name: str = key(check=non_empty)
    recipients: tuple[str, ...] = key(check=some_addresses)
    region_prefix: str = key("")
    kinds: tuple[str, ...] = key((), each(one_of(*KINDS)))
    names: tuple[str, ...] = key(())
    min_severity: str = key("info", one_of(*SEVERITIES))

    @property
    def filters_agencies(self) -> bool:
        return bool(self.region_prefix or self.kinds or self.names)

    def covers(self, agency: Agency | None) -> bool:
        """Whether the agency filters take `agency` (None: a finding about no configured agency)."""
        if agency is None:
            return not self.filters_agencies
        return (
            agency.region.startswith(self.region_prefix)
            and (not self.kinds or agency.kind in self.kinds)
            and (not self.names or not {agency.name, *agency.aliases}.isdisjoint(self.names))
        )

    def takes(self, agency: Agency | None, severity: str) -> bool:
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.min_severity) and self.covers(agency)


@dataclass(frozen=True)
class EmailSettings:
    smtp_host: str = key("localhost", non_empty)
    smtp_port: int = key(25, between(1, 65535))
    security: str = key("none", one_of(*SECURITIES))
    username: str = key("")
    sender: str = key("monitor@example.org", address)
    recipients: tuple[str, ...] = key((), addresses)
    subject_prefix: str = key("[政务公开年报监测]")
    lang: str = key("zh", one_of(*LANGS))  # of the scheduled digest (`serve`)
    route: tuple[Route, ...] = key(())  # the [[email.route]] blocks

    @property
    def password(self) -> str | None:
        """Read from the environment only, so it is never in a file, a repr or a log."""
        return os.environ.get(PASSWORD_ENV) or None


@dataclass(frozen=True, slots=True)  # slots: going through a national roster makes 100,000 of them
class Agency:
    name: str = key(check=non_empty)
    kind: str = key(check=one_of(*KINDS), shared=True)
    section: str = key(check=http_url)  # the listing page of the column that holds its reports
    region: str = key("", shared=True)
    aliases: tuple[str, ...] = key(())  # other names its report titles use
    first_year: int | None = key(None, between(2008, 2100), shared=True)
    level: str | None = key(None, one_of(*LEVELS), shared=True)
    insecure_tls: bool = key(False)  # accept a broken certificate (many county portals have one)
    listing: str = key("auto", one_of(*LISTINGS), shared=True)  # the listing shape, when auto-detection guesses wrong


@dataclass(frozen=True)
class Config:
    path: Path  # the file it was read from
    store: StoreSettings
    crawl: CrawlSettings
    schedule: ScheduleSettings
    email: EmailSettings
    agencies: Collection[Agency]  # a `Roster` when read from a file
    checks: ChecksSettings = ChecksSettings()


SECTIONS: dict[str, type] = {
    "store": StoreSettings,
    "crawl": CrawlSettings,
    "schedule": ScheduleSettings,
    "email": EmailSettings,
    "checks": ChecksSettings,
}
_NOUNS = {str: "a string", int: "an integer", float: "a number", bool: "true or false", Path: "a path"}


class _Wrong(Exception):
    """A value of the wrong type; the argument says what was expected."""


# bool is not an int here, though Python says so.
_ACCEPTS: dict[type, Callable[[Any], bool]] = {
    bool: lambda v: isinstance(v, bool),
    int: lambda v: isinstance(v, int) and not isinstance(v, bool),
    float: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    str: lambda v: isinstance(v, str),
    Path: lambda v: isinstance(v, str) and bool(v),
}


def _coercer(hint: Any) -> Callable[[Any], Any]:
    """A function taking a TOML value to the type `hint` names, or raising _Wrong."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):  # `X | None`: None only ever comes from the default
        (hint,) = (a for a in typing.get_args(hint) if a is not type(None))
        return _coercer(hint)
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        item, expected = _coercer(item_hint), f"a list ({_NOUNS[item_hint]} each)"

        def items(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise _Wrong(expected)
            return tuple(item(v) for v in value)

        return items
    accepts, noun = _ACCEPTS[hint], _NOUNS[hint]

    def scalar(value: Any) -> Any:
        if not accepts(value):
            raise _Wrong(noun)
        return hint(value)

    return scalar


class _Key(NamedTuple):
    """One key of a settings class, made once from its field's type, default and metadata."""

    required: bool
    coerce: Callable[[Any], Any] | None  # None for a key of [[...]] blocks
    check: Check | None
    blocks: type | None  # the settings class of those blocks
    shared: bool  # its equal values are made one object (see `key`)


@cache
def _keys(cls: type) -> dict[str, _Key]:
    """The keys of a settings class by name, made once: a national configuration reads the
    same `Agency` schema a hundred thousand times, and resolving type hints for each block
    cost most of `load_config` (about 50 µs a block)."""
    hints = typing.get_type_hints(cls)
    keys = {}
    for f in fields(cls):
        blocks = _block_type(hints[f.name])
        keys[f.name] = _Key(
            required=f.default is MISSING and not f.metadata["optional"],
            coerce=None if blocks else _coercer(hints[f.name]),
            check=f.metadata["check"],
            blocks=blocks,
            shared=f.metadata["shared"],
        )
    return keys


def _read_table(
    cls: type, table: Any, where: str, problems: list[str], shared: dict[Any, Any] | None = None
) -> dict[str, Any]:
    """The keys of `cls` read from one TOML table; problems are appended, not raised. `shared`:
    the values of its `shared` keys met so far (in other blocks), equal ones made one object."""
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table, got {table!r}")
        return {}
    keys = _keys(cls)
    for unknown in sorted(table.keys() - keys.keys()):
        problems.append(f"{where}.{unknown}: unknown key; expected one of {', '.join(keys)}")
    values: dict[str, Any] = {}
    for name, k in keys.items():
        if name not in table:
            if k.required:
                problems.append(f"{where}.{name}: missing; this key is required")
            continue
        raw = table[name]
        if k.coerce is None:
            values[name] = _read_blocks(k.blocks, _tables(raw, f"{where}.{name}", problems), f"{where}.{name}", problems)
            continue
        try:
            value = k.coerce(raw)
        except _Wrong as e:
            problems.append(f"{where}.{name}: expected {e}, got {raw!r}")
            continue
        if k.check and (expected := k.check(value)):
            problems.append(f"{where}.{name}: expected {expected}, got {raw!r}")
            continue
        values[name] = shared.setdefault(value, value) if k.shared and shared is not None else value
    return values


def _store(values: dict[str, Any], folder: Path) -> StoreSettings:
    """Resolve relative paths against the config file's folder; evidence defaults beside the db."""
    path = folder / values["path"]
    evidence = folder / values["evidence"] if "evidence" in values else path.parent / "evidence"
    return StoreSettings(path=path, evidence=evidence)


def _block_type(hint: Any) -> type | None:
    """The settings class of a `tuple[SomeSettings, ...]` key ([[...]] blocks), else None."""
    if typing.get_origin(hint) is tuple and is_dataclass(item := typing.get_args(hint)[0]):
        return item  # type: ignore[return-value]
    return None


def _tables(value: Any, where: str, problems: list[str]) -> list[Any]:
    """An array of tables ([[where]] blocks) as a list; anything else is a problem."""
    if isinstance(value, list):
        return value
    problems.append(f"{where}: expected an array of tables ([[{where}]] blocks)")
    return []


def _read_blocks(cls: type, tables: Iterable[Any], where: str, problems: list[str]) -> tuple[Any, ...]:
    """[[where]] blocks read as `cls`, each `name` unique; problems appended."""
    return tuple(_each_block(cls, tables, where, problems))


def _each_block(cls: type, tables: Iterable[Any], where: str, problems: list[str], unique: bool = True) -> Iterator[Any]:
    """[[where]] blocks read as `cls` as `tables` come (an iterator: a roster's raw tables need
    not all be held at once), each `name` unique (`unique`); problems appended, the blocks with
    none yielded. A national roster's 100,000 agencies name a few thousand regions and a few
    kinds and years: each of those values is one object, not one a block (16.6 MB fewer at 100,000)."""
    first_index: dict[str, int] = {}
    shared: dict[Any, Any] = {}
    noun = where.rpartition(".")[2]
    for i, table in enumerate(tables):
        before = len(problems)
        values = _read_table(cls, table, f"{where}[{i}]", problems, shared)
        name = values.get("name")
        if unique and name is not None:
            if name in first_index:
                problems.append(f"{where}[{i}].name: duplicate {noun} {name!r}, already {where}[{first_index[name]}]")
            else:
                first_index[name] = i
        if len(problems) == before:
            yield cls(**values)


def _check_routes(
    routes: tuple[Route, ...], agencies: Iterable[Agency], recipients: tuple[str, ...], problems: list[str]
) -> None:
    """A route that can take no configured agency's findings is a mistake, not a quiet inbox;
    so is a finding that no route takes when there is no default inbox for it. `agencies`
    are gone through once, as they come."""
    unnamed = {name: i for i, route in enumerate(routes) for name in route.names}  # names no agency has yet
    covering = [False] * len(routes)
    unrouted, first_unrouted, size = 0, "", 0
    for a in agencies:
        size += 1
        for name in (a.name, *a.aliases):
            unnamed.pop(name, None)
        for i, route in enumerate(routes):
            covering[i] = covering[i] or route.covers(a)
        if not any(r.takes(a, SEVERITIES[0]) for r in routes):
            unrouted, first_unrouted = unrouted + 1, first_unrouted or a.name
    if routes and not recipients and unrouted:
        problems.append(
            f"email.recipients: empty, yet no route takes every finding of {unrouted} agencies"
            f" (e.g. {first_unrouted!r}); they would reach nobody: add default recipients or a route for them"
        )
    for i, route in enumerate(routes):
        where = f"email.route[{i}]"
        if route.name == DEFAULT_ROUTE:
            problems.append(f"{where}.name: {DEFAULT_ROUTE!r} is the digest of unrouted findings; choose another name")
        for name in route.names:
            if name in unnamed:
                problems.append(f"{where}.names: {name!r} is not the name or alias of any configured agency")
        if route.filters_agencies and not covering[i]:
            problems.append(
                f"{where} ({route.name!r}): can never match: none of the {size} configured agencies has"
                f" region_prefix {route.region_prefix!r}, kinds {list(route.kinds)} and names {list(route.names)}"
            )


class Roster:
    """The configured agencies, read from the configuration file again each time they are gone
    through, a piece at a time (`AGENCIES_A_PIECE` tables): a national roster's 100,000
    `Agency` objects were 46 MB held by every command. `load_config` validated them all once;
    a file changed since raises ConfigError rather than give other agencies than those checked.
    (A file that does not read in pieces, see `_pieces`, is read whole and its tables are held.)"""

    def __init__(self, path: Path, tables: Callable[[], Iterator[Any]], size: int) -> None:
        self.path, self._tables, self._size = path, tables, size
        self._stamp = _stamp(path)
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()  # what the store knows it by (`Store.sync_roster`)

    def __iter__(self) -> Iterator[Agency]:
        if _stamp(self.path) != self._stamp:
            raise ConfigError(f"{self.path}: changed since it was read; start again to read the new configuration")
        problems: list[str] = []
        yield from _each_block(Agency, self._tables(), "agency", problems, unique=False)
        if problems:  # the same bytes read as before: cannot happen, unless the stamp missed a change
            raise ConfigError("\n".join(f"{self.path}: {p}" for p in problems))

    def __len__(self) -> int:
        return self._size

    def __eq__(self, other: object) -> bool:
        """The same agencies in the same order."""
        if not isinstance(other, Roster | tuple):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # compared by what it reads, which can change

    def __contains__(self, agency: object) -> bool:
        return any(agency == a for a in self)


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


# A national roster is 100,000 [[agency]] tables. Parsed whole, its raw tables and the
# Agency objects read from them were all held at once (163 MB allocated at the peak), and
# most of that memory stayed with the process (178 MB resident after reading); it is
# parsed this many tables at a time instead, as the file's lines come.
AGENCIES_A_PIECE = 500
_AGENCY_HEADER = re.compile(r"[ \t]*\[\[[ \t]*agency[ \t]*\]\][ \t]*(?:#.*)?$")


class _Uncut(Exception):
    """The text does not read as pieces: it is read whole, so that TOML's errors name the right line."""


def _pieces(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The document parsed in pieces of AGENCIES_A_PIECE [[agency]] tables, cut before header
    lines, as its lines are read: the whole text is never held (a national roster's is 24 MB
    of UTF-8, 36 MB as a Python string; reading it took 146 MB at its peak, now 108). A cut
    that falls inside a multi-line string leaves a piece that does not parse, and a header-like
    line TOML does not take as one leaves a piece with the wrong count of tables: both are
    _Uncut, as is a key that two pieces both set."""
    piece: list[str] = []
    headers = 0
    for line in lines:
        if _AGENCY_HEADER.match(line):
            if headers == AGENCIES_A_PIECE:
                yield _piece(piece, headers)
                piece, headers = [], 0
            headers += 1
        piece.append(line)
    yield _piece(piece, headers)


def _piece(lines: list[str], headers: int) -> dict[str, Any]:
    try:
        piece = tomllib.loads("".join(lines))
    except tomllib.TOMLDecodeError as e:
        raise _Uncut from e
    tables = piece.get("agency", [])
    if not isinstance(tables, list) or len(tables) != headers:
        raise _Uncut
    return piece


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        try:
            # utf-8-sig: Windows editors put a BOM before the text.
            with path.open(encoding="utf-8-sig") as lines:
                return _config(path, _pieces(lines), lambda: _agency_tables(path))
        except (_Uncut, UnicodeDecodeError):
            text = path.read_text(encoding="utf-8-sig")  # whole, so that the error names the right line or byte
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8, not GBK") from e
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    tables = document.get("agency", [])
    return _config(path, [document], lambda: iter(tables if isinstance(tables, list) else ()))


def _agency_tables(path: Path) -> Iterator[Any]:
    """The [[agency]] tables of a file that `load_config` read in pieces, read again the same way."""
    with path.open(encoding="utf-8-sig") as lines:
        for piece in _pieces(lines):
            yield from piece.get("agency", ())


def _config(path: Path, pieces: Iterable[dict[str, Any]], agency_tables_again: Callable[[], Iterator[Any]]) -> Config:
    """The configuration from the parsed document, given whole or in pieces. Its agencies are
    validated here as they come, and read again by the `Roster` whenever they are gone through."""
    document: dict[str, Any] = {}  # every top-level key but "agency", filled as the pieces come
    agency_problems: list[str] = []

    def agency_tables() -> Iterator[Any]:
        for piece in pieces:
            tables = _tables(piece.pop("agency", []), "agency", agency_problems)
            if document.keys() & piece.keys():
                raise _Uncut
            document.update(piece)
            yield from tables

    size = sum(1 for _ in _each_block(Agency, agency_tables(), "agency", agency_problems))
    problems = [f"{unknown}: unknown key; expected one of {', '.join(SECTIONS)}, agency" for unknown in sorted(set(document) - set(SECTIONS))]
    sections = {name: _read_table(cls, document.get(name, {}), name, problems) for name, cls in SECTIONS.items()}
    problems += agency_problems
    roster = Roster(path, agency_tables_again, size)
    email = sections["email"]
    if routes := email.get("route", ()):
        _check_routes(routes, roster, email.get("recipients", ()), problems)
    if problems:
        raise ConfigError("\n".join(f"{path}: {p}" for p in problems))
    return Config(
        path=path.resolve(),
        store=_store(sections["store"], path.resolve().parent),
        crawl=CrawlSettings(**sections["crawl"]),
        schedule=ScheduleSettings(**sections["schedule"]),
        email=EmailSettings(**sections["email"]),
        agencies=roster,
        checks=ChecksSettings(**sections["checks"]),
    )
