"""One module per toolkit step, named after the step's code, each with a `Page` class.

A step without a module of its own shows its state and what is still to do."""

from __future__ import annotations

import importlib

from ...core.framework import STEP_CODES


def _discover() -> dict:
    pages = {}
    for code in STEP_CODES:
        try:
            module = importlib.import_module(f"{__name__}.{code}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{code}":
                raise
            continue
        pages[code] = module.Page
    return pages


PAGES = _discover()
