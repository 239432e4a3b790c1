"""The layers of ARCHITECTURE.md, read from the source: core without Qt, QtWidgets only in gui/,
SQL only in core/, and no import cycle between the program's modules (imports inside functions
count too: a cycle hidden in a function is still a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import cswb_desktop

PACKAGE = Path(cswb_desktop.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports, absolute, whether at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # `from . import x` may name a module
                found.add(f"{target}.{alias.name}")
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in imports_of(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def test_core_imports_no_qt():
    offenders = sorted(name for name, path in MODULES.items() if name.startswith("cswb_desktop.core")
                       and any(m.startswith(("PySide6", "shiboken6")) for m in imports_of(path)))
    assert offenders == []


def test_only_gui_imports_qtwidgets():
    offenders = sorted(name for name, path in MODULES.items()
                       if not name.startswith("cswb_desktop.gui") and name != "cswb_desktop.app"
                       and any(m.startswith("PySide6.QtWidgets") for m in imports_of(path)))
    assert offenders == []


def test_sql_only_in_core():
    """Outside core/ nothing imports sqlite3 or sqlite_utils (a plan is read through the plan API)."""
    offenders = sorted(name for name, path in MODULES.items() if not name.startswith("cswb_desktop.core")
                       and any(m.split(".")[0] in ("sqlite3", "sqlite_utils") for m in imports_of(path)))
    assert offenders == []


def test_no_import_cycle():
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert cycles == []
