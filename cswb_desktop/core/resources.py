"""Locate the files of resources/: inside the installed package, or beside the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    installed = _PACKAGE_DIR / "resources"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "resources"


def resource_path(name: str) -> Path:
    return resources_dir() / name


def read_resource_text(name: str) -> str:
    return resource_path(name).read_text(encoding="utf-8")
