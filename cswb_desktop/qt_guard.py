"""The PySide6 builds this program refuses to run on, and the one sentence that says why.

PySide6-Essentials 6.12.0 on CPython 3.10 and 3.11 takes one reference away from ``None`` on
almost every call of a C++ method that returns nothing (``setPen``, ``setText``, ``update``…) and
one from ``True`` on every ``emit()`` of a signal declared in Python. ``None`` and the booleans
start with a few thousand references there, so the process aborts ("Fatal Python error:
none_dealloc" or "bool_dealloc") after one paint of a busy target board or a few hundred edits.
Python 3.12 made these objects immortal, and PySide6 6.11.3 does not have the defect, so
``pyproject.toml`` excludes 6.12.0 and the installers are built on Python 3.12.

Should the pair be found anyway (an older environment, a hand-made install), the program and the
``cswb`` commands that draw with Qt refuse to start with :func:`broken_build_refusal`'s sentence
rather than crash later. The check only reads version numbers and reference counts; it changes
nothing.
"""

from __future__ import annotations

import sys

BROKEN_PYSIDE = frozenset({(6, 12, 0)})  # builds known to drop references on Python < 3.12


def _python_version() -> tuple[int, int, int]:
    return tuple(sys.version_info[:3])


def _pyside_version() -> tuple[int, int, int] | None:
    try:
        import PySide6
    except ImportError:
        return None
    info = getattr(PySide6, "__version_info__", None)
    if not info:
        return None
    try:
        return tuple(int(part) for part in info[:3])
    except (TypeError, ValueError):
        return None


def pyside_drops_references() -> bool:
    """True when a void PySide6 call or a signal's emit() visibly takes references away from None
    or True (the defect, in a build not yet named in BROKEN_PYSIDE). Read-only: it only counts."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("")
        probe.ping.emit()
    return sys.getrefcount(None) < none_before - 4 or sys.getrefcount(True) < true_before - 4


def _text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def broken_build_refusal(program: str = "cswb-desktop") -> str | None:
    """One sentence saying that `program` cannot run on this Python and PySide6 and what to do,
    or None when the pair is sound."""
    python = _python_version()
    if python >= (3, 12):
        return None
    pyside = _pyside_version()
    if pyside is None:
        return None
    if pyside not in BROKEN_PYSIDE and not pyside_drops_references():
        return None
    return (f"{program} cannot run on PySide6 {_text(pyside)} with Python {_text(python)}, a pair "
            f"that crashes after a few thousand drawing calls; install another PySide6 with "
            f"python3 -m pip install \"PySide6-Essentials>=6.8,!={_text(pyside)}\", or use "
            f"Python 3.12 or newer.")
