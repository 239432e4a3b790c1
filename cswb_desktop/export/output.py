"""Getting a finished document onto the disk: a temporary file beside the target, then a swap.

A document is either written whole or not at all: a full disk, a pulled USB stick or a target
that Word holds open leaves the earlier file as it was, removes the temporary file, and raises an
ExportError whose text is one sentence for the user.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path
from typing import BinaryIO, Callable


class ExportError(Exception):
    """The document could not be written; `str()` is one sentence: what went wrong, what to do."""


class ExportCancelled(ExportError):
    """The person exporting stopped it; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The export was stopped; no document was written.")


def error_sentence(exc: BaseException, target: Path, *, replacing: bool = False) -> str:
    name, folder = target.name, target.parent
    code = getattr(exc, "errno", None)
    winerror = getattr(exc, "winerror", None)
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return (f"There is not enough space on the drive to write {name}; free some space or "
                f"choose another place, and export again.")
    if replacing and (code in (errno.EACCES, errno.EPERM, errno.EBUSY) or winerror in (5, 32, 33)):
        return (f"{name} could not be replaced because it is open in another program (such as "
                f"Word) or marked read-only; close it or choose another name, and export again.")
    if code == errno.EROFS or code in (errno.EACCES, errno.EPERM):
        return (f"{name} cannot be written in {folder} because that folder is read-only for you; "
                f"choose another place and export again.")
    if code == errno.ENOENT or not folder.exists():
        return (f"The folder {folder} is no longer there (was a USB stick removed?); reconnect it "
                f"or choose another place, and export again.")
    if code == errno.EIO:
        return (f"The drive holding {folder} stopped answering while {name} was being written "
                f"(was a USB stick removed?); any earlier copy of it is unchanged.")
    if code == errno.ENAMETOOLONG:
        return f"The name {name} is too long for this drive; choose a shorter name."
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    return f"{name} could not be written ({reason}); choose another place and export again."


def write_atomically(target: Path | str, write: Callable[[BinaryIO], None]) -> Path:
    """Call `write(stream)` on a temporary file beside `target`, flush it, then swap it in."""
    target = Path(os.path.abspath(target))
    folder = target.parent
    if target.is_dir():
        raise ExportError(f"{target} is a folder; choose a file name for the document.")
    if not folder.is_dir():
        raise ExportError(error_sentence(FileNotFoundError(errno.ENOENT, "missing"), target))
    if target.exists() and not os.access(target, os.W_OK):
        raise ExportError(f"{target.name} is marked read-only, so it was not replaced; choose "
                          f"another name, or clear its read-only setting, and export again.")
    tmp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.writing"
    created = False
    try:
        with open(tmp, "xb") as stream:
            created = True
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise ExportError(error_sentence(exc, target, replacing=True)) from exc
    except OSError as exc:
        _remove(tmp, created)
        raise ExportError(error_sentence(exc, target)) from exc
    except BaseException:
        _remove(tmp, created)
        raise
    return target


def _remove(tmp: Path, created: bool) -> None:
    if not created:
        return
    try:
        tmp.unlink()
    except OSError:
        pass


def build_in_steps(steps, progress, writer):
    """Run a document's parts in order, telling `progress(done, total, message)` before each; a
    False answer stops with ExportCancelled before anything is written."""
    for index, (message, step) in enumerate(steps):
        if progress is not None and progress(index, len(steps) + 1, message) is False:
            raise ExportCancelled()
        step()
    return writer
