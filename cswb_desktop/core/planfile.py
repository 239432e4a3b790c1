"""The life of a plan file: open, check, work on a private copy, save safely, recover, back up.

Rules (DESIGN.md): opening never edits the user's file — it is copied to a private working copy,
the copy is checked as untrusted input and migrated, and every edit commits to the copy at once.
Saving writes a clean file with `VACUUM INTO` beside the target, flushes it to the disk and then
swaps it into place, so a pulled USB stick or a full disk leaves the old file as it was.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import shutil
import sqlite3
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Callable, Iterator

from .. import __version__
from . import paths, schema
from .plan import Plan, initialise

PLAN_SUFFIX = ".cswb"
BACKUPS_KEPT = 10
WORKING_NAME = "plan.cswb"
SESSION_NAME = "session.json"
LOCK_NAME = "lock"
SQLITE_MAGIC = b"SQLite format 3\x00"


# --- errors the user reads ----------------------------------------------------------------------

class FileRejected(Exception):
    """The file cannot be opened as a plan. `str()` is one sentence: what is wrong, what to do."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason  # a stable code: not_sqlite, empty, damaged, not_plan, newer, ...


class SaveError(Exception):
    """The plan could not be written. The working copy is untouched, so nothing is lost."""


class RecoveryPending(Exception):
    """Unsaved changes to this file from an earlier session are waiting to be recovered or discarded."""

    def __init__(self, recoverable: "Recoverable"):
        super().__init__(f"There are unsaved changes to {recoverable.display_name} from an earlier session.")
        self.recoverable = recoverable


# --- checking untrusted files -------------------------------------------------------------------

def _reject(reason: str, message: str) -> FileRejected:
    return FileRejected(reason, message)


