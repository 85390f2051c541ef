"""The whole job as oversight staff meet it: `run` against the portal simulator, then
`digest` to a real SMTP server on loopback; assertions on the message they receive."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import lxml.html
import pytest

from disclosure_monitor.checks import deadline_for
from disclosure_monitor.cli import main
from disclosure_monitor.simulator import Simulator, default_scenario, write_config

from .crawl.conftest import TODAY, without
from .digest.conftest import SmtpSink, free_port


@pytest.fixture(scope="module")
def received(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("cycle")
    smtp = SmtpSink(free_port())
    smtp.start()
    with Simulator(without(default_scenario(5, 40), "stall")) as sim:
        path = write_config(folder, sim.agencies_config(), per_host_delay=0.02, years_back=3)
        text = path.read_text(encoding="utf-8").replace("smtp_port = 8025", f"smtp_port = {smtp.port}")
        path.write_text(text, encoding="utf-8")
        # Two nights: a portal that fails once is not yet reported as unverifiable.
        for _ in range(2):
            assert main(["run", "-c", str(path), "--today", TODAY.isoformat()]) == 0
        assert main(["digest", "-c", str(path), "--today", TODAY.isoformat()]) == 0
        expected = {k: e for k, e in sim.expected().items() if k[1] >= TODAY.year - 3}
        kinds = {a["name"]: a["kind"] for a in sim.agencies_config()}
    smtp.stop()
    assert len(smtp.messages) == 1
    yield smtp.messages[0], expected, kinds


def sections(message) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The HTML part's text under each heading, by the heading's anchor."""
    page = lxml.html.fromstring(message.get_body(("html",)).get_content())
    out: dict[str, str] = defaultdict(str)
    current = None
    for el in page.body.iter():
        if el.tag == "h2":
            current = el.get("id")
        elif current and el.tag == "li":
            out[current] += el.text_content() + "\n"
    return out


def test_subject_names_the_period(received) -> None:  # type: ignore[no-untyped-def]
    message, _, _ = received
    assert "2025-W22" in message["Subject"]  # the ISO week of TODAY, 2025-06-01
    assert message.get_body(("plain",)) is not None


def test_agencies_past_their_deadline_are_under_not_published(received) -> None:  # type: ignore[no-untyped-def]
    message, expected, kinds = received
    missing = {a for (a, y), e in expected.items() if e.state == "not_published" and TODAY > deadline_for(y, kinds[a])}
    assert missing and all(a in sections(message)["unpublished"] for a in missing)


def test_inconsistent_reports_show_their_failing_cells(received) -> None:  # type: ignore[no-untyped-def]
    message, expected, _ = received
    text = sections(message)["inconsistent"]
    bad = {a for (a, y), e in expected.items() if e.state == "found" and e.inconsistent}
    assert bad and all(a in text for a in bad)
    assert "apply.granted.natural" in text or "予以公开" in text


def test_late_and_unverifiable_agencies_are_under_their_headings(received) -> None:  # type: ignore[no-untyped-def]
    message, expected, _ = received
    parts = sections(message)
    assert all(a in parts["late"] for (a, y), e in expected.items() if e.state == "found" and e.late)
    failing = {"blocked_antibot", "robots_disallowed", "column_moved", "column_missing", "js_only", "network_error"}
    unverifiable = {a for (a, y), e in expected.items() if e.state in failing | {"parse_error"}}
    listed = {a for a in {a for a, _ in expected} if a in parts["unverifiable"]}
    assert listed and listed <= unverifiable
    # A long list is capped: those not listed are counted, with the query that lists them.
    html = message.get_body(("html",)).get_content()
    assert listed == unverifiable or "SELECT" in html.split('id="unverifiable"')[1]


def test_compliant_agencies_are_not_mentioned(received) -> None:  # type: ignore[no-untyped-def]
    message, expected, _ = received
    by_agency = defaultdict(list)
    for (agency, _), e in expected.items():
        by_agency[agency].append(e)
    compliant = [a for a, es in by_agency.items() if all(e.state == "found" and not e.late and not e.inconsistent for e in es)]
    body = message.get_body(("html",)).get_content() + message.get_body(("plain",)).get_content()
    mentioned = [a for a in compliant if a in body]
    # A compliant agency may still have a warning to check (e.g. blank cells), never an error.
    text = sections(message)
    assert not [a for a in mentioned if a in text["inconsistent"] or a in text["unpublished"] or a in text["late"]]
    assert len(mentioned) < len(compliant)
