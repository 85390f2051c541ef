"""disclosure-monitor: find missing, late and inconsistent government information-disclosure annual reports.

The library is usable without the CLI: `parse_document` turns a document into a
`Report`; the store, checks, crawler and digest build on it.
"""

from .errors import (
    ConfigError,
    DocumentTooLarge,
    FetchError,
    MonitorError,
    ParseError,
    StoreError,
    UnsupportedFormat,
)
from .model import Figure, Finding, Report
from .parse import parse_document, parse_path

__all__ = [
    "ConfigError",
    "DocumentTooLarge",
    "FetchError",
    "Figure",
    "Finding",
    "MonitorError",
    "ParseError",
    "Report",
    "StoreError",
    "UnsupportedFormat",
    "parse_document",
    "parse_path",
]