def check_header(path: Path) -> int:
    """Read the 100-byte SQLite header without SQLite; returns the file's schema version."""
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        raise _reject("missing", f"{name} could not be found. It may have been moved, renamed or be on a drive that is no longer connected.")
    except IsADirectoryError:
        raise _reject("not_sqlite", f"{name} is a folder, not a plan file. Choose a file ending in .cswb.")
    except PermissionError:
        raise _reject("unreadable", f"{name} cannot be read: this account has no permission to open it. Copy it somewhere you can read, or ask the person who sent it.")
    except OSError as exc:
        raise _reject("unreadable", f"{name} cannot be read ({exc.strerror or 'input/output error'}). If it is on a USB stick, check that the stick is still connected.")
    if size == 0:
        raise _reject("empty", f"{name} is empty: it holds no plan at all. Ask the sender for the file again, or open one of your backups.")
    if not header.startswith(SQLITE_MAGIC):
        raise _reject("not_sqlite", f"{name} is not a CSWB plan file (it is not a SQLite database). Check that you picked the right file; plan files end in .cswb.")
    if len(header) < 100:
        raise _reject("damaged", f"{name} is damaged: the file is cut short. Ask the sender for a fresh copy, or open one of your backups.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise _reject("not_plan", f"{name} is a database, but not a CSWB plan. Check that you picked the right file.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _reject("damaged", f"{name} is damaged: its header is not valid. Ask the sender for a fresh copy, or open one of your backups.")
    pages_in_header = int.from_bytes(header[28:32], "big")
    header_pages_valid = header[24:28] == header[92:96] and pages_in_header > 0
    if size % page_size or (header_pages_valid and size < pages_in_header * page_size):
        raise _reject("damaged", f"{name} is damaged: the file is cut short, perhaps by an interrupted copy. Ask the sender for a fresh copy, or open one of your backups.")
    return int.from_bytes(header[60:64], "big")


def harden(conn: sqlite3.Connection) -> None:
    """Settings for reading a file nobody vouches for."""
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA mmap_size = 0")


def check_connection(conn: sqlite3.Connection, name: str) -> int:
    """Every check of DESIGN.md on an open (hardened) connection; returns the schema version.

    Run on every file that comes in (opening, reading, a partner's copy before a merge, a recovered
    working copy) and again on the private copy after its migrations."""
    damaged = _reject("damaged", f"{name} is damaged and cannot be opened safely; ask the sender for a fresh copy, or open one of your backups.")
    try:
        # integrity_check, not quick_check: it also compares every index with its table, so a
        # broken index cannot hide rows (a strategy showing no actions) from what the program reads
        result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError:
        raise damaged
    if result != ["ok"]:
        raise damaged
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        raise damaged
    if app_id != schema.APPLICATION_ID:
        raise _reject("not_plan", f"{name} is a database, but not a CSWB plan; check that you picked the right file.")
    if version > schema.SCHEMA_VERSION:
        raise _reject("newer", f"{name} was saved by a newer version of cswb-desktop (file format {version}; this version reads up to format {schema.SCHEMA_VERSION}), so install the newer version to open it; the file has not been changed.")
    if version not in schema.MIGRATIONS:
        raise _reject("not_plan", f"{name} is marked as a CSWB plan but was never set up as one; ask the sender for a fresh copy.")
    try:
        extra, missing = schema.compare_schema(conn, version)
    except sqlite3.DatabaseError:
        raise damaged
    if extra:
        described = []
        for o in extra[:6]:
            kind = "virtual table" if o.type == "table" and o.sql.upper().startswith("CREATE VIRTUAL TABLE") else o.type
            described.append(f"{kind} “{o.name}”")
        more = f" and {len(extra) - 6} more" if len(extra) > 6 else ""
        raise _reject("foreign_objects", f"{name} contains things this program did not create ({', '.join(described)}{more}), so it may have been altered by another program; it was not opened, so ask the sender for a fresh copy made with cswb-desktop.")
    if missing:
        names = ", ".join(o.name for o in missing[:6])
        raise _reject("incomplete", f"{name} is missing parts of a plan ({names}), so it cannot be opened safely; ask the sender for a fresh copy, or open one of your backups.")
    try:
        bad = schema.find_bad_value(conn, version)
    except sqlite3.DatabaseError:
        raise damaged
    if bad is not None:
        where = f"the field “{bad.column.replace('_', ' ')}” of the {bad.table.replace('_', ' ')} records"
        if bad.problem == "not_utf8":
            raise _reject("unreadable_text", f"{name} holds text in {where} that is not valid UTF-8 and cannot be read, so it is damaged or was altered by another program; it was not opened, so ask the sender for a fresh copy, or open one of your backups.")
        if bad.problem == "too_large":
            raise _reject("bad_value", f"{name} holds a number in {where} that is too large for a plan (more than {schema.LARGEST_WHOLE_NUMBER:,}), so it may have been altered by another program; it was not opened, so ask the sender for a fresh copy made with cswb-desktop.")
        raise _reject("bad_value", f"{name} holds binary data in {where}, where only text or numbers belong, so it may have been altered by another program; it was not opened, so ask the sender for a fresh copy made with cswb-desktop.")
    try:
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError:
        raise damaged
    if broken:
        tables = sorted({str(r[0]) for r in broken})
        raise _reject("broken_references", f"{name} has {len(broken)} broken reference{'s' if len(broken) != 1 else ''} (in {', '.join(t.replace('_', ' ') for t in tables)}): records point at others that are not in the file; ask the sender for a fresh copy, or open one of your backups.")
    try:
        plan_rows = conn.execute("SELECT COUNT(*) FROM plan").fetchone()[0]
    except sqlite3.DatabaseError:
        raise damaged
    if plan_rows != 1:
        raise _reject("not_plan", f"{name} should hold exactly one plan but holds {plan_rows}; ask the sender for a fresh copy.")
    return version


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = "file:" + _uri_path(path) + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    harden(conn)
    return conn


def _uri_path(path: Path) -> str:
    from urllib.parse import quote
    return quote(str(path.resolve()).replace(os.sep, "/"))


def _prepare_working_connection(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")


def verify_copy(path: Path, display_name: str) -> int:
    """Check a private copy of an untrusted file; returns its schema version or raises FileRejected."""
    check_header(path)
    try:
        conn = _connect(path, read_only=True)
    except sqlite3.DatabaseError:
        raise _reject("damaged", f"{display_name} is damaged and cannot be opened safely; ask the sender for a fresh copy, or open one of your backups.")
    try:
        return check_connection(conn, display_name)
    finally:
        conn.close()


# --- sessions -----------------------------------------------------------------------------------

def plan_key(path: Path) -> str:
    """The working folder's name for a saved file: the same path always maps to the same folder."""
    normal = os.path.normcase(str(Path(os.path.abspath(path))))
    return "f-" + sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class _Lock:
    """An exclusive lock that the operating system releases if the program dies."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+b")
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is None:
            return
        try:
            if sys.platform == "win32":  # pragma: no cover
                import msvcrt
                self.handle.seek(0)
                msvcrt.locking(self.handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        finally:
            self.handle.close()
            self.handle = None


def _read_session_info(workdir: Path) -> dict:
    try:
        data = json.loads((workdir / SESSION_NAME).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class PlanSession:
    """One open plan: its working copy, the file it belongs to, and whether it has unsaved edits."""

    def __init__(self, *, path: Path | None, workdir: Path, plan: Plan, lock: _Lock | None,
                 read_only_reason: str = "", temporary: bool = False):
        self.path = path
        self.workdir = workdir
        self.plan = plan
        self._lock = lock
        self.read_only_reason = read_only_reason
        self.temporary = temporary  # a read-only or inspection copy: never offered for recovery
        info = _read_session_info(workdir)
        self.saved_revision = int(info.get("saved_revision", plan.revision))
        self.closed = False

    @property
    def read_only(self) -> bool:
        return self.plan.read_only

    @property
    def modified(self) -> bool:
        return self.plan.revision != self.saved_revision

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else "Untitled plan"

    @property
    def working_copy(self) -> Path:
        return self.workdir / WORKING_NAME

    def _write_info(self) -> None:
        _write_json_atomically(self.workdir / SESSION_NAME, {
            "source": str(self.path) if self.path else None,
            "saved_revision": self.saved_revision,
            "updated_at": _utc_now(),
            "app_version": __version__,
        })

    def mark_clean(self) -> None:
        """The plan holds what was last saved again (edits undone): nothing to recover after a crash."""
        if self.closed or self.read_only:
            return
        self.saved_revision = self.plan.revision
        self._write_info()

    def backup_now(self, label: str) -> Path | None:
        """Keep the plan as it is this moment (saved or not) among the backups, e.g. before a merge."""
        reference = self.path or Path(self.workdir.name + PLAN_SUFFIX)
        folder = backup_folder(reference)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{stamp}-{label}{PLAN_SUFFIX}"
            self.plan.conn.execute("VACUUM INTO ?", (str(target),))
            for old in list_backups(reference)[BACKUPS_KEPT:]:
                old.unlink(missing_ok=True)
            return target
        except (OSError, sqlite3.Error):
            return None

    # saving ---------------------------------------------------------------------------------

    def save(self, progress: Callable[[str], None] | None = None) -> Path:
        if self.path is None:
            raise SaveError("This plan has not been saved before: use Save As to choose where it goes.")
        return self.save_as(self.path, progress=progress)

    def save_as(self, target: Path, progress: Callable[[str], None] | None = None) -> Path:
        """Write the plan to `target` and make that the file this session saves to."""
        if self.read_only:
            raise SaveError("This plan is open read-only. Use Save a Copy to keep your own version under another name.")
        target = Path(os.path.abspath(target))
        revision = self.plan.revision
        moving = self.path is None or plan_key(target) != plan_key(self.path)
        if moving:
            _refuse_if_open_elsewhere(target)  # before writing: that file is another window's
        write_plan_file(self.plan.conn, target, progress=progress)
        if moving:
            self._move_to(target)
        self.path = target
        self.saved_revision = revision
        self._write_info()
        keep_backup(target)
        return target

    def save_copy(self, target: Path, *, without_contact_details: bool = False,
                  progress: Callable[[str], None] | None = None) -> Path:
        """Write a clean copy elsewhere (for sharing); this session keeps its own file."""
        target = Path(os.path.abspath(target))
        if self.path is not None and plan_key(target) == plan_key(self.path):
            raise SaveError("A copy must go to a different file than the plan itself; use Save instead.")
        write_plan_file(self.plan.conn, target, without_contact_details=without_contact_details,
                        progress=progress)
        return target

    def _move_to(self, target: Path) -> None:
        """Save As to a new path: the working folder follows the new name (and its lock)."""
        if self.temporary:
            return
        new_dir = paths.working_dir() / plan_key(target)
        if new_dir.exists():
            _refuse_if_open_elsewhere(target)
            _discard_dir(new_dir, keep_backup_as=target)
        self.plan.conn.close()
        if self._lock:
            self._lock.release()
        os.replace(self.workdir, new_dir)
        self.workdir = new_dir
        self._lock = _Lock(new_dir / LOCK_NAME)
        self._lock.acquire()
        conn = sqlite3.connect(str(new_dir / WORKING_NAME), isolation_level=None, check_same_thread=False)
        harden(conn)
        _prepare_working_connection(conn)
        self.plan.replace_connection(conn)

    # closing --------------------------------------------------------------------------------

    def close(self, *, discard: bool = False) -> None:
        """Close the plan. Unsaved edits stay recoverable unless `discard` is given, in which case
        the working copy is still kept among the backups, so even that is not lost for good."""
        if self.closed:
            return
        self.closed = True
        modified = self.modified
        try:
            self.plan.conn.close()
        finally:
            if self._lock:
                self._lock.release()
        if self.temporary or not modified:
            shutil.rmtree(self.workdir, ignore_errors=True)
        elif discard:
            _discard_dir(self.workdir, keep_backup_as=self.path)


def _refuse_if_open_elsewhere(target: Path) -> None:
    workdir = paths.working_dir() / plan_key(target)
    if workdir.exists():
        other = _Lock(workdir / LOCK_NAME)
        if not other.acquire():
            raise SaveError(f"{target.name} is open in another cswb-desktop window. Close it there first, or choose another name.")
        other.release()


def _utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _new_workdir(prefix: str) -> Path:
    path = paths.working_dir() / f"{prefix}-{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    return path


def _open_working(workdir: Path, *, read_only: bool = False) -> Plan:
    conn = sqlite3.connect(str(workdir / WORKING_NAME), isolation_level=None, check_same_thread=False)
    harden(conn)
    _prepare_working_connection(conn)
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    return Plan(conn, paths.device_id(), read_only=read_only)


def _copy_into(source: Path, workdir: Path) -> Path:
    target = workdir / WORKING_NAME
    try:
        shutil.copyfile(source, target)
        journal = source.with_name(source.name + "-journal")
        if journal.is_file() and journal.stat().st_size > 0:
            shutil.copyfile(journal, target.with_name(target.name + "-journal"))
    except FileNotFoundError:
        raise _reject("missing", f"{source.name} could not be found. It may have been moved, renamed or be on a drive that is no longer connected.")
    except PermissionError:
        raise _reject("unreadable", f"{source.name} cannot be read: this account has no permission to open it.")
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _reject("no_space", f"There is not enough free disk space to open {source.name}. Free some space and try again.")
        raise _reject("unreadable", f"{source.name} could not be read ({exc.strerror or 'input/output error'}). If it is on a USB stick, check that it is still connected.")
    return target


def _roll_back_interrupted_write(copy: Path) -> None:
    """A `-journal` beside the file means another program was interrupted while writing it; the
    file alone then holds a half-written change. SQLite undoes it here, in the private copy, just
    as it would have in place; what is left is checked like any file."""
    journal = copy.with_name(copy.name + "-journal")
    if not journal.exists():
        return
    try:
        conn = sqlite3.connect(str(copy), isolation_level=None)
        try:
            harden(conn)
            conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # verify_copy says what is wrong with what is left
    journal.unlink(missing_ok=True)


def _checked_copy(source: Path, prefix: str) -> Path:
    """Copy an untrusted file into a fresh private folder and check it there; returns the folder.
    On rejection the folder is removed, so nothing is left behind anywhere."""
    check_header(source)
    workdir = _new_workdir(prefix)
    try:
        copy = _copy_into(source, workdir)
        _roll_back_interrupted_write(copy)
        verify_copy(copy, source.name)
        conn = sqlite3.connect(str(copy), isolation_level=None)
        try:
            harden(conn)
            conn.execute("PRAGMA journal_mode = DELETE")
            schema.apply_migrations(conn)
            check_connection(conn, source.name)  # what the migrations made is checked as well
        finally:
            conn.close()
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


def open_plan(path: Path | str) -> PlanSession:
    """Open a plan file for editing. If another running program has it open, it opens read-only.

    Raises FileRejected (with its sentence) for a file that is not a safe plan, and RecoveryPending
    when unsaved changes from an earlier session should be recovered or discarded first.
    """
    path = Path(os.path.abspath(path))
    key_dir = paths.working_dir() / plan_key(path)
    if key_dir.exists():
        lock = _Lock(key_dir / LOCK_NAME)
        if not lock.acquire():
            return _open_read_only(path, "This plan is already open in another cswb-desktop window, "
                                         "so it opened read-only here.")
        pending = _recoverable_in(key_dir)
        lock.release()
        if pending is not None:
            raise RecoveryPending(pending)
        shutil.rmtree(key_dir, ignore_errors=True)
    staging = _checked_copy(path, "opening")
    try:
        os.replace(staging, key_dir)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    lock = _Lock(key_dir / LOCK_NAME)
    if not lock.acquire():  # another program won the race in the last moment
        shutil.rmtree(key_dir, ignore_errors=True)
        return _open_read_only(path, "This plan is already open in another cswb-desktop window, "
                                     "so it opened read-only here.")
    plan = _open_working(key_dir)
    session = PlanSession(path=path, workdir=key_dir, plan=plan, lock=lock)
    session.saved_revision = plan.revision
    session._write_info()
    return session


def _open_read_only(path: Path, reason: str) -> PlanSession:
    workdir = _checked_copy(path, "readonly")
    plan = _open_working(workdir, read_only=True)
    return PlanSession(path=path, workdir=workdir, plan=plan, lock=None, read_only_reason=reason,
                       temporary=True)


def new_plan(*, community: str, community_type: str = "municipality", title: str = "",
             language: str = "en", fill: Callable[[Plan], None] | None = None) -> PlanSession:
    """A new, untitled plan. `fill` may add content (the demo plan) before it counts as unsaved."""
    workdir = _new_workdir("untitled")
    conn = sqlite3.connect(str(workdir / WORKING_NAME), isolation_level=None, check_same_thread=False)
    harden(conn)
    _prepare_working_connection(conn)
    schema.apply_migrations(conn)
    plan = Plan(conn, paths.device_id())
    initialise(plan, community=community, community_type=community_type, title=title,
               language=language, app_version=__version__)
    if fill is not None:
        fill(plan)
    lock = _Lock(workdir / LOCK_NAME)
    lock.acquire()
    session = PlanSession(path=None, workdir=workdir, plan=plan, lock=lock)
    session.saved_revision = plan.revision
    session._write_info()
    return session


@contextmanager
def reading(path: Path | str) -> Iterator[Plan]:
    """A checked, migrated, read-only view of a file, gone again afterwards (for `cswb info` etc.)."""
    path = Path(os.path.abspath(path))
    workdir = _checked_copy(path, "reading")
    plan = _open_working(workdir, read_only=True)
    try:
        yield plan
    finally:
        plan.conn.close()
        shutil.rmtree(workdir, ignore_errors=True)


# --- writing files ------------------------------------------------------------------------------

def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be flushed there
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_error_sentence(exc: BaseException, target: Path) -> str:
    folder = target.parent
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code == errno.ENOSPC or "disk is full" in text or "database or disk is full" in text:
        return (f"There is not enough space on the drive to save {target.name}. Free some space or "
                f"choose another place with Save As; your work is safe in the meantime.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        return (f"{target.name} cannot be saved in {folder} because that folder is read-only for you. "
                f"Choose another place with Save As; your work is safe in the meantime.")
    if code == errno.ENOENT or not folder.exists():
        return (f"The folder {folder} is no longer there (was a USB stick removed?). Reconnect it, or "
                f"choose another place with Save As; your work is safe in the meantime.")
    if code == errno.EIO or "disk i/o error" in text:
        return (f"The drive holding {folder} stopped answering while saving (was a USB stick removed?). "
                f"The earlier version of {target.name} is unchanged; reconnect the drive and save again.")
    if code == errno.ENAMETOOLONG:
        return f"The name {target.name} is too long for this drive. Choose a shorter name."
    if code == errno.EISDIR:
        return f"{target} is a folder. Choose a file name for the plan."
    return (f"{target.name} could not be saved ({getattr(exc, 'strerror', None) or exc}). "
            f"Try another place with Save As; your work is safe in the meantime.")


def compact_size(conn: sqlite3.Connection) -> int:
    """About how large a saved copy of this plan will be (the pages in use; free pages are dropped)."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """A save cut off by a crash or a pulled stick can leave its hidden temporary file behind."""
    try:
        leftovers = list(folder.glob(f".{name}.*.saving"))
    except OSError:
        return
    for leftover in leftovers:
        try:
            leftover.unlink()
        except OSError:
            pass


def write_plan_file(conn: sqlite3.Connection, target: Path, *, without_contact_details: bool = False,
                    progress: Callable[[str], None] | None = None) -> None:
    """The one way a plan reaches a user-visible file: VACUUM INTO a temporary file beside the
    target, flush, swap in. On any failure the target is untouched and the temporary file gone."""
    target = Path(os.path.abspath(target))
    folder = target.parent
    if target.is_dir():
        raise SaveError(f"{target} is a folder. Choose a file name for the plan.")
    if not folder.is_dir():
        raise SaveError(save_error_sentence(FileNotFoundError(errno.ENOENT, "missing"), target))
    _remove_stale_temporaries(folder, target.name)
    tmp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.saving"
    try:
        if progress:
            progress("Writing a clean copy")
        # Made here first, so that a read-only folder or drive is reported by the system with its
        # reason; SQLite would only say that it cannot open the file. VACUUM INTO fills it.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        os.close(os.open(tmp, flags, 0o644))
        query_only = conn.execute("PRAGMA query_only").fetchone()[0]
        if query_only:  # a read-only session may still save a copy; only its own copy is guarded
            conn.execute("PRAGMA query_only = OFF")
        try:
            conn.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            if query_only:
                conn.execute("PRAGMA query_only = ON")
        if without_contact_details:
            _remove_contact_details(tmp)
        if progress:
            progress("Making sure it is on the disk")
        _fsync_file(tmp)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise SaveError(save_error_sentence(exc, target)) from exc
    finally:
        for side in (tmp.with_name(tmp.name + "-journal"),):
            try:
                side.unlink()
            except OSError:
                pass


def _remove_contact_details(path: Path) -> None:
    """Blank partners' personal contact fields in a copy, leaving no trace in free pages."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN")
        conn.execute("UPDATE partner SET contact_name = '', email = '', phone = ''")
        conn.execute("INSERT INTO meta(key, value) VALUES('contact_details_removed', '1') "
                     "ON CONFLICT(key) DO UPDATE SET value = '1'")
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


# --- backups and recovery -----------------------------------------------------------------------

def backup_folder(path: Path) -> Path:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(path).stem)[:40] or "plan"
    return paths.backups_dir() / f"{stem}-{plan_key(path)[2:10]}"


def keep_backup(saved: Path, *, reference: Path | None = None, label: str = "saved") -> Path | None:
    """Copy a plan file into the backups of `reference` (default: itself); keep the newest ten."""
    reference = reference or saved
    folder = backup_folder(reference)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{stamp}-{label}{PLAN_SUFFIX}"
        shutil.copyfile(saved, target)
        for old in list_backups(reference)[BACKUPS_KEPT:]:
            old.unlink(missing_ok=True)
        return target
    except OSError:
        return None  # a backup that cannot be made must never stop a save that worked


def list_backups(path: Path) -> list[Path]:
    """Backups of one plan, newest first."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{PLAN_SUFFIX}"), reverse=True)


def _discard_dir(workdir: Path, keep_backup_as: Path | None) -> None:
    """Remove a working folder, keeping its copy among the backups when it holds unsaved edits."""
    copy = workdir / WORKING_NAME
    if copy.exists():
        keep_backup(copy, reference=keep_backup_as or Path(workdir.name + PLAN_SUFFIX), label="unsaved")
    shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class Recoverable:
    workdir: Path
    source: Path | None
    title: str
    changed_at: str  # when the working copy was last written, local ISO time

    @property
    def display_name(self) -> str:
        return self.source.name if self.source else (self.title or "an untitled plan")


def _recoverable_in(workdir: Path) -> Recoverable | None:
    """The working copy in `workdir` if it holds edits that were never saved (caller holds the lock)."""
    copy = workdir / WORKING_NAME
    if not copy.exists() or workdir.name.startswith(("readonly-", "reading-", "opening-")):
        return None
    info = _read_session_info(workdir)
    try:
        conn = sqlite3.connect(str(copy), isolation_level=None)  # read-write: rolls back a hot journal
        try:
            harden(conn)
            row = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
            revision = int(row[0]) if row and row[0] is not None else 0
            title_row = conn.execute("SELECT title FROM plan LIMIT 1").fetchone()
            title = str(title_row[0]) if title_row and title_row[0] is not None else ""
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return None
    if revision == int(info.get("saved_revision", revision)):
        return None
    source = Path(info["source"]) if info.get("source") else None
    changed = _dt.datetime.fromtimestamp(copy.stat().st_mtime).isoformat(timespec="seconds")
    return Recoverable(workdir=workdir, source=source, title=title, changed_at=changed)


def find_recoverable() -> list[Recoverable]:
    """Working copies left by a session that ended without saving (a crash, a power cut)."""
    found = []
    root = paths.working_dir()
    for workdir in sorted(p for p in root.iterdir() if p.is_dir()):
        if workdir.name.startswith(("readonly-", "reading-", "opening-")):
            lock = _Lock(workdir / LOCK_NAME)
            if lock.acquire():  # a leftover of a program that died: nobody needs it
                lock.release()
                shutil.rmtree(workdir, ignore_errors=True)
            continue
        lock = _Lock(workdir / LOCK_NAME)
        if not lock.acquire():
            continue  # open in a running program
        try:
            item = _recoverable_in(workdir)
        finally:
            lock.release()
        if item is not None:
            found.append(item)
        elif not (workdir / WORKING_NAME).exists() or workdir.name.startswith("untitled-"):
            shutil.rmtree(workdir, ignore_errors=True)
    return found


def recover(item: Recoverable) -> PlanSession:
    """Reopen a working copy with its unsaved edits; it is checked like any file first."""
    lock = _Lock(item.workdir / LOCK_NAME)
    if not lock.acquire():
        raise FileRejected("in_use", f"The unsaved changes to {item.display_name} are already open in another cswb-desktop window.")
    try:
        conn = sqlite3.connect(str(item.workdir / WORKING_NAME), isolation_level=None)
        try:
            harden(conn)
            check_connection(conn, item.display_name)
            schema.apply_migrations(conn)
        finally:
            conn.close()
        plan = _open_working(item.workdir)
    except BaseException:
        lock.release()
        raise
    return PlanSession(path=item.source, workdir=item.workdir, plan=plan, lock=lock)


def discard(item: Recoverable) -> None:
    """Drop unsaved edits found after a crash; the working copy still goes to the backups."""
    lock = _Lock(item.workdir / LOCK_NAME)
    if not lock.acquire():
        return
    lock.release()
    _discard_dir(item.workdir, keep_backup_as=item.source)


def create_plan_file(target: Path | str, *, community: str, community_type: str = "municipality",
                     title: str = "", language: str = "en", force: bool = False,
                     fill: Callable[[Plan], None] | None = None) -> Path:
    """Make a new plan file in one go (the command line's `new` and `demo`)."""
    target = Path(os.path.abspath(target))
    if target.exists() and not force:
        raise FileExistsError(target)
    session = new_plan(community=community, community_type=community_type, title=title,
                       language=language, fill=fill)
    try:
        session.save_as(target)
    finally:
        session.close(discard=True)
    return target
