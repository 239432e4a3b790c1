"""A guard against a reference-counting defect of some PySide6 builds on Python 3.11.

PySide6 6.12 on CPython 3.11 takes one reference away from ``None`` on almost every call of a
C++ method that returns nothing (``setPen``, ``setText``, ``update``…). Python 3.12 and later
make ``None`` immortal, so there the defect is harmless; on 3.11 ``None`` starts with a few
thousand references and the process aborts ("Fatal Python error: none_dealloc") once a few
thousand such calls have been made — one paint of a busy target board is enough.

:func:`keep_none_alive` checks whether the running PySide6 has the defect and, only then, gives
``None`` so many references that no session can use them up (what Python 3.12 does by design).
The same builds drop a reference to ``True`` on every ``emit()`` of a signal declared in Python
(the ``True`` it returns); ``True`` and ``False`` start with a few hundred references, so a few
hundred edits (each emits ``PlanDocument.changed``) would abort with "bool_dealloc". Where that
defect shows, the two booleans are given the same bank of references.
It is cheap and idempotent; call it before any Qt work (the board's painter calls it on import;
the application and the command line should call it at start-up).
"""

from __future__ import annotations

import sys

_BANK = 1 << 60  # references to add: more than any process will ever drop
_LOW = 1 << 40  # below this, None has not been guarded yet


def pyside_drops_none() -> bool:
    """True when a void PySide6 call takes a reference away from None (the defect)."""
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("")
    return sys.getrefcount(None) < before - 4


def pyside_drops_bools() -> bool:
    """True when emitting a signal declared in Python takes a reference away from True."""
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4


def _bank(obj: object) -> None:
    import ctypes

    count = ctypes.c_ssize_t.from_address(id(obj))
    if count.value < _LOW:
        count.value += _BANK


def keep_none_alive() -> bool:
    """Guard None (and True and False) if this PySide6 needs it; returns True when the guard for
    None is (now) in place."""
    if sys.version_info >= (3, 12):
        return False
    import ctypes

    if ctypes.c_ssize_t.from_address(id(True)).value < _LOW and pyside_drops_bools():
        _bank(True)
        _bank(False)
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value >= _LOW:
        return True
    if not pyside_drops_none():
        return False
    count.value += _BANK
    return True
