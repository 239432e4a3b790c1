"""The files SQLite keeps beside a database (`-journal`, `-wal`, `-shm`), other programs working on a
plan at the same time, and files that are not plans at all (a pipe, an unknown format byte).

Another SQLite program is a plain `sqlite3` connection, as a coordinator's database tool would be;
where it must be alive while the plan is saved it runs in a child process (locks of this process
never stop this process), and the test reads its progress lines, so no timing is involved."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import cswb_desktop
from cswb_desktop.core import planfile

REPO_ROOT = Path(cswb_desktop.__file__).resolve().parent.parent


def snapshot(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size


def make_plan(path: Path, partners: int = 0) -> Path:
    def fill(plan):
        for n in range(partners):
            plan.partners.add(organisation=f"Partner {n:02d}", notes="x" * 300)
    planfile.create_plan_file(path, community="Lakeview", fill=fill if partners else None)
    return path


def organisations_by_sqlite(path: Path) -> list[str]:
    """What the next SQLite tool sees (it replays whatever journal or log lies beside the file)."""
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return sorted(r[0] for r in conn.execute("SELECT organisation FROM partner"))
    finally:
        conn.close()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def plan_with_stale_wal(folder: Path) -> Path:
    """A plan beside which a database tool, working in WAL mode, left a committed change that was
    never written into the file (the tool was killed, or the file was copied while it was open)."""
    work = folder / "tool"
    work.mkdir()
    source = make_plan(work / "plan.cswb", partners=2)
    tool = sqlite3.connect(str(source), isolation_level=None)
    tool.execute("PRAGMA journal_mode = WAL")
    tool.execute("PRAGMA wal_autocheckpoint = 0")
    tool.execute("INSERT INTO partner(id, created_at, modified_at, modified_by, organisation) "
                 "VALUES('p-wal', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'tool', 'Added in the log')")
    tool.execute("UPDATE partner SET notes = 'changed by the tool' WHERE organisation = 'Partner 00'")
    plan = folder / "plan.cswb"
    shutil.copyfile(source, plan)
    shutil.copyfile(source.with_name("plan.cswb-wal"), plan.with_name("plan.cswb-wal"))
    shutil.copyfile(source.with_name("plan.cswb-shm"), plan.with_name("plan.cswb-shm"))
    tool.close()
    assert plan.with_name("plan.cswb-wal").stat().st_size > 0
    return plan


# --- a -wal beside the plan -----------------------------------------------------------------------

def test_opening_brings_in_the_changes_waiting_in_a_wal_without_touching_the_files(tmp_path):
    plan = plan_with_stale_wal(tmp_path)
    before = {p.name: snapshot(p) for p in tmp_path.iterdir() if p.is_file()}
    session = planfile.open_plan(plan)
    try:
        names = sorted(p.organisation for p in session.plan.partners.list())
        assert names == ["Added in the log", "Partner 00", "Partner 01"]
        notes = {p.organisation: p.notes for p in session.plan.partners.list()}
        assert notes["Partner 00"] == "changed by the tool"
        assert not session.modified
    finally:
        session.close()
    assert {p.name: snapshot(p) for p in tmp_path.iterdir() if p.is_file()} == before


def test_a_save_leaves_no_stale_wal_that_the_next_sqlite_tool_would_replay(tmp_path):
    plan = plan_with_stale_wal(tmp_path)
    session = planfile.open_plan(plan)
    try:
        session.plan.partners.add(organisation="Saved by the coordinator")
        session.save()
    finally:
        session.close()
    assert side_files(plan) == []
    assert organisations_by_sqlite(plan) == ["Added in the log", "Partner 00", "Partner 01",
                                             "Saved by the coordinator"]
    with planfile.reading(plan) as again:
        assert again.partners.count() == 4


def test_a_wal_that_appeared_after_opening_is_not_replayed_onto_the_saved_file(tmp_path):
    """The issue's case: an old log of another version lies beside the file when it is saved."""
    plan = make_plan(tmp_path / "plan.cswb", partners=3)
    session = planfile.open_plan(plan)
    try:
        (tmp_path / "elsewhere").mkdir()
        stale = plan_with_stale_wal(tmp_path / "elsewhere")
        shutil.copyfile(stale.with_name("plan.cswb-wal"), plan.with_name("plan.cswb-wal"))
        shutil.copyfile(stale.with_name("plan.cswb-shm"), plan.with_name("plan.cswb-shm"))
        session.plan.partners.add(organisation="Saved by the coordinator")
        session.save()
    finally:
        session.close()
    assert side_files(plan) == []
    assert organisations_by_sqlite(plan) == ["Partner 00", "Partner 01", "Partner 02", "Saved by the coordinator"]


