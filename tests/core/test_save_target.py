"""Where a save lands: through a symbolic link into the real file, with the file's own permissions,
and without the leftovers of an earlier save that was cut off."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cswb_desktop.core import planfile


def organisations(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT organisation FROM partner"))
    finally:
        conn.close()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_saving_a_linked_plan_updates_the_real_file_and_keeps_the_link(tmp_path):
    shared = tmp_path / "shared drive"
    shared.mkdir()
    real = planfile.create_plan_file(shared / "Lakeview plan.cswb", community="Lakeview")
    desk = tmp_path / "desktop"
    desk.mkdir()
    link = desk / "plan.cswb"
    link.symlink_to(real)
    session = planfile.open_plan(link)
    try:
        session.plan.partners.add(organisation="Friendship Centre")
        session.save()
        assert session.path == link
    finally:
        session.close()
    assert link.is_symlink() and Path(os.readlink(link)) == real
    assert organisations(real) == ["Friendship Centre"]
    assert sorted(p.name for p in desk.iterdir()) == ["plan.cswb"]
    assert sorted(p.name for p in shared.iterdir()) == ["Lakeview plan.cswb"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_saving_keeps_the_files_permissions(tmp_path, mode):
    path = planfile.create_plan_file(tmp_path / "plan.cswb", community="Lakeview")
    os.chmod(path, mode)
    session = planfile.open_plan(path)
    try:
        session.plan.partners.add(organisation="Friendship Centre")
        session.save()
        assert stat.S_IMODE(path.stat().st_mode) == mode
        session.save_copy(tmp_path / "copy.cswb")  # a new file gets the usual permissions
    finally:
        session.close()
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert organisations(path) == ["Friendship Centre"]


def test_leftovers_of_a_save_that_was_killed_are_removed_by_the_next_save(tmp_path):
    path = planfile.create_plan_file(tmp_path / "plan.cswb", community="Lakeview")
    # what a kill during VACUUM INTO leaves: the hidden temporary file with SQLite's side files
    left = [tmp_path / ".plan.cswb.1a2b3c4d.saving", tmp_path / ".plan.cswb.1a2b3c4d.saving-journal",
            tmp_path / ".plan.cswb.1a2b3c4d.saving-wal", tmp_path / ".plan.cswb.1a2b3c4d.saving-shm",
            tmp_path / ".plan.cswb.5e6f7a8b.stale-journal"]
    for leftover in left:
        leftover.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"x" * 600)
    other = tmp_path / ".other.cswb.1a2b3c4d.saving-journal"  # another plan's: not this save's business
    other.write_bytes(b"x")
    session = planfile.open_plan(path)
    try:
        session.plan.partners.add(organisation="Friendship Centre")
        session.save()
    finally:
        session.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "plan.cswb"]
    assert organisations(path) == ["Friendship Centre"]
