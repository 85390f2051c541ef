"""The configured agencies in the store: one row each, kept across renames the configuration states."""

from __future__ import annotations

import itertools
import logging
from dataclasses import replace

import pytest

from disclosure_monitor import config as config_module
from disclosure_monitor.config import load_config
from disclosure_monitor.store import Store

from .conftest import EXAMPLE

AGENCIES = tuple(load_config(EXAMPLE).agencies)
OLD, OTHER = (a.name for a in AGENCIES[:2])


def _configure(store: Store, agencies: tuple) -> dict[str, int]:
    """`agencies` made the configured ones, as a run or check does; their ids by name."""
    store.sync_roster(agencies)
    return store.agency_ids(a.name for a in agencies)


def _renamed(old: str, new: str, *extra_aliases: str) -> tuple:
    """The example's agencies with `old` renamed to `new`, `old` (and `extra_aliases`) its aliases."""
    return tuple(replace(a, name=new, aliases=(*a.aliases, old, *extra_aliases)) if a.name == old else a for a in AGENCIES)


def test_an_agency_renamed_with_its_old_name_as_an_alias_keeps_its_id(store: Store, agency_ids: dict[str, int]) -> None:
    ids = _configure(store, _renamed(OLD, "赣州市赣县区新闻传媒中心"))
    assert ids["赣州市赣县区新闻传媒中心"] == agency_ids[OLD]
    assert OLD not in {r["name"] for r in store.db.query("SELECT name FROM agencies")}
    assert store.db.execute("SELECT count(*) FROM agencies").fetchone()[0] == len(AGENCIES)


def test_a_new_agency_with_the_name_of_one_still_configured_as_an_alias_is_a_new_agency(store: Store, agency_ids: dict[str, int]) -> None:
    """An alias that names another configured agency is how report titles name it, not a rename."""
    newcomer = replace(AGENCIES[0], name="赣州市赣县区新闻传媒中心", aliases=(OLD,))
    ids = _configure(store, (*AGENCIES, newcomer))
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
    ids = _configure(store, agencies())
    assert set(agency_ids.values()).isdisjoint(ids[n] for n in ("甲", "乙") if n in ids)
    assert {r["name"] for r in store.db.query("SELECT name FROM agencies")} >= {OLD, OTHER}
    warned = [r for r in caplog.records if r.getMessage() == "agency rename ambiguous"]
    assert warned and OLD in warned[0].fields["old"]  # type: ignore[attr-defined]


def test_the_store_holds_the_roster_and_reads_it_back_a_column_or_a_range_at_a_time(store: Store) -> None:
    """What each stage reads instead of holding the configuration's agencies."""
    ids = _configure(store, AGENCIES)
    by_id = dict(itertools.chain.from_iterable(store.roster_batches(batch=2)))
    assert by_id == {ids[a.name]: a for a in AGENCIES}  # every field, a batch of two at a time
    hosts = store.roster_hosts()
    assert sum(columns for _, columns in hosts) == len({a.section for a in AGENCIES})
    for host, _ in hosts:
        for section in store.roster_columns(host):
            assert [a for _, a in store.column_agencies(section)] == [a for a in AGENCIES if a.section == section]


def test_an_agency_taken_out_of_the_configuration_is_kept_but_not_read_as_configured(store: Store) -> None:
    ids = _configure(store, AGENCIES)
    gone, *kept = AGENCIES
    _configure(store, tuple(kept))
    assert store.roster_agencies(ids.values()) == {ids[a.name]: a for a in kept}
    assert store.db["agencies"].get(ids[gone.name])["configured"] == 0  # its history stays its own
    assert _configure(store, AGENCIES)[gone.name] == ids[gone.name]  # configured again, the same row
    assert len(store.roster_agencies(ids.values())) == len(AGENCIES)


def test_agencies_put_a_few_at_a_time_rename_none_still_configured(store: Store, agency_ids: dict[str, int]) -> None:
    """`upsert_agencies` does not know the whole configuration: an alias naming an agency configured
    is how report titles name it, not a rename."""
    newcomer = replace(AGENCIES[1], name="赣州市赣县区新闻传媒中心", aliases=(OLD,))
    ids = store.upsert_agencies([newcomer])
    assert ids[newcomer.name] not in agency_ids.values()
    assert store.agency_ids([OLD]) == {OLD: agency_ids[OLD]}


def test_a_configuration_read_in_again_unchanged_is_not_gone_through_again(store: Store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A run's crawl and its audit both sync the roster: a national one takes seconds to read."""
    reads, read = [], config_module._agency_tables
    monkeypatch.setattr(config_module, "_agency_tables", lambda path: reads.append(path) or read(path))
    config = load_config(EXAMPLE)
    assert store.sync_roster(config.agencies) == len(AGENCIES) and len(reads) == 1
    assert store.sync_roster(load_config(EXAMPLE).agencies) == len(AGENCIES) and len(reads) == 1  # the same bytes
    store.upsert_agencies([replace(AGENCIES[0], region="另一个区")])  # the roster is no longer the file's
    store.sync_roster(config.agencies)
    assert len(reads) == 2
