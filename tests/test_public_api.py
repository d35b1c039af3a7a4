"""wardlib uses the Jupyter tools (nbconvert, nbclient, jupyter_client, papermill), pandas and warnings
through their public API only: no ``._name`` of theirs anywhere in ``wardlib/*.py``.

A private attribute may change in any minor release; pyproject.toml's upper bounds were there for
them. The scan reads each module's syntax tree (nothing is imported) and reports, with file and line:

- a private module or name imported from one of those packages (``from nbconvert.exporters.html
  import _x``, ``import papermill._y``);
- ``._name`` read from one of their modules (``pd._config``, ``warnings._filters_mutated``) or from
  an object made by calling one of their names (``client = NotebookClient(...)``, then ``client._x``);
- in a class derived from one of their classes, ``self._name`` or ``super()._name`` that the class
  does not define itself (HTMLExporter's ``self._init_resources``).

``ALLOWED`` would list ``(file, attribute)`` pairs that have no public way yet, each with its reason.
It is empty.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WATCHED = ("nbconvert", "nbclient", "jupyter_client", "papermill", "pandas", "warnings")
ALLOWED: set[tuple[str, str]] = set()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _root(node: ast.AST) -> str | None:
    """The name an expression starts from: ``a`` for ``a.b.c``, ``a.b()``, ``a.b[0]``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def private_uses(source: str, filename: str = "<source>", allowed=frozenset()) -> list[str]:
    """Every use of a watched package's private API in ``source``, as ``file:line: what``, except the
    private names in ``allowed``."""
    tree = ast.parse(source, filename)
    found: list[tuple[int, str, str]] = []  # line, the private name, what
    bound: dict[str, str] = {}  # local name → the watched package it comes from
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in WATCHED:
                    found += [(node.lineno, alias.name, f"imports the private module {alias.name}")] if any(map(_private, parts)) else []
                    bound[alias.asname or parts[0]] = parts[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in WATCHED:
            package = node.module.split(".")[0]
            if any(map(_private, node.module.split("."))):
                found.append((node.lineno, node.module, f"imports from the private module {node.module}"))
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, alias.name, f"imports the private name {node.module}.{alias.name}"))
                bound[alias.asname or alias.name] = package

    made: dict[str, str] = {}  # name (or self.attr) → the package whose callable made the object it holds
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call) \
                and _root(node.value.func) in bound:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if _dotted(target):
                    made[_dotted(target)] = bound[_root(node.value.func)]

    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_root(b) in bound for b in node.bases):
            own = {n.name for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            own |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
            own |= {t.id for n in node.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
            for n in ast.walk(node):
                if isinstance(n, ast.Attribute) and _private(n.attr) and n.attr not in own and isinstance(n.ctx, ast.Load):
                    via_self = isinstance(n.value, ast.Name) and n.value.id == "self"
                    via_super = isinstance(n.value, ast.Call) and _dotted(n.value.func) == "super"
                    if via_self or via_super:
                        found.append((n.lineno, n.attr, f"{node.name} uses its base class's private {n.attr}"))
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = _dotted(node.value)
            if base is not None and base.split(".")[0] in bound and not any(map(_private, base.split(".")[1:])):
                found.append((node.lineno, node.attr, f"{base}.{node.attr} (private to {bound[base.split('.')[0]]})"))
            elif base in made:
                found.append((node.lineno, node.attr, f"{base}.{node.attr} (private to a {made[base]} object)"))
    return [f"{filename}:{line}: {what}" for line, name, what in sorted(set(found)) if name not in allowed]


# What main had before issue 13 (wardlib/render.py and wardlib/warm.py): every line must be caught.
KNOWN_BAD = '''
import warnings
import pandas as pd
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter

class Exporter(HTMLExporter):
    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        meta = self._nb_metadata
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

def options():
    return list(pd._config.config._registered_options)

def reset(saved):
    warnings.filters[:] = saved
    warnings._filters_mutated()

def run(nb):
    client = NotebookClient(nb)
    client._cleanup_kernel()
'''


def test_the_scan_catches_each_private_use_main_had():
    found = private_uses(KNOWN_BAD)
    for what in ("uses its base class's private _init_resources", "private _nb_metadata",
                 "pd._config (private to pandas)", "warnings._filters_mutated (private to warnings)",
                 "client._cleanup_kernel"):
        assert any(what in f for f in found), (what, found)
    # our own private names are ours: a subclass's own attribute, a module's own helper
    assert private_uses("from nbconvert.preprocessors import Preprocessor\n"
                        "class P(Preprocessor):\n    def _mine(self):\n        return self._mine\n"
                        "def _helper():\n    return _helper\n") == []


@pytest.mark.parametrize("path", sorted((ROOT / "wardlib").glob("*.py")), ids=lambda p: p.name)
def test_wardlib_uses_no_private_api_of_the_jupyter_tools_pandas_or_warnings(path):
    rel = path.relative_to(ROOT).as_posix()
    found = private_uses(path.read_text(encoding="utf-8"), rel, {name for file, name in ALLOWED if file == rel})
    assert found == [], "private API (use a public one, or add it to ALLOWED with the reason):\n" + "\n".join(found)
