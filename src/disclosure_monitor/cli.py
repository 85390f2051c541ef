"""The `disclosure-monitor` command: thin argparse commands over the library.

Each command is a function `cmd_<name>(args) -> int` registered in `COMMANDS` with
its arguments; the work itself lives in the library modules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .config import load_config
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


Command = tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]


def _parse_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a local html, txt, md, pdf or docx file")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _validate_config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("cfg", nargs="?", help="the TOML configuration file")
    p.add_argument("--config", "-c", help="the same, as every other command takes it")


COMMANDS: dict[str, Command] = {
    "parse": (cmd_parse, _parse_args),
    "validate-config": (cmd_validate_config, _validate_config_args),
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
