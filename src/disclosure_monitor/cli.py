"""The `disclosure-monitor` command: thin argparse commands over the library.

Each command is a function `cmd_<name>(args) -> int` registered in `COMMANDS` with
its arguments; the work itself lives in the library modules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from . import service
from .agency_report import agency_report, render
from .audit import audit
from .checks import check_report
from .config import Agency, Config, load_config
from .crawl import Outcome, RunSummary
from .crawl.run import wanted_years
from .demo import run_demo
from .digest import audiences, build_digest, deliver, everyone, write_digest
from .errors import ConfigError, MonitorError, ParseError
from .lock import StoreBusy, store_lock
from .log import configure_logging
from .parse import parse_path


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse one local document and print its facts, figures and single-report findings."""
    try:
        report = parse_path(args.path)
    except ParseError as e:
        print(f"disclosure-monitor parse: {e}", file=sys.stderr)
        return 2
    if args.json:
        out = report.to_json()
        out["findings"] = [f.to_json() for f in check_report(report)]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{report.agency or '?'} {report.year or '?'} (template {report.template}, {report.source_format})")
        for key, figure in report.figures.items():
            print(f"  {key} = {figure.value if figure.value is not None else '—'}")
        for note in report.notes:
            print(f"  note: {note}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """One cycle: crawl every agency, fetch new or changed documents, parse, store, check."""
    config = load_config(args.config)
    today = args.today or service.today_in(config)
    with _progress(config, today) as progress:
        summary = service.run_cycle(config, today, progress)
    print(_summary_line(summary))
    return 0


def _summary_line(summary: RunSummary) -> str:
    counts = summary.counts()
    failed = ", ".join(f"{s} {n}" for s, n in summary.states.items() if s not in ("found", "not_published") and n)
    return (
        f"run {summary.run_id}: {counts['agencies']} agencies, {counts['requests']} requests "
        f"({counts['not_modified']} not modified, {counts['bytes'] / 1e6:.1f} MB), "
        f"{counts['reports_new']} new and {counts['reports_changed']} changed reports, "
        f"{summary.states['found']} found, {summary.states['not_published']} not published"
        + (f", cannot verify: {failed}" if failed else "")
        + f"; findings {counts.get('findings_new', 0)} new, {counts.get('findings_resolved', 0)} resolved"
    )


@contextmanager
def _progress(config: Config, today: date) -> Iterator[Callable[[Outcome], None] | None]:
    """A progress bar over every (agency, year) on a terminal; nothing when logging to a file."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    total = sum(len(wanted_years(a, config.crawl, today)) for a in config.agencies)
    with Progress(transient=True) as bar:
        task = bar.add_task("crawling", total=total)
        yield lambda outcome: bar.advance(task)


def cmd_check(args: argparse.Namespace) -> int:
    """Re-run every check on what is stored, without crawling."""
    config = load_config(args.config)
    counts = service.check_cycle(config, args.today or service.today_in(config), full=args.full)
    print("findings: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


def cmd_findings(args: argparse.Namespace) -> int:
    """List findings, errors first; --open for those not resolved or dismissed."""
    config = load_config(args.config)
    with service.open_store(config) as store:
        rows = store.findings(open_only=args.open)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
        return 0
    for row in rows:
        state = "dismissed" if row["dismissed_at"] else "resolved" if row["resolved_at"] else "open"
        print(f"{row['id']:>6} {row['severity']:<7} {row['check_id']:<9} {row['agency'] or '-'} {row['year'] or ''} [{state}]")
        print(f"       {row['message_zh'] if args.lang == 'zh' else row['message_en']}")
    return 0


def cmd_dismiss(args: argparse.Namespace) -> int:
    """Mark a finding as dismissed, with the reason; it stays dismissed across runs."""
    config = load_config(args.config)
    with store_lock(config.store.path, "dismiss"), service.open_store(config) as store:
        store.dismiss_finding(args.id, args.reason)
    print(f"finding {args.id} dismissed: {args.reason}")
    return 0


def _configured_agency(config: Config, args: argparse.Namespace) -> Agency | None:
    """The agency `--agency` names (its name or an alias); None, said on stderr, when none."""
    agency = next((a for a in config.agencies if args.agency in (a.name, *a.aliases)), None)
    if agency is None:
        print(f"disclosure-monitor {args.command}: {args.agency!r} is not an agency of {config.path}", file=sys.stderr)
    return agency


def cmd_ingest(args: argparse.Namespace) -> int:
    """Store a local document as if crawled (a report downloaded by hand), then check."""
    config = load_config(args.config)
    agency = _configured_agency(config, args)
    if agency is None:
        return 2
    try:
        report = parse_path(args.path)
    except ParseError as e:
        print(f"disclosure-monitor ingest: {e}", file=sys.stderr)
        return 2
    today = args.today or service.today_in(config)
    url = args.url or Path(args.path).resolve().as_uri()
    with store_lock(config.store.path, "ingest"), service.open_store(config) as store:
        store.sync_roster(config.agencies)
        agency_id = store.agency_ids([agency.name])[agency.name]
        document_id, _ = store.add_document(url, Path(args.path).read_bytes(), encoding=report.encoding)
        report_id = store.save_report(agency_id, args.year, report, document_id, url=url)
        store.record_outcome(agency_id, args.year, "found", url=url, report_id=report_id)
        counts = audit(config, store, today, incremental=True)
    print(f"{agency.name} {args.year}: stored as report {report_id}; findings {counts['new']} new")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Everything known about one agency: reports by year, figures across years, findings, evidence."""
    config = load_config(args.config)
    agency = _configured_agency(config, args)
    if agency is None:
        return 2
    with service.open_store(config) as store:
        known = agency_report(store, agency, args.year)
    if args.html:
        args.html.write_text(render(known, "html"), encoding="utf-8")
        print(f"{args.html}: {agency.name}, {len(known.years)} years")
    else:
        sys.stdout.write(render(known))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the bundled sample portal on 127.0.0.1, run a full cycle and a dry-run digest."""
    result = run_demo(args.dir.resolve(), date.today())
    print(_summary_line(result.summary))
    print(f"configuration: {result.config}")
    print(f"database:      {result.database}   (try: sqlite3 {result.database} 'SELECT * FROM open_findings LIMIT 5')")
    print(f"digest:        {result.digest}   (open it in a browser)")
    return 0


def cmd_validate_config(args: argparse.Namespace) -> int:
    """Check a configuration file and print what is wrong."""
    path = args.config or args.cfg
    if path is None:
        print("disclosure-monitor validate-config: give the configuration file", file=sys.stderr)
        return 2
    try:
        config = load_config(path)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    print(f"{config.path}: valid, {len(config.agencies)} agencies, store {config.store.path}")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """Build the weekly digest of open findings; send each route's by SMTP unless --dry-run."""
    config = load_config(args.config)
    today = args.today or service.today_in(config)
    lang = args.lang or config.email.lang
    chosen = {a.name: a for a in audiences(config)}
    if args.route and args.route not in chosen:
        print(f"disclosure-monitor digest: no route {args.route!r}; routes: {', '.join(chosen)}", file=sys.stderr)
        return 2
    audience = chosen[args.route] if args.route else everyone(config)
    if args.dry_run:
        with service.open_store(config) as store:
            try:  # route by the configuration as it is now; while a run holds the store, as that run read it
                with store_lock(config.store.path, "digest --dry-run"):
                    store.sync_roster(config.agencies)
            except StoreBusy as busy:
                print(f"disclosure-monitor digest: {busy}; routed by the agencies as that run read them", file=sys.stderr)
            built = build_digest(store, config, today, lang, audience=audience)
        if args.out:
            write_digest(built, config.email, args.out)
            print(f"{args.out}: digest for {built.period} written")
        else:
            sys.stdout.write(built.text)
        return 0
    with store_lock(config.store.path, "digest"), service.open_store(config) as store:
        results = deliver(store, config, today, lang, only={args.route} if args.route else None)
        if args.out:
            write_digest(build_digest(store, config, today, lang, audience=audience), config.email, args.out)
    for r in results:
        if r.status == "failed":
            print(f"disclosure-monitor digest: {r.route}: {r.error}; the digest stays pending and goes out with the next attempt", file=sys.stderr)
        else:
            said = {"sent": "sent", "already_sent": "was already sent"}[r.status]
            print(f"digest {r.period} ({r.route}) {said} at {r.sent_at} to {', '.join(r.recipients)}")
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run `run` and `digest` on the configured schedule until SIGTERM."""
    return service.serve(load_config(args.config))


def cmd_status(args: argparse.Namespace) -> int:
    """Show the last run's summary, the open findings and the digests not yet delivered."""
    config = load_config(args.config)
    if not config.store.path.exists():
        print(f"{config.store.path}: no store yet; nothing has run")
        return 0
    with service.open_store(config) as store:
        run = store.last_run()
        severities = {r["severity"]: r["n"] for r in store.db.query(
            "SELECT severity, count(*) AS n FROM open_findings GROUP BY severity")}
        pending = [d["period"] for d in store.pending_digests()]
    if args.json:
        json.dump({"last_run": run, "open_findings": severities, "pending_digests": pending}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if run is None:
        print(f"{config.store.path}: no run yet")
    else:
        print(f"run {run['id']}: started {run['started_at']}, " + (
            f"finished {run['finished_at']}" if run["finished_at"] else "not finished (running, or interrupted)"))
        for name, count in run["counts"].items():
            print(f"  {name}: {count}")
    print("open findings: " + (", ".join(f"{n} {s}" for s, n in sorted(severities.items())) or "none"))
    if pending:
        print(f"digests pending (not accepted by the SMTP server yet): {', '.join(pending)}")
    return 0


Command = tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]


def _parse_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a local html, txt, md, pdf or docx file")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _validate_config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("cfg", nargs="?", help="the TOML configuration file")
    p.add_argument("--config", "-c", help="the same, as every other command takes it")


def _config_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", "-c", required=True, help="the TOML configuration file")


def _digest_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--today", type=date.fromisoformat, help="the date to act as today (ISO 8601); picks the week")
    p.add_argument("--dry-run", action="store_true", help="build the digest without sending it or marking anything")
    p.add_argument("--out", type=Path, help="also write the digest: .html for the HTML part, .eml for the whole message")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the digest (default: email.lang)")
    p.add_argument("--route", help="only this [[email.route]] (or 'default'); a dry run without it shows every finding")


def _today_arg(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--today", type=date.fromisoformat, help="the date to act as today (ISO 8601), for deadlines")


def _check_args(p: argparse.ArgumentParser) -> None:
    _today_arg(p)
    p.add_argument(
        "--full", action="store_true", help="evaluate every agency, even those whose inputs did not change since the last audit"
    )


def _findings_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--open", action="store_true", help="only findings not resolved or dismissed")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the messages")


def _dismiss_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("id", type=int, help="the finding's id (see `findings`)")
    p.add_argument("--reason", required=True, help="why it is not a problem; kept with the finding")


def _ingest_args(p: argparse.ArgumentParser) -> None:
    _today_arg(p)
    p.add_argument("path", help="the report document (html, txt, pdf, docx)")
    p.add_argument("--agency", required=True, help="the configured agency's name or alias")
    p.add_argument("--year", type=int, required=True, help="the reporting year")
    p.add_argument("--url", help="where it was published (default: the file's own URI)")


def _report_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--agency", required=True, help="the configured agency's name or alias")
    p.add_argument("--year", type=int, help="only this reporting year")
    p.add_argument("--html", type=Path, help="write one self-contained HTML page here instead of printing")


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", type=Path, default=Path("demo-output"), help="where to write (default: demo-output)")


def _status_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")


COMMANDS: dict[str, Command] = {
    "run": (cmd_run, _today_arg),
    "check": (cmd_check, _check_args),
    "findings": (cmd_findings, _findings_args),
    "dismiss": (cmd_dismiss, _dismiss_args),
    "ingest": (cmd_ingest, _ingest_args),
    "demo": (cmd_demo, _demo_args),
    "parse": (cmd_parse, _parse_args),
    "validate-config": (cmd_validate_config, _validate_config_args),
    "digest": (cmd_digest, _digest_args),
    "serve": (cmd_serve, _config_arg),
    "status": (cmd_status, _status_args),
    "report": (cmd_report, _report_args),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="disclosure-monitor",
        description="Monitor government information-disclosure annual reports (政府信息公开工作年度报告).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, add_arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=(func.__doc__ or "").strip().splitlines()[0])
        add_arguments(p)
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        return args.func(args)
    except MonitorError as e:
        print(f"disclosure-monitor {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
