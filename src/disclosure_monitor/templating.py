"""The one Jinja setup of every rendered page: `.html.j2` autoescaped (portal text reaches
HTML only escaped), undefined names an error, block tags leave no blank lines."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def environment(package: str, folder: str = "templates") -> Environment:
    return Environment(
        loader=PackageLoader(package, folder),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
