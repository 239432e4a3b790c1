"""`cswb merge`: every option and every exit code, with real files edited on "other computers"."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.core import paths, planfile


def run(*args: str, env_home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, CSWB_DESKTOP_HOME=str(env_home))
    return subprocess.run([sys.executable, "-m", "cswb_desktop.cli", *args], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).resolve().parent.parent)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path, monkeypatch, capsys):
    """MINE (the demo plan) and THEIRS (a partner's copy of it, edited on another computer)."""
    mine = tmp_path / "plan.cswb"
    assert cli.main(["demo", str(mine)]) == 0
    theirs = tmp_path / "school-board.cswb"
    shutil.copyfile(mine, theirs)
    capsys.readouterr()
    return mine, theirs


def edit(path: Path, home: Path, change, monkeypatch) -> None:
    """Open, change and save a plan file as the program would on the computer whose folders are `home`."""
    with monkeypatch.context() as m:
        m.setenv("CSWB_DESKTOP_HOME", str(home))
        session = planfile.open_plan(path)
        try:
            change(session.plan)
            session.save()
        finally:
            session.close()


def read(path: Path, what):
    with planfile.reading(path) as plan:
        return what(plan)


def first_strategy(plan):
    return plan.strategies.list()[0]


def partner_edits(plan):
    plan.partners.add(organisation="Birch Narrows High School", sector="Education")
    plan.strategies.update(first_strategy(plan).id, title="Title from the school board")


def coordinator_edits(plan):
    plan.strategies.update(first_strategy(plan).id, title="Title from the coordinator")


@pytest.fixture
def edited(files, tmp_path, monkeypatch):
    """Both copies changed: a new partner in theirs, and a conflict on the first strategy's title
    (the school board's edit is the newer)."""
    mine, theirs = files
    edit(mine, tmp_path / "home-coordinator", coordinator_edits, monkeypatch)
    edit(theirs, tmp_path / "home-school", partner_edits, monkeypatch)
    return mine, theirs


def organisations(path: Path) -> list[str]:
    return read(path, lambda p: [x.organisation for x in p.partners.list()])


def title(path: Path) -> str:
    return read(path, lambda p: first_strategy(p).title)


def test_merge_in_place_changes_mine_and_keeps_a_backup(edited, capsys):
    mine, theirs = edited
    theirs_before = digest(theirs)
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "school-board.cswb added the partner “Birch Narrows High School”." in out
    assert "Partners and roles" in out and "Strategies" in out
    assert "Decision: Take the version of school-board.cswb (the newer edit)" in out
    assert "the version before the merge was kept among the backups" in out
    assert "Birch Narrows High School" in organisations(mine)
    assert title(mine) == "Title from the school board"
    assert digest(theirs) == theirs_before
    backups = planfile.list_backups(mine)
    assert any("before-merge" in b.name for b in backups)
    before_merge = next(b for b in backups if "before-merge" in b.name)
    assert "Birch Narrows High School" not in organisations(before_merge)
    assert sorted(p.name for p in mine.parent.iterdir() if not p.name.startswith("home")) == [
        "plan.cswb", "school-board.cswb"]
    assert list(paths.working_dir().iterdir()) == []


def test_merging_the_same_copy_twice_changes_nothing_and_says_so(edited, capsys):
    mine, theirs = edited
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_OK
    capsys.readouterr()
    before, mtime = digest(mine), mine.stat().st_mtime_ns
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Nothing new: school-board.cswb holds nothing" in out
    assert "plan.cswb was not changed." in out
    assert (digest(mine), mine.stat().st_mtime_ns) == (before, mtime)


def test_output_file_leaves_mine_alone_and_is_never_overwritten_without_force(edited, capsys):
    mine, theirs = edited
    out_file = mine.parent / "merged.cswb"
    before = digest(mine)
    assert cli.main(["merge", str(mine), str(theirs), "-o", str(out_file)]) == cli.EXIT_OK
    assert "Wrote the merged plan to" in capsys.readouterr().out
    assert digest(mine) == before
    assert title(out_file) == "Title from the school board"
    assert "Birch Narrows High School" in organisations(out_file)
    written = digest(out_file)
    assert cli.main(["merge", str(mine), str(theirs), "-o", str(out_file)]) == cli.EXIT_FAILED
    assert "--force" in capsys.readouterr().err
    assert digest(out_file) == written
    assert cli.main(["merge", str(mine), str(theirs), "--output", str(out_file), "--force",
                     "--prefer", "mine"]) == cli.EXIT_OK
    assert title(out_file) == "Title from the coordinator"
    assert digest(mine) == before
    assert list(paths.working_dir().iterdir()) == []


def test_output_to_mine_itself_needs_force_and_then_merges_in_place(edited, capsys):
    mine, theirs = edited
    assert cli.main(["merge", str(mine), str(theirs), "-o", str(mine)]) == cli.EXIT_FAILED
    assert title(mine) == "Title from the coordinator"
    assert cli.main(["merge", str(mine), str(theirs), "-o", str(mine), "--force"]) == cli.EXIT_OK
    assert title(mine) == "Title from the school board"
    assert any("before-merge" in b.name for b in planfile.list_backups(mine))


def test_dry_run_prints_the_review_and_writes_nothing(edited, capsys):
    mine, theirs = edited
    before = digest(mine)
    assert cli.main(["merge", str(mine), str(theirs), "--dry-run"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "added the partner “Birch Narrows High School”" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert digest(mine) == before
    assert planfile.list_backups(mine) == [] or not any("before-merge" in b.name
                                                          for b in planfile.list_backups(mine))
    assert list(paths.working_dir().iterdir()) == []


def test_json_output(edited, capsys):
    mine, theirs = edited
    assert cli.main(["merge", str(mine), str(theirs), "--dry-run", "--json"]) == cli.EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True and data["written"] is None
    assert data["counts"]["added"] == 1 and data["counts"]["conflict"] == 1
    assert data["theirs"] == "school-board.cswb" and data["nothing_new"] is False
    [conflict] = [i["conflict"] for s in data["steps"] for i in s["items"] if i["conflict"]]
    assert conflict["chosen"] == "theirs" and {o["code"] for o in conflict["options"]} == {"mine", "theirs"}
    assert cli.main(["merge", str(mine), str(theirs), "--json"]) == cli.EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["written"] == str(mine) and data["dry_run"] is False


@pytest.mark.parametrize("prefer, expected", [("newer", "Title from the school board"),
                                              ("theirs", "Title from the school board"),
                                              ("mine", "Title from the coordinator")])
def test_prefer_decides_the_conflicts(edited, capsys, prefer, expected):
    mine, theirs = edited
    assert cli.main(["merge", str(mine), str(theirs), "--prefer", prefer]) == cli.EXIT_OK
    assert title(mine) == expected


def test_name_is_used_in_the_summary(edited, capsys):
    mine, theirs = edited
    assert cli.main(["merge", str(mine), str(theirs), "--dry-run", "--name", "School board"]) == 0
    assert "School board added the partner" in capsys.readouterr().out


def test_a_copy_of_a_different_plan_is_rejected_with_exit_3(files, capsys):
    mine, _ = files
    other = mine.parent / "lakeview.cswb"
    assert cli.main(["new", str(other), "--community", "Lakeview"]) == 0
    capsys.readouterr()
    before = digest(mine)
    assert cli.main(["merge", str(mine), str(other)]) == cli.EXIT_REJECTED
    err = capsys.readouterr().err
    assert "lakeview.cswb holds a different plan, “Lakeview Community Safety and Well-Being Plan”" in err
    assert "Birch Narrows" in err and err.count("\n") == 1
    assert digest(mine) == before
    assert not any("before-merge" in b.name for b in planfile.list_backups(mine))


def hostile(path: Path) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON partner BEGIN DELETE FROM strategy; END")
    conn.close()


def test_a_hostile_copy_is_rejected_with_exit_3_and_nothing_changes(edited, tmp_path):
    mine, theirs = edited
    hostile(theirs)
    before = digest(mine)
    home = tmp_path / "home-cli"
    for extra in ([], ["--dry-run"], ["-o", str(tmp_path / "out.cswb")]):
        result = run("merge", str(mine), str(theirs), *extra, env_home=home)
        assert result.returncode == cli.EXIT_REJECTED
        assert "things this program did not create" in result.stderr and "trigger “wipe”" in result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert digest(mine) == before
    assert not (tmp_path / "out.cswb").exists()
    working = home / "data" / "working"
    assert not working.exists() or not any(working.iterdir())


def test_a_damaged_or_missing_mine_is_rejected_with_exit_3(files, capsys, tmp_path):
    mine, theirs = files
    junk = tmp_path / "junk.cswb"
    junk.write_bytes(os.urandom(4096))
    assert cli.main(["merge", str(junk), str(theirs)]) == cli.EXIT_REJECTED
    assert "not a CSWB plan file" in capsys.readouterr().err
    assert cli.main(["merge", str(tmp_path / "gone.cswb"), str(theirs)]) == cli.EXIT_REJECTED
    assert "could not be found" in capsys.readouterr().err
    assert cli.main(["merge", str(tmp_path / "gone.cswb"), str(theirs), "-o",
                     str(tmp_path / "o.cswb")]) == cli.EXIT_REJECTED
    assert not (tmp_path / "o.cswb").exists()


def test_mine_open_in_the_program_cannot_be_merged_in_place(edited, capsys):
    mine, theirs = edited
    session = planfile.open_plan(mine)  # the desktop program has it open
    try:
        before = digest(mine)
        assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_FAILED
        assert "is open in cswb-desktop" in capsys.readouterr().err
        assert digest(mine) == before
        # Writing the merge elsewhere still works: MINE is only read.
        out_file = mine.parent / "merged.cswb"
        assert cli.main(["merge", str(mine), str(theirs), "-o", str(out_file)]) == cli.EXIT_OK
        assert title(out_file) == "Title from the school board"
    finally:
        session.close()


def test_unsaved_changes_from_a_crash_must_be_recovered_first(edited, capsys):
    mine, theirs = edited
    session = planfile.open_plan(mine)
    session.plan.partners.add(organisation="Typed before the power cut")
    session._lock.release()  # the program died: the working copy stays behind, unlocked
    session.plan.conn.close()
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "unsaved changes" in err and "recover" in err


def test_usage_errors_exit_2(files, tmp_path):
    mine, theirs = files
    home = tmp_path / "home-cli"
    assert run("merge", str(mine), env_home=home).returncode == cli.EXIT_USAGE
    assert run("merge", str(mine), str(theirs), "--prefer", "older", env_home=home).returncode == cli.EXIT_USAGE
    result = run("merge", str(mine), str(theirs), "--dry-run", "-o", str(tmp_path / "x.cswb"), env_home=home)
    assert result.returncode == cli.EXIT_USAGE and "--dry-run" in result.stderr
    assert not (tmp_path / "x.cswb").exists()


def test_merge_has_help(tmp_path):
    result = run("merge", "--help", env_home=tmp_path / "home-cli")
    assert result.returncode == 0
    assert "usage: cswb merge" in result.stdout
    for option in ("-o OUT", "--prefer", "--dry-run", "--json", "--force", "--name"):
        assert option in result.stdout


def test_a_write_failure_exits_1_and_leaves_mine_intact(edited, capsys, monkeypatch):
    mine, theirs = edited
    before = digest(mine)

    def full_disk(*args, **kwargs):
        raise planfile.SaveError("There is not enough space on the drive to save plan.cswb.")
    monkeypatch.setattr(planfile.PlanSession, "save", full_disk)
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_FAILED
    assert "not enough space" in capsys.readouterr().err
    assert digest(mine) == before


def test_merging_into_a_new_file_takes_the_changes_waiting_in_a_wal_beside_mine(files, tmp_path):
    """A database tool in WAL mode left a committed change beside MINE that is not yet in the file
    itself: the merged plan written to OUT holds it, and MINE and its log are left as they were."""
    mine, theirs = files
    tool_folder = tmp_path / "tool"
    tool_folder.mkdir()
    worked = tool_folder / mine.name
    shutil.copyfile(mine, worked)
    tool = sqlite3.connect(str(worked), isolation_level=None)
    tool.execute("PRAGMA journal_mode = WAL")
    tool.execute("PRAGMA wal_autocheckpoint = 0")
    tool.execute("INSERT INTO partner(id, created_at, modified_at, modified_by, organisation) "
                 "VALUES('p-wal', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'tool', 'Only in the log')")
    shutil.copyfile(worked, mine)
    shutil.copyfile(worked.with_name(worked.name + "-wal"), mine.with_name(mine.name + "-wal"))
    tool.close()
    before = digest(mine), digest(mine.with_name(mine.name + "-wal"))
    out = tmp_path / "merged.cswb"
    result = run("merge", str(mine), str(theirs), "-o", str(out), env_home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "Only in the log" in read(out, lambda plan: [p.organisation for p in plan.partners.list()])
    assert (digest(mine), digest(mine.with_name(mine.name + "-wal"))) == before
