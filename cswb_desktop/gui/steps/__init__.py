"""One module per toolkit step, named after the step's code, each with a `Page` class.

A step without a module of its own shows its state and what is still to do. A step's module is
imported when its page is first made, so opening a plan does not wait for every page's code."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Callable

from ...core.framework import STEP_CODES


def _factory(code: str) -> Callable:
    def make(doc, parent=None):
        module = importlib.import_module(f"{__name__}.{code}")
        return module.Page(doc) if parent is None else module.Page(doc, parent)

    make.__name__ = f"make_{code}_page"
    return make


def _discover() -> dict[str, Callable]:
    return {code: _factory(code) for code in STEP_CODES
            if importlib.util.find_spec(f"{__name__}.{code}") is not None}


PAGES = _discover()
