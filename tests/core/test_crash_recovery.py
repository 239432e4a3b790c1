"""A program killed without warning (power cut, SIGKILL) loses no edit it had committed, and the
saved file it was working on is left exactly as it was.

The program is a real child process using the same user folders; it reports each committed edit on
a line of its standard output, and the test kills it after reading the lines it waits for, so no
timing is involved."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import cswb_desktop
from cswb_desktop.core import paths, planfile

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

REPO_ROOT = Path(cswb_desktop.__file__).resolve().parent.parent
COMMITTED = 25

EDITING_CHILD = r"""
import sys
from cswb_desktop.core import planfile

session = planfile.open_plan(sys.argv[1])
number = 0
while True:
    session.plan.partners.add(organisation=f"Partner {number:05d}")
    print(number, flush=True)  # only after the edit has committed
    number += 1
"""

SAVING_CHILD = r"""
import sys
from cswb_desktop.core import planfile

session = planfile.open_plan(sys.argv[1])
session.plan.partners.add(organisation="Edit made before the save")
print("edited", flush=True)

def stuck_flush(path):
    print("writing", flush=True)  # the clean copy is written beside the file, not yet swapped in
    sys.stdin.readline()  # wait here until killed

planfile._fsync_file = stuck_flush
session.save()
print("saved", flush=True)
"""

HOLDING_CHILD = r"""
import sys
from cswb_desktop.core import planfile

session = planfile.open_plan(sys.argv[1])
print("read_only" if session.read_only else "open", flush=True)
sys.stdin.readline()  # hold the plan open until killed
"""


def snapshot(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def child_env() -> dict[str, str]:
    env = dict(os.environ)  # carries this test's own CSWB_DESKTOP_HOME
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


class Child:
    """A child program whose progress lines the test reads one by one."""

    def __init__(self, code: str, plan: Path, log: Path):
        self.log = log
        self._stderr = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(plan)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=child_env(), cwd=str(plan.parent), text=True)

    def read_line(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self._stderr.flush()
            pytest.fail("the child program stopped early:\n" + self.log.read_text(errors="replace"))
        return line.strip()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            stream.close()
        self._stderr.close()


@pytest.fixture
def saved(tmp_path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    path = folder / "Cedar River.cswb"
    planfile.create_plan_file(path, community="Cedar River",
                              fill=lambda plan: plan.partners.add(organisation="Library"))
    return path


def partner_names(plan) -> list[str]:
    return [p.organisation for p in plan.partners.list()]


def test_killed_while_editing_loses_no_committed_edit(saved, tmp_path):
    before = snapshot(saved)
    child = Child(EDITING_CHILD, saved, tmp_path / "child.log")
    try:
        reported = [int(child.read_line()) for _ in range(COMMITTED)]
        child.kill()
    finally:
        child.close()
    assert reported == list(range(COMMITTED))

    assert snapshot(saved) == before  # the saved file never saw any of it
    assert os.listdir(saved.parent) == [saved.name]

    found = planfile.find_recoverable()
    assert [item.source for item in found] == [saved]
    with pytest.raises(planfile.RecoveryPending):
        planfile.open_plan(saved)

    session = planfile.recover(found[0])
    try:
        assert not session.read_only and session.modified
        names = partner_names(session.plan)
        numbers = sorted(int(n.split()[1]) for n in names if n.startswith("Partner "))
        # Every reported edit is there; the child may have committed a few more before it died,
        # but each edit is whole: no gap, no half of one.
        assert len(numbers) >= COMMITTED
        assert numbers == list(range(len(numbers)))
        assert "Library" in names
        assert session.plan.conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert snapshot(saved) == before

        session.save()
        assert os.listdir(saved.parent) == [saved.name]
    finally:
        session.close()
    assert planfile.find_recoverable() == []
    with planfile.reading(saved) as plan:
        kept = sorted(int(n.split()[1]) for n in partner_names(plan) if n.startswith("Partner "))
    assert kept == numbers


def test_killed_while_saving_leaves_the_previous_file(saved, tmp_path):
    before = snapshot(saved)
    child = Child(SAVING_CHILD, saved, tmp_path / "child.log")
    try:
        assert child.read_line() == "edited"
        assert child.read_line() == "writing"
        child.kill()
    finally:
        child.close()

    assert snapshot(saved) == before  # the swap never happened
    with planfile.reading(saved) as plan:
        assert partner_names(plan) == ["Library"]
    # What may remain beside it is only the unfinished temporary file, never a changed plan.
    leftovers = [n for n in os.listdir(saved.parent) if n != saved.name]
    assert all(n.startswith(f".{saved.name}.") and n.endswith(".saving") for n in leftovers)

    (item,) = planfile.find_recoverable()
    session = planfile.recover(item)
    try:
        assert "Edit made before the save" in partner_names(session.plan)
        session.save()
    finally:
        session.close()
    with planfile.reading(saved) as plan:
        assert "Edit made before the save" in partner_names(plan)


def test_a_killed_program_does_not_keep_the_plan_locked(saved, tmp_path):
    child = Child(HOLDING_CHILD, saved, tmp_path / "child.log")
    try:
        assert child.read_line() == "open"
        busy = planfile.open_plan(saved)  # while the other program holds it
        try:
            assert busy.read_only and "already open" in busy.read_only_reason
        finally:
            busy.close()
        assert planfile.find_recoverable() == []  # a plan open elsewhere is not offered back
        child.kill()
    finally:
        child.close()

    session = planfile.open_plan(saved)  # no unsaved edits were left, so it simply opens
    try:
        assert not session.read_only
        session.plan.partners.add(organisation="After the crash")
        session.save()
    finally:
        session.close()
    assert [p.name for p in paths.working_dir().iterdir()] == []
