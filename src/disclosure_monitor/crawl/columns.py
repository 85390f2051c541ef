"""What a column listed when it was last read to its end, so that it need not be read again.

A run over unchanged portals asked every page of every column: 4,664 of its 12,539
requests at 10,000 simulated agencies were the later pages of columns whose first page had
not changed. Portals list newest first, so a report published since is listed on the first
page and changes it.
When the first page lists the same items as at the column's last full reading, and
nothing the choice depends on changed (the agencies sharing the column, their names,
the years looked for, the settings and the code that read and chose), the crawler
replays that reading's picks; a first page with the very bytes it had then (a 304, most
days) is not even parsed. Each column is still read to its end at least once in
`crawl.recheck_days`, on a day of its own (the reports' rule), and every run when that is 0.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..config import Agency, CrawlSettings
from ..fingerprint import source_fingerprint
from .discover import ListingItem
from .select import Candidate, Pick

Picks = Mapping[tuple[str, int], Pick]


@lru_cache(maxsize=1)
def _code() -> str:
    """The source that turns pages into picks: an upgrade of it reads every column again."""
    here = Path(__file__).parent
    return source_fingerprint((name, here / name) for name in ("discover.py", "select.py"))


def _sha(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()


def column_inputs(agencies: Sequence[Agency], wanted: Mapping[str, Iterable[int]], settings: CrawlSettings) -> str:
    """What a column's picks depend on besides its pages, as one hash."""
    who = sorted((a.name, list(a.aliases), list(wanted[a.name])) for a in agencies)
    return _sha([_code(), who, agencies[0].listing, settings.max_pages])


def _fields(item: ListingItem) -> list[object]:
    return [item.title, item.url, item.published and item.published.isoformat(), item.truncated]


def first_page(items: Iterable[ListingItem]) -> str:
    """The hash of what a first page lists: its items, not its bytes (a visit counter or the
    time of day in a page's frame changes the bytes and lists nothing new)."""
    return _sha([_fields(i) for i in items])


def dumped(picks: Picks) -> str:
    """The chosen item of each (agency, year), as JSON for the store."""
    chosen = ((key, pick.chosen) for key, pick in sorted(picks.items()))
    return json.dumps([[agency, year, c.kind, c.year_inferred, *_fields(c.item)] for (agency, year), c in chosen], ensure_ascii=False)


def loaded(text: str) -> dict[tuple[str, int], Pick]:
    """The picks `dumped` wrote."""
    out = {}
    for agency, year, kind, inferred, title, url, published, truncated in json.loads(text):
        item = ListingItem(title, url, date.fromisoformat(published) if published else None, truncated)
        out[agency, year] = Pick(Candidate(item, agency, year, kind, inferred))
    return out
