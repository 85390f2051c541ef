"""One exception hierarchy for the whole program.

Each leaf says what went wrong in terms a user can act on; the crawler maps the
fetch and parse leaves one-to-one onto the outcome states of an (agency, year).
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error disclosure-monitor raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file is unusable; the message names the file and key path."""


class StoreError(MonitorError):
    """The SQLite store cannot be opened or written (locked, full disk, wrong schema)."""


class ParseError(MonitorError):
    """A document could not be turned into a report. `reason` is short and user-facing."""

    state = "parse_error"

    def __init__(self, reason: str, source: str | None = None) -> None:
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Crosses from the parser's worker process intact, reason and source apart.
        return type(self), (self.reason, self.source)


class UnsupportedFormat(ParseError):
    """A format we recognise but cannot read: legacy DOC/WPS/OFD, image-only PDF."""


class DocumentTooLarge(ParseError):
    """Refused by size before reading the whole document."""


class FetchError(MonitorError):
    """A URL could not be fetched; `state` is the outcome state it leads to."""

    state = "network_error"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class BlockedByAntibot(FetchError):
    state = "blocked_antibot"


class RobotsDisallowed(FetchError):
    state = "robots_disallowed"


class TLSFailure(FetchError):
    state = "tls_error"


class ColumnMoved(FetchError):
    state = "column_moved"


class ColumnMissing(FetchError):
    state = "column_missing"


class JavaScriptOnly(FetchError):
    state = "js_only"


class NetworkFailure(FetchError):
    state = "network_error"
