"""The configured agencies in the store: one row each, kept across renames the configuration states."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from disclosure_monitor.config import load_config
from disclosure_monitor.store import Store

from .conftest import EXAMPLE

AGENCIES = load_config(EXAMPLE).agencies
OLD, OTHER = (a.name for a in AGENCIES[:2])


def _renamed(old: str, new: str, *extra_aliases: str) -> tuple:
    """The example's agencies with `old` renamed to `new`, `old` (and `extra_aliases`) its aliases."""
    return tuple(replace(a, name=new, aliases=(*a.aliases, old, *extra_aliases)) if a.name == old else a for a in AGENCIES)


def test_an_agency_renamed_with_its_old_name_as_an_alias_keeps_its_id(store: Store, agency_ids: dict[str, int]) -> None:
    ids = store.upsert_agencies(_renamed(OLD, "赣州市赣县区新闻传媒中心"))
    assert ids["赣州市赣县区新闻传媒中心"] == agency_ids[OLD]
    assert OLD not in {r["name"] for r in store.db.query("SELECT name FROM agencies")}
    assert store.db.execute("SELECT count(*) FROM agencies").fetchone()[0] == len(AGENCIES)


def test_a_new_agency_with_the_name_of_one_still_configured_as_an_alias_is_a_new_agency(store: Store, agency_ids: dict[str, int]) -> None:
    """An alias that names another configured agency is how report titles name it, not a rename."""
    newcomer = replace(AGENCIES[0], name="赣州市赣县区新闻传媒中心", aliases=(OLD,))
    ids = store.upsert_agencies((*AGENCIES, newcomer))
    assert ids[newcomer.name] not in agency_ids.values() and ids[OLD] == agency_ids[OLD]


@pytest.mark.parametrize(
    "agencies",
    [
        pytest.param(lambda: (*_renamed(OLD, "甲"), replace(AGENCIES[0], name="乙", aliases=(OLD,))), id="two-claim-one-old-name"),
        pytest.param(lambda: tuple(a for a in _renamed(OLD, "甲", OTHER) if a.name != OTHER), id="one-claims-two-old-names"),
    ],
)
def test_an_ambiguous_rename_carries_nothing_over_and_says_why(agencies, store: Store, agency_ids: dict[str, int], caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="disclosure_monitor.store")
    caplog.clear()
    ids = store.upsert_agencies(agencies())
    assert set(agency_ids.values()).isdisjoint(ids[n] for n in ("甲", "乙") if n in ids)
    assert {r["name"] for r in store.db.query("SELECT name FROM agencies")} >= {OLD, OTHER}
    warned = [r for r in caplog.records if r.getMessage() == "agency rename ambiguous"]
    assert warned and OLD in warned[0].fields["old"]  # type: ignore[attr-defined]
