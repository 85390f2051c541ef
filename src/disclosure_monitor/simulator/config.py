"""A real TOML configuration for a running simulator's agencies (tests, benchmarks, demo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_config(
    folder: Path, agencies: list[dict[str, Any]], checks: dict[str, Any] | None = None, **crawl: Any
) -> Path:
    """Write `folder/config.toml`: the store beside it, `crawl` and `checks` settings, one
    [[agency]] each.

    The mail settings point at loopback; nothing here can reach beyond this machine.
    """
    lines = ["[store]", 'path = "monitor.db"', "", "[crawl]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in crawl.items()]
    lines += ["", "[checks]"] + [f"{key} = {json.dumps(value)}" for key, value in (checks or {}).items()]
    lines += ["", "[email]", 'smtp_host = "127.0.0.1"', "smtp_port = 8025", 'recipients = ["oversight@example.org"]']
    for agency in agencies:
        lines += ["", "[[agency]]"]
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in agency.items()]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
