"""A guard against a reference-counting defect of some PySide6 builds on Python 3.11.

PySide6 6.12 on CPython 3.11 takes one reference away from ``None`` on almost every call of a
C++ method that returns nothing (``setPen``, ``setText``, ``update``…). Python 3.12 and later
make ``None`` immortal, so there the defect is harmless; on 3.11 ``None`` starts with a few
thousand references and the process aborts ("Fatal Python error: none_dealloc") once a few
thousand such calls have been made — one paint of a busy target board is enough.

:func:`keep_none_alive` checks whether the running PySide6 has the defect and, only then, gives
``None`` so many references that no session can use them up (what Python 3.12 does by design).
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


def keep_none_alive() -> bool:
    """Guard None if this PySide6 needs it; returns True when the guard is (now) in place."""
    if sys.version_info >= (3, 12):
        return False
    import ctypes

    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value >= _LOW:
        return True
    if not pyside_drops_none():
        return False
    count.value += _BANK
    return True