# --- another program's journal -------------------------------------------------------------------

def test_a_dead_writers_journal_is_never_rolled_back_onto_the_saved_file(tmp_path):
    """The issue's case: a tool held a write transaction (its journal holds the file as it was, 12
    partners) while the coordinator opened, edited and saved; then the tool died."""
    plan = make_plan(tmp_path / "plan.cswb", partners=12)
    session = planfile.open_plan(plan)
    try:
        tool = sqlite3.connect(str(plan), isolation_level=None)
        tool.execute("PRAGMA cache_size = 1")  # spill into the file: the transaction is half-written
        tool.execute("BEGIN")
        tool.execute("UPDATE partner SET notes = 'half-written by the tool'")
        tool.execute("DELETE FROM partner WHERE organisation = 'Partner 00'")
        journal = plan.with_name("plan.cswb-journal")
        kept = tmp_path / "journal-at-death"
        shutil.copyfile(journal, kept)
        shutil.copyfile(plan, tmp_path / "file-at-death")
        tool.execute("ROLLBACK")
        tool.close()
        shutil.copyfile(tmp_path / "file-at-death", plan)  # the tool dies: file and hot journal stay
        shutil.copyfile(kept, journal)
        for n in range(3):
            session.plan.partners.add(organisation=f"New partner {n}")
        session.save()
    finally:
        session.close()
    assert side_files(plan) == []
    names = organisations_by_sqlite(plan)
    assert len(names) == 15 and "New partner 2" in names and "Partner 00" in names


WRITER_CHILD = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "wal":
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("SELECT COUNT(*) FROM partner").fetchone()
    print("open", flush=True)
