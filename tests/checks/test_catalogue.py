"""The catalogue covers spec/checks.md, and the package exports what it documents."""

from __future__ import annotations

import re
from pathlib import Path

from disclosure_monitor import checks
from disclosure_monitor.checks import CATALOGUE

SPEC = Path(__file__).parents[3] / "shared" / "spec" / "checks.md"


def test_every_check_of_the_spec_is_a_catalogue_row() -> None:
    spec_ids = set(re.findall(r"^\| ([A-Z]\d\d) \|", SPEC.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(spec_ids) > 40
    assert spec_ids <= {check.id for check in CATALOGUE}


def test_every_row_is_complete() -> None:
    for check in CATALOGUE:
        assert check.severity in {"error", "warning", "info"}, check.id
        assert check.reads and check.formula and check.message_zh and check.message_en, check.id


def test_the_public_api_is_exported() -> None:
    for name in checks.__all__:
        assert getattr(checks, name) is not None
