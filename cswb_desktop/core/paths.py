"""Per-user folders (platformdirs) and this installation's device id.

`CSWB_DESKTOP_HOME` points everything at one folder instead: tests use it, and so can support
staff who want a portable installation on a USB stick.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import platformdirs

from .. import APP_NAME


def _home_override() -> Path | None:
    value = os.environ.get("CSWB_DESKTOP_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    home = _home_override()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    home = _home_override()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def working_dir() -> Path:
    """Private working copies of the plans that are open (or were, before a crash)."""
    path = data_dir() / "working"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def device_id() -> str:
    """A random id made once per installation; it marks who made each edit, for merging."""
    path = config_dir() / "device-id"
    try:
        value = path.read_text(encoding="ascii").strip()
        uuid.UUID(value)
        return value
    except (OSError, ValueError):
        pass
    value = str(uuid.uuid4())
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(value, encoding="ascii")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only profile still gets a stable id for this session
    return value


def file_name_for(title: str, suffix: str) -> str:
    """A file name made from a plan's title, safe on every system (no characters Windows forbids,
    nothing unprintable, no leading or trailing dot or space), for a file ending in `suffix`."""
    cleaned = "".join(ch for ch in title if ch not in '<>:"/\\|?*' and ch.isprintable()).strip(" .")
    return (cleaned[:80] or "plan") + suffix