else:
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE partner SET notes = 'the tool is changing this'")
    print("writing", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK") if conn.in_transaction else None
conn.close()
print("done", flush=True)
"""


def start_tool(plan: Path, mode: str) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    child = subprocess.Popen([sys.executable, "-c", WRITER_CHILD, str(plan), mode], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout.readline().strip() in ("open", "writing")
    return child


def finish_tool(child: subprocess.Popen) -> None:
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "done"
    child.wait(timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_saving_while_another_program_writes_the_file_is_refused(tmp_path):
    plan = make_plan(tmp_path / "plan.cswb", partners=12)
    session = planfile.open_plan(plan)
    try:
        session.plan.partners.add(organisation="New partner")
        tool = start_tool(plan, "write")
        try:
            before = snapshot(plan)
            journal = snapshot(plan.with_name("plan.cswb-journal"))
            with pytest.raises(planfile.SaveError) as info:
                session.save()
            text = str(info.value)
            assert "plan.cswb" in text and "another program" in text and text.count(".") == 2  # name + end
            assert snapshot(plan) == before and snapshot(plan.with_name("plan.cswb-journal")) == journal
            assert session.modified
        finally:
            finish_tool(tool)
        session.save()  # the tool has finished: now the save goes through
    finally:
        session.close()
    assert side_files(plan) == []
    assert len(organisations_by_sqlite(plan)) == 13


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_saving_while_another_program_has_the_file_open_in_wal_mode_is_refused(tmp_path):
    plan = make_plan(tmp_path / "plan.cswb", partners=2)
    session = planfile.open_plan(plan)
    try:
        session.plan.partners.add(organisation="New partner")
        tool = start_tool(plan, "wal")
        try:
            before = snapshot(plan)
            with pytest.raises(planfile.SaveError) as info:
                session.save()
            assert "plan.cswb" in str(info.value) and "open in another program" in str(info.value)
            assert snapshot(plan) == before
        finally:
            finish_tool(tool)
        session.save()
    finally:
        session.close()
    assert side_files(plan) == []
    assert len(organisations_by_sqlite(plan)) == 3


def test_a_failed_swap_puts_the_old_files_side_files_back(tmp_path, monkeypatch):
    plan = make_plan(tmp_path / "plan.cswb", partners=1)
    session = planfile.open_plan(plan)
    journal = plan.with_name("plan.cswb-journal")
    journal.write_bytes(b"\0" * 512)  # a persisted, emptied journal another tool left
    before = snapshot(plan), snapshot(journal)
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(src).endswith(".saving"):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(planfile.os, "replace", failing_replace)
    try:
        session.plan.partners.add(organisation="New partner")
        with pytest.raises(planfile.SaveError):
            session.save()
    finally:
        monkeypatch.undo()
        session.close(discard=True)
    assert (snapshot(plan), snapshot(journal)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.cswb", "plan.cswb-journal"]


# --- things that are not plans ---------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_named_like_a_plan_is_refused_at_once(tmp_path):
    fifo = tmp_path / "plan.cswb"
    os.mkfifo(fifo)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    # a child process, so that a hang shows as a failure instead of stopping the test run
    done = subprocess.run([sys.executable, "-m", "cswb_desktop.cli", "info", str(fifo)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "plan.cswb" in done.stderr and "not an ordinary file" in done.stderr
    for opener in (planfile.open_plan, planfile.check_header):
        with pytest.raises(planfile.FileRejected) as info:
            opener(fifo)
        assert info.value.reason == "not_regular"
        assert str(info.value).endswith(".") and str(info.value).count(". ") == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_saving_over_a_pipe_is_refused(tmp_path):
    fifo = tmp_path / "plan.cswb"
    os.mkfifo(fifo)
    session = planfile.new_plan(community="Lakeview")
    try:
        with pytest.raises(planfile.SaveError) as info:
            session.save_as(fifo)
        assert "plan.cswb" in str(info.value) and "not an ordinary file" in str(info.value)
    finally:
        session.close(discard=True)
    assert fifo.is_fifo()


@pytest.mark.parametrize("offset, value", [(18, 3), (19, 3), (18, 0), (19, 255)])
def test_an_unknown_format_version_byte_is_refused_at_open(tmp_path, offset, value):
    plan = make_plan(tmp_path / "plan.cswb", partners=1)
    data = bytearray(plan.read_bytes())
    data[offset] = value
    plan.write_bytes(bytes(data))
    with pytest.raises(planfile.FileRejected) as info:
        planfile.open_plan(plan)
    text = str(info.value)
    assert info.value.reason == "damaged" and "plan.cswb" in text
    assert text.endswith(".") and text.count(". ") == 0 and "format" in text
    assert not any(planfile.paths.working_dir().iterdir())


def test_an_unreadable_journal_beside_the_plan_is_not_silently_skipped(tmp_path, monkeypatch):
    plan = make_plan(tmp_path / "plan.cswb", partners=1)
    journal = plan.with_name("plan.cswb-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if Path(file) == journal:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(planfile, "open", refusing_open, raising=False)  # the module's own `open`
    with pytest.raises(planfile.FileRejected) as info:
        planfile.open_plan(plan)
    assert info.value.reason == "unreadable" and "plan.cswb-journal" in str(info.value)
    assert not any(planfile.paths.working_dir().iterdir())
