"""The `disclosure-monitor` command: thin argparse commands over the library.

Each command is a function `cmd_<name>(args) -> int` registered in `COMMANDS` with
its arguments; the work itself lives in the library modules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import service
from .config import load_config
from .digest import SmtpFailed, build_digest, deliver, write_digest
from .lock import store_lock
from .log import configure_logging
from .errors import ConfigError, MonitorError, ParseError
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
        out["findings"] = []
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{report.agency or '?'} {report.year or '?'} (template {report.template}, {report.source_format})")
        for key, figure in report.figures.items():
            print(f"  {key} = {figure.value if figure.value is not None else '—'}")
        for note in report.notes:
            print(f"  note: {note}")
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
    """Build the weekly digest of open findings; send it by SMTP unless --dry-run."""
    configure_logging()
    config = load_config(args.config)
    today = args.today or service.today_in(config)
    if args.dry_run:
        with service.open_store(config) as store:
            built = build_digest(store, config, today, args.lang)
        if args.out:
            write_digest(built, config.email, args.out)
            print(f"{args.out}: digest for {built.period} written")
        else:
            sys.stdout.write(built.text)
        return 0
    with store_lock(config.store.path, "digest"), service.open_store(config) as store:
        try:
            result = deliver(store, config, today, args.lang)
        except SmtpFailed as e:
            print(f"disclosure-monitor digest: {e}; the digest stays pending and goes out with the next attempt", file=sys.stderr)
            return 1
        if args.out:
            write_digest(result.digest or build_digest(store, config, today, args.lang), config.email, args.out)
    said = {"sent": "sent", "already_sent": "was already sent"}[result.status]
    print(f"digest {result.period} {said} at {result.sent_at} to {', '.join(config.email.recipients)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run `run` and `digest` on the configured schedule until SIGTERM."""
    configure_logging()
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
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the digest (default: zh)")


def _status_args(p: argparse.ArgumentParser) -> None:
    _config_arg(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")


COMMANDS: dict[str, Command] = {
    "parse": (cmd_parse, _parse_args),
    "validate-config": (cmd_validate_config, _validate_config_args),
    "digest": (cmd_digest, _digest_args),
    "serve": (cmd_serve, _config_arg),
    "status": (cmd_status, _status_args),
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
    try:
        return args.func(args)
    except MonitorError as e:
        print(f"disclosure-monitor {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
