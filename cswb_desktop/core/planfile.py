"""The life of a plan file: open, check, work on a private copy, save safely, recover, back up.

Rules (DESIGN.md): opening never edits the user's file — it is copied to a private working copy,
the copy is checked as untrusted input and migrated, and every edit commits to the copy at once.
Saving writes a clean file with `VACUUM INTO` beside the target, flushes it to the disk and then
swaps it into place, so a pulled USB stick or a full disk leaves the old file as it was.
"""

from __future__ import annotations

import datetime as _dt
import errno
import glob
import json
import os
import shutil
import sqlite3
import stat
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
# working folders that only live while one operation runs; never offered for recovery
TEMPORARY_PREFIXES = ("readonly-", "reading-", "opening-", "sharing-")
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


def _open_regular(path: Path, name: str):
    """Open a file for reading only if it is a regular file; a FIFO, a device or a socket named
    like a plan is refused at once (opening one for reading could wait for ever)."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(name)
        handle = open(path, "rb", opener=_nonblocking_opener)
    except FileNotFoundError:
        raise _reject("missing", f"{name} could not be found; it may have been moved, renamed or be on a drive that is no longer connected.")
    except IsADirectoryError:
        raise _reject("not_sqlite", f"{name} is a folder, not a plan file; choose a file ending in .cswb.")
    except PermissionError:
        raise _reject("unreadable", f"{name} cannot be read: this account has no permission to open it, so copy it somewhere you can read, or ask the person who sent it.")
    except OSError as exc:
        raise _reject("unreadable", f"{name} cannot be read ({exc.strerror or 'input/output error'}); if it is on a USB stick, check that the stick is still connected.")
    try:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for something else since the stat
            raise _not_regular(name)
    except BaseException:
        handle.close()
        raise
    return handle


def _nonblocking_opener(path, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _not_regular(name: str) -> FileRejected:
    return _reject("not_regular", f"{name} is not an ordinary file (it may be a pipe or a device), so it cannot be a plan: choose a plan file ending in .cswb.")


def check_header(path: Path) -> int:
    """Read the 100-byte SQLite header without SQLite; returns the file's schema version."""
    name = path.name
    with _open_regular(path, name) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            header = f.read(100)
        except OSError as exc:
            raise _reject("unreadable", f"{name} cannot be read ({exc.strerror or 'input/output error'}); if it is on a USB stick, check that the stick is still connected.")
    if size == 0:
        raise _reject("empty", f"{name} is empty: it holds no plan at all, so ask the sender for the file again, or open one of your backups.")
    if not header.startswith(SQLITE_MAGIC):
        raise _reject("not_sqlite", f"{name} is not a CSWB plan file (it is not a SQLite database): check that you picked the right file, since plan files end in .cswb.")
    if len(header) < 100:
        raise _reject("damaged", f"{name} is damaged: the file is cut short, so ask the sender for a fresh copy, or open one of your backups.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise _reject("not_plan", f"{name} is a database, but not a CSWB plan: check that you picked the right file.")
    if header[18] not in (1, 2) or header[19] not in (1, 2):  # 1: rollback journal, 2: write-ahead log
        raise _reject("damaged", f"{name} is damaged or was written in a file format this program does not know (format bytes {header[18]} and {header[19]}), so it was not opened: ask the sender for a fresh copy, or open one of your backups.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _reject("damaged", f"{name} is damaged: its header is not valid, so ask the sender for a fresh copy, or open one of your backups.")
    pages_in_header = int.from_bytes(header[28:32], "big")
    header_pages_valid = header[24:28] == header[92:96] and pages_in_header > 0
    if size % page_size or (header_pages_valid and size < pages_in_header * page_size):
        raise _reject("damaged", f"{name} is damaged: the file is cut short, perhaps by an interrupted copy, so ask the sender for a fresh copy, or open one of your backups.")
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
            raise SaveError("This plan is open read-only: use Save a Copy to keep your own version under another name.")
        target = Path(os.path.abspath(target))
        revision = self.plan.revision
        moving = self.path is None or plan_key(target) != plan_key(self.path)
        if moving:
            _refuse_if_open_elsewhere(target)  # before writing: that file is another window's
        write_plan_file(self.plan.conn, target, progress=progress)
        # The plan is in its file now, and that is what Save promised. What follows is the working
        # folder's bookkeeping (on the program's own drive, which may be full): a failure there is
        # logged, never reported as a failed save, and the plan stays open and editable.
        if moving:
            try:
                self._move_to(target)
            except (OSError, sqlite3.Error) as exc:
                self._after_bookkeeping_failed("move the working folder", exc)
        self.path = target
        self.saved_revision = revision
        try:
            self._write_info()
        except OSError as exc:
            self._after_bookkeeping_failed("note the save in the working folder", exc)
        keep_backup(target)
        return target

    def _after_bookkeeping_failed(self, what: str, exc: BaseException) -> None:
        """After a save that worked: log what could not be done, and make sure the session still
        has its working copy open (and locked) wherever the working folder now is."""
        import logging

        log = logging.getLogger(__name__)
        log.warning("saved %s, but could not %s: %s", self.path, what, exc)
        try:
            try:
                self.plan.conn.execute("SELECT 1").fetchone()
            except sqlite3.ProgrammingError:  # closed on the way: open the working copy again
                conn = sqlite3.connect(str(self.workdir / WORKING_NAME), isolation_level=None,
                                       check_same_thread=False)
                harden(conn)
                _prepare_working_connection(conn)
                self.plan.replace_connection(conn)
            if self._lock is not None and self._lock.handle is None:
                self._lock = _Lock(self.workdir / LOCK_NAME)
                self._lock.acquire()
        except (OSError, sqlite3.Error) as again:
            log.warning("could not reopen the working copy in %s: %s", self.workdir, again)

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
        try:
            free = other.acquire()
        except OSError as exc:  # the program's own drive, before anything was written
            raise SaveError(f"{target.name} was not saved because cswb-desktop's own folder {paths.data_dir()} "
                            f"could not be written ({exc.strerror or exc}): free some space there and "
                            f"save again.") from exc
        if not free:
            raise SaveError(f"{target.name} is open in another cswb-desktop window: close it there first, or choose another name.")
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


SIDE_SUFFIXES = ("-journal", "-wal", "-shm")  # the files SQLite keeps beside a database


def _copy_into(source: Path, workdir: Path, name: str = WORKING_NAME) -> Path:
    """Copy the file, and the `-journal` or `-wal` another program may have left beside it, into the
    private folder. A `-shm` is never needed: SQLite rebuilds it from the `-wal`."""
    target = workdir / name
    try:
        with _open_regular(source, source.name) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        for suffix in ("-journal", "-wal"):
            side = source.with_name(source.name + suffix)
            try:
                handle = _open_regular(side, side.name)
            except FileRejected as exc:
                if exc.reason in ("missing", "not_regular", "not_sqlite"):
                    continue  # none there, or something SQLite would not use either
                raise _reject(exc.reason, f"{source.name} cannot be opened: {side.name} beside it, which "
                                          f"holds part of its content, cannot be read; copy both somewhere you can read them.")
            with handle as src:
                if os.fstat(src.fileno()).st_size == 0:
                    continue
                with open(target.with_name(target.name + suffix), "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    except FileNotFoundError:
        raise _reject("missing", f"{source.name} could not be found; it may have been moved, renamed or be on a drive that is no longer connected.")
    except PermissionError:
        raise _reject("unreadable", f"{source.name} cannot be read: this account has no permission to open it.")
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _reject("no_space", f"There is not enough free disk space to open {source.name}. Free some space and try again.")
        raise _reject("unreadable", f"{source.name} could not be read ({exc.strerror or 'input/output error'}); if it is on a USB stick, check that it is still connected.")
    return target


def stage_copy(source: Path, folder: Path) -> Path:
    """A private copy of `source` under its own name in `folder`, with whatever side file holds part
    of its content, for a command that must work on a copy and never on the user's file."""
    return _copy_into(Path(os.path.abspath(source)), folder, Path(source).name)


def _roll_back_interrupted_write(copy: Path) -> None:
    """Settle what another program left beside the file, in the private copy only. A `-journal`
    means it was interrupted while writing: SQLite undoes the half-written change. A `-wal` holds
    changes it had committed but not yet written into the file: SQLite writes them in, so the
    coordinator sees the latest content. Either way what is left is one plain file, in rollback
    journal mode, checked like any file afterwards."""
    journal, wal = (copy.with_name(copy.name + s) for s in ("-journal", "-wal"))
    try:
        with open(copy, "rb") as f:
            wal_mode = 2 in f.read(20)[18:20]  # either format byte says write-ahead log
    except OSError:
        wal_mode = False
    if journal.exists() or wal.exists() or wal_mode:
        try:
            conn = sqlite3.connect(str(copy), isolation_level=None)
            try:
                harden(conn)
                conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
                conn.execute("PRAGMA journal_mode = DELETE").fetchone()  # checkpoints a -wal
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            pass  # verify_copy says what is wrong with what is left
    for suffix in SIDE_SUFFIXES:
        copy.with_name(copy.name + suffix).unlink(missing_ok=True)


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
            if schema.apply_migrations(conn) < schema.SCHEMA_VERSION:
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
        return (f"There is not enough space on the drive to save {target.name}; your work is safe in the "
                f"meantime, so free some space or choose another place with Save As.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        return (f"{target.name} cannot be saved in {folder} because that folder is read-only for you; your "
                f"work is safe in the meantime, so choose another place with Save As.")
    if code == errno.ENOENT or not folder.exists():
        return (f"The folder {folder} is no longer there, perhaps because a USB stick was removed; your "
                f"work is safe in the meantime, so reconnect it or choose another place with Save As.")
    if code == errno.EIO or "disk i/o error" in text:
        return (f"The drive holding {folder} stopped answering while saving, perhaps because a USB stick was "
                f"removed; the earlier version of {target.name} is unchanged, so reconnect the drive and save again.")
    if code == errno.ENAMETOOLONG:
        return f"The name {target.name} is too long for this drive; choose a shorter name."
    if code == errno.EISDIR:
        return f"{target} is a folder; choose a file name for the plan."
    return (f"{target.name} could not be saved ({getattr(exc, 'strerror', None) or exc}); your work "
            f"is safe in the meantime, so try another place with Save As.")


def compact_size(conn: sqlite3.Connection) -> int:
    """About how large a saved copy of this plan will be (the pages in use; free pages are dropped)."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """A save cut off by a crash or a pulled stick can leave its hidden temporary file behind, with
    SQLite's own side files of it, and the target's stale side files that were set aside."""
    base = glob.escape(f".{name}.")
    try:
        leftovers = [p for pattern in (base + "*.saving", base + "*.saving-*", base + "*.stale-*")
                     for p in folder.glob(pattern)]
    except OSError:
        return
    for leftover in leftovers:
        _remove_quietly(leftover)


def _remove_quietly(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        pass


# SQLite's locks on a database file (the same bytes on every system; see SQLite's os.h).
_PENDING_BYTE = 0x40000000
_SHARED_FIRST = _PENDING_BYTE + 2
_SHARED_SIZE = 510
_SHM_DMS_BYTE = 128  # held (shared) by every connection that has the file open in WAL mode


def _lock_held_elsewhere(path: Path, start: int, length: int, *, exclusive: bool) -> bool:
    """Whether another process holds a lock that conflicts with taking (and at once dropping) this
    one. Nothing is written; the file is opened without following a FIFO's wait."""
    if sys.platform == "win32":  # pragma: no cover - there SQLite's locks keep the file from being replaced
        return False
    import fcntl
    flags = (os.O_RDWR if exclusive else os.O_RDONLY) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        try:
            fcntl.lockf(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB, length, start)
        except OSError as exc:
            return exc.errno in (errno.EACCES, errno.EAGAIN)
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start)
        return False
    finally:
        os.close(fd)


def _refuse_if_busy(real: Path, name: str) -> None:
    """Before replacing a file, make sure no other program (a database tool) is in the middle of
    changing it or has it open in WAL mode: replacing it under that program would let it write its
    journal or log beside the new file, and SQLite would later replay that onto it. This only asks
    for locks the way SQLite does and lets them go at once; the file itself is never opened by SQLite,
    so a stale journal or log can never be replayed onto it here."""
    if not real.is_file():
        return
    if _lock_held_elsewhere(real, _PENDING_BYTE, 2, exclusive=False):
        raise SaveError(f"{name} is being changed by another program right now, such as a database tool, "
                        f"so it was not replaced: close that program and save again; your work is safe in the meantime.")
    wal, shm = (real.with_name(real.name + s) for s in ("-wal", "-shm"))
    if wal.exists() or shm.exists():
        if (_lock_held_elsewhere(shm, _SHM_DMS_BYTE, 1, exclusive=True)
                or _lock_held_elsewhere(real, _SHARED_FIRST, _SHARED_SIZE, exclusive=True)):
            raise SaveError(f"{name} is open in another program, such as a database tool, so it was not "
                            f"replaced: close it there and save again; your work is safe in the meantime.")


def _set_side_files_aside(real: Path, tag: str) -> list[tuple[Path, Path]]:
    """Move the target's `-journal`, `-wal` and `-shm` out of SQLite's sight before the new file takes
    its place (nobody uses them: `_refuse_if_busy` made sure). Done before the swap, so a crash at
    any moment never leaves an old journal or log beside the new file; the journal goes first, so a
    crash half-way leaves the old file with side files SQLite can still use on it."""
    moved = []
    for suffix in SIDE_SUFFIXES:
        side = real.with_name(real.name + suffix)
        if os.path.lexists(side):
            aside = real.with_name(f".{real.name}.{tag}.stale{suffix}")
            os.replace(side, aside)
            moved.append((side, aside))
    return moved


def _vacuum_into(conn: sqlite3.Connection, target: Path) -> None:
    query_only = conn.execute("PRAGMA query_only").fetchone()[0]
    if query_only:  # a read-only session may still save a copy; only its own copy is guarded
        conn.execute("PRAGMA query_only = OFF")
    try:
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        if query_only:
            conn.execute("PRAGMA query_only = ON")


def _copy_contents(source: Path) -> Callable[[Path], None]:
    def fill(tmp: Path) -> None:
        with open(source, "rb") as src, open(tmp, "r+b") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.truncate()
    return fill


def write_plan_file(conn: sqlite3.Connection, target: Path, *, without_contact_details: bool = False,
                    progress: Callable[[str], None] | None = None) -> None:
    """The one way a plan reaches a user-visible file: VACUUM INTO a temporary file beside the
    target, flush, swap in. On any failure the target is untouched and the temporary file gone.

    A copy without contact details is built and stripped completely in this computer's private
    working folder first; only the finished file goes to the target's drive, the same safe way."""
    if not without_contact_details:
        _replace_file(target, lambda tmp: _vacuum_into(conn, tmp), progress)
        return
    target = Path(os.path.abspath(target))
    try:
        workdir = _new_workdir("sharing")
    except OSError as exc:
        raise SaveError(_private_space_sentence(exc, target)) from exc
    lock = _Lock(workdir / LOCK_NAME)
    try:
        lock.acquire()
        built = workdir / "shared.cswb"
        try:
            if progress:
                progress("Preparing the copy without contact details")
            _vacuum_into(conn, built)
            _remove_contact_details(built)
        except (OSError, sqlite3.Error) as exc:
            raise SaveError(_private_space_sentence(exc, target)) from exc
        _replace_file(target, _copy_contents(built), progress)
    finally:
        lock.release()
        shutil.rmtree(workdir, ignore_errors=True)


def _private_space_sentence(exc: BaseException, target: Path) -> str:
    return (f"The copy {target.name} could not be prepared in this computer's working folder "
            f"({getattr(exc, 'strerror', None) or exc}), so nothing was written: free some space on this "
            f"computer and try again; your work is safe in the meantime.")


def _replace_file(target: Path, fill: Callable[[Path], None],
                  progress: Callable[[str], None] | None = None) -> None:
    """Fill a temporary file beside the real target, flush it, and swap it into place.

    A symbolic link is followed, so the file it points at is updated and the link kept; the file's
    permissions are kept too. Nobody else may be writing the target, and the target's stale SQLite
    side files are moved out of the way first, so no old journal or log is ever replayed onto it."""
    target = Path(os.path.abspath(target))
    real = Path(os.path.realpath(target))
    folder = real.parent
    if real.is_dir():
        raise SaveError(f"{target} is a folder; choose a file name for the plan.")
    if not folder.is_dir():
        raise SaveError(save_error_sentence(FileNotFoundError(errno.ENOENT, "missing"), target))
    try:
        existing = os.stat(real)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise SaveError(save_error_sentence(exc, target)) from exc
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise SaveError(f"{target.name} is not an ordinary file (it may be a pipe or a device), so the plan "
                        f"cannot be saved over it: choose another name with Save As.")
    _refuse_if_busy(real, target.name)
    _remove_stale_temporaries(folder, real.name)
    tag = uuid.uuid4().hex[:8]
    tmp = folder / f".{real.name}.{tag}.saving"
    moved: list[tuple[Path, Path]] = []
    replaced = False
    try:
        if progress:
            progress("Writing a clean copy")
        # Made here first, so that a read-only folder or drive is reported by the system with its
        # reason; SQLite would only say that it cannot open the file. The fill writes into it.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        os.close(os.open(tmp, flags, 0o644 if existing is None else 0o600))
        fill(tmp)
        if existing is not None:
            try:
                os.chmod(tmp, stat.S_IMODE(existing.st_mode))
            except OSError:
                pass  # a drive without permissions (FAT): nothing to keep
        if progress:
            progress("Making sure it is on the disk")
        _fsync_file(tmp)
        moved = _set_side_files_aside(real, tag)
        os.replace(tmp, real)
        replaced = True
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if not replaced:
            for side, aside in reversed(moved):  # the old file goes on as it was, side files and all
                try:
                    os.replace(aside, side)
                except OSError:
                    pass
            moved = []
        raise SaveError(save_error_sentence(exc, target)) from exc
    finally:
        for suffix in SIDE_SUFFIXES:
            _remove_quietly(tmp.with_name(tmp.name + suffix))
        for _side, aside in moved:
            _remove_quietly(aside)


CONTACT_COLUMNS = ("contact_name", "email", "phone")  # of partner (merge.CONTACT_COLUMNS)


def _remove_contact_details(path: Path) -> None:
    """Blank partners' personal contact fields in a private copy — in the partner table and in every
    earlier version of a record kept in `history` — leaving no trace in free pages. SQLite's
    statistics tables (which can hold sampled values) are emptied too."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        harden(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("BEGIN")
        conn.execute("UPDATE partner SET contact_name = '', email = '', phone = ''")
        changed, unreadable = [], []
        for history_id, data in conn.execute("SELECT id, data FROM history").fetchall():
            try:
                row = json.loads(data) if isinstance(data, (str, bytes)) else None
            except ValueError:
                row = None
            if not isinstance(row, dict):
                unreadable.append((history_id,))  # no way to tell what it holds: it does not travel
                continue
            if any(row.get(c) not in (None, "") for c in CONTACT_COLUMNS if c in row):
                for c in CONTACT_COLUMNS:
                    if c in row:
                        row[c] = ""
                changed.append((json.dumps(row, ensure_ascii=False), history_id))
        conn.executemany("UPDATE history SET data = ? WHERE id = ?", changed)
        conn.executemany("DELETE FROM history WHERE id = ?", unreadable)
        for (stats,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                     "AND name IN ('sqlite_stat1', 'sqlite_stat4')").fetchall():
            conn.execute(f"DELETE FROM {stats}")
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


def _discard_dir(workdir: Path, keep_backup_as: Path | None) -> bool:
    """Remove a working folder, keeping its copy among the backups when it holds unsaved edits.
    When that backup cannot be made (the program's own drive is full, say), the folder stays where
    it is, so the edits are offered back at the next start rather than lost; returns whether the
    folder is gone."""
    copy = workdir / WORKING_NAME
    if copy.exists():
        kept = keep_backup(copy, reference=keep_backup_as or Path(workdir.name + PLAN_SUFFIX), label="unsaved")
        if kept is None:
            return False
    shutil.rmtree(workdir, ignore_errors=True)
    return True


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
    if not copy.exists() or workdir.name.startswith(TEMPORARY_PREFIXES):
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
        if workdir.name.startswith(TEMPORARY_PREFIXES):
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
