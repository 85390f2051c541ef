"""What a program's source does, as one hash, for work that must be done again when it changes.

The audit re-checks every agency when the checks' code changes, and the crawler reads a
column to its end again when the code that picks its reports does: at national scale each
costs minutes. An upgrade that changes only words (a docstring, a comment, the layout)
changes what neither does, so the hash is of each file's syntax tree without docstrings,
comments or line numbers.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from pathlib import Path

_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


def _meaning(source: bytes) -> str:
    """The source's syntax tree less its docstrings, as text (`ast.dump` leaves out line numbers)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, _DOCUMENTED) and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:]
    return ast.dump(tree)


def source_fingerprint(files: Iterable[tuple[str, Path]]) -> str:
    """A sha256 of (name, meaning) of each file, in the order given."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(f"{name}\0{_meaning(path.read_bytes())}\0".encode())
    return digest.hexdigest()
