"""One logging setup: `key=value` lines on stderr, which journald and grep both read well.

Call `event(log, "fetched", run=3, agency=…, url=…, state="found")`: the event name and
each field become `key=value`; values with spaces or quotes are quoted. Nothing here
ever receives the SMTP password.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

FIELDS = "fields"  # the LogRecord attribute `event` stores its fields under


def _quoted(value: Any) -> str:
    text = str(value)
    if text and not any(c.isspace() or c in '"=\\' for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class KeyValueFormatter(logging.Formatter):
    """`time=… level=… logger=… event=… key=value …`, one line per record."""

    def __init__(self, with_time: bool = True) -> None:
        super().__init__()
        self.with_time = with_time

    def format(self, record: logging.LogRecord) -> str:
        pairs: dict[str, Any] = {}
        if self.with_time:
            pairs["time"] = self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z")
        pairs |= {"level": record.levelname.lower(), "logger": record.name, "event": record.getMessage()}
        pairs |= getattr(record, FIELDS, {})
        if record.exc_info:
            pairs["error"] = self.formatException(record.exc_info)
        return " ".join(f"{k}={_quoted(v)}" for k, v in pairs.items() if v is not None)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time, so redirecting it (or a test capturing it) works."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(level: int | str = logging.INFO) -> None:
    """Route the package's loggers to stderr as key=value lines; idempotent."""
    root = logging.getLogger("disclosure_monitor")
    root.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(KeyValueFormatter())
        root.addHandler(handler)
    root.propagate = False


def event(log: logging.Logger, name: str, level: int = logging.INFO, exc_info: bool = False, **fields: Any) -> None:
    """Log `name` with `fields` as key=value pairs (run, agency, url, state, …)."""
    log.log(level, name, exc_info=exc_info, extra={FIELDS: fields})
