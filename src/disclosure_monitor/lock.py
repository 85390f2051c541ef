"""One writer per store: an exclusive, non-blocking `flock` on a file beside the database.

`serve`'s jobs, a cron-started `run` and a manual `run` (or `check`, or a sending
`digest`) each take it for the length of their work; whoever comes second is refused
at once with `StoreBusy` instead of waiting or interleaving. The kernel drops the lock
when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import MonitorError


class StoreBusy(MonitorError):
    """Another disclosure-monitor process is working on the same store right now."""


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


@contextmanager
def store_lock(store_path: Path, what: str = "") -> Iterator[Path]:
    """Hold the store's lock for the block; raise StoreBusy if another process holds it."""
    path = lock_path(store_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise StoreBusy(
                f"{store_path} is in use by {holder}; try again when it has finished (lock: {path})"
            ) from None
        # Who holds it, for the message the next comer gets; informative only, so a full disk may refuse it.
        with suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({what or 'disclosure-monitor'})\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
