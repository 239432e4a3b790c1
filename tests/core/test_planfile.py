"""The life of a plan file: new, edit, save, reopen, Save As, copies, backups, locks, recovery,
and saves that fail half-way (injected errors, read-only folders, full disks, pulled USB sticks)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cswb_desktop.core import paths, planfile, schema
from cswb_desktop.core.plan import ReadOnlyPlan

# --- helpers ------------------------------------------------------------------------------------

def snapshot(path: Path) -> tuple[str, int, int]:
    """What must not change about a user's file: its bytes and its modification time."""
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def dump_file(path: Path) -> dict[str, list[tuple]]:
    conn = connect_ro(path)
    try:
        return dump(conn)
    finally:
        conn.close()


def partner_names(path: Path) -> list[str]:
    conn = connect_ro(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT organisation FROM partner"))
    finally:
        conn.close()


def fill_some(plan) -> dict[str, str]:
    """Edits across several tables, links and a delete that cascades; returns the ids."""
    food = plan.partners.add(organisation="Cedar River Food Bank", sector="Community services",
                             contact_name="Marguerite Dubé", email="mdube@example.org",
                             phone="705-555-0142", engagement_status="committed")
    van = plan.partners.add(organisation="Mobile outreach van", sector="Community services")
    member = plan.committee_members.add(person="Marguerite Dubé", partner_id=food.id, role="Chair")
    plan.member_categories.set(member.id, [3, 6])
    activity = plan.activities.add(title="Kitchen-table talks", held_on="2024-02-10", participants=14)
    plan.activity_groups.set(activity.id, ["public", "youth"])
    risk = plan.risks.add(title="Food insecurity", is_priority=True)
    plan.evidence.add(risk_id=risk.id, source="Food bank visits", value="312", year=2023)
    strategy = plan.strategies.add(title="School breakfast program", area="social_development",
                                   lead_partner_id=food.id, budget=12000.0)
    plan.strategy_risks.add(strategy.id, risk.id)
    plan.strategy_partners.add(strategy.id, van.id)
    outcome = plan.outcomes.add(strategy_id=strategy.id, text="Children start the day fed")
    indicator = plan.indicators.add(outcome_id=outcome.id, name="Breakfasts served", baseline_value=0.0,
                                    target_value=150.0)
    plan.measurements.add(indicator_id=indicator.id, measured_on="2024-06-30", value=96.0)
    plan.update_profile(vision="Everyone eats well and feels safe.")
    plan.partners.delete(van.id)  # takes the strategy_partner link with it; both leave tombstones
    return {"food": food.id, "van": van.id, "member": member.id, "strategy": strategy.id}


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "plans"
    path.mkdir()
    return path


@pytest.fixture
def saved(folder) -> Path:
    """A saved plan with a little content, and no session holding it."""
    path = folder / "Cedar River.cswb"
    planfile.create_plan_file(path, community="Cedar River", fill=fill_some)
    return path


@pytest.fixture
def sessions(isolated_home):
    """Sessions a test opened; closed without saving at the end, whatever happened."""
    opened: list[planfile.PlanSession] = []
    yield opened
    for s in opened:
        s.close(discard=True)
    # Patches in these tests are undone one by one, never all at once: that would also undo the
    # test's own user folders and send working copies and backups to the real ones.
    assert paths.data_dir() == isolated_home / "data"


# --- new → edit → save → reopen -----------------------------------------------------------------

def test_new_edit_save_reopen_gives_identical_data(folder, sessions):
    session = planfile.new_plan(community="Cedar River", community_type="joint")
    sessions.append(session)
    ids = fill_some(session.plan)
    before = dump(session.plan.conn)
    target = folder / "plan.cswb"

    session.save_as(target)
    assert dump_file(target) == before  # the saved file holds exactly the working copy
    session.close()

    reopened = planfile.open_plan(target)
    sessions.append(reopened)
    assert dump(reopened.plan.conn) == before  # every table, every row, every column

    plan = reopened.plan
    assert plan.profile().community == "Cedar River"
    assert plan.profile().community_type == "joint"
    assert plan.profile().vision == "Everyone eats well and feels safe."
    assert [p.organisation for p in plan.partners.list()] == ["Cedar River Food Bank"]
    assert plan.member_categories.targets(ids["member"]) == [3, 6]
    assert plan.strategy_partners.targets(ids["strategy"]) == []
    assert plan.strategies.get(ids["strategy"]).lead_partner_id == ids["food"]
    gone = {t["id"]: t["table_name"] for t in plan.tombstones()}
    assert gone[ids["van"]] == "partner"
    assert plan.strategy_partners.link_id(ids["strategy"], ids["van"]) in gone
    assert plan.count("measurement") == 1


def test_saved_file_is_a_clean_plan_file_with_nothing_beside_it(folder, sessions):
    session = planfile.new_plan(community="Cedar River")
    sessions.append(session)
    fill_some(session.plan)
    target = session.save_as(folder / "plan.cswb")

    assert os.listdir(folder) == ["plan.cswb"]
    header = target.read_bytes()[:100]
    assert header[18:20] == b"\x01\x01"  # rollback journal, not WAL
    conn = connect_ro(target)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x43535742
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert schema.read_schema(conn) == schema.expected_schema(schema.SCHEMA_VERSION)
    finally:
        conn.close()
    assert os.listdir(folder) == ["plan.cswb"]  # reading it left nothing either

    session.plan.partners.add(organisation="Second save")
    session.save()
    assert os.listdir(folder) == ["plan.cswb"]


def test_modified_follows_edits_and_saves(folder, sessions):
    session = planfile.new_plan(community="Cedar River")
    sessions.append(session)
    assert session.modified is False
    partner = session.plan.partners.add(organisation="Library")
    assert session.modified is True
    session.save_as(folder / "plan.cswb")
    assert session.modified is False
    session.plan.partners.update(partner.id, organisation="Library")  # same value: no change
    assert session.modified is False
    session.plan.partners.update(partner.id, sector="Culture")
    assert session.modified is True
    session.save()
    assert session.modified is False


def test_save_without_a_path_asks_for_save_as(sessions):
    session = planfile.new_plan(community="Cedar River")
    sessions.append(session)
    with pytest.raises(planfile.SaveError, match="Save As"):
        session.save()


# --- the user's file is never touched by opening and editing --------------------------------------

def test_opening_and_editing_never_changes_the_users_file(saved):
    before = snapshot(saved)
    session = planfile.open_plan(saved)
    assert session.working_copy.parent.parent == paths.working_dir()
    assert snapshot(saved) == before
    session.plan.partners.add(organisation="Unsaved partner")
    session.plan.update_profile(title="Changed but never saved")
    assert snapshot(saved) == before
    assert os.listdir(saved.parent) == [saved.name]
    session.close()
    assert snapshot(saved) == before
    assert os.listdir(saved.parent) == [saved.name]
    assert "Unsaved partner" not in partner_names(saved)


# --- Save As and Save a Copy ----------------------------------------------------------------------

def test_save_as_moves_the_session_to_the_new_file(saved, folder, sessions):
    session = planfile.open_plan(saved)
    sessions.append(session)
    old_workdir = session.workdir
    session.plan.partners.add(organisation="Added before Save As")
    before_old = snapshot(saved)
    new = folder / "Renamed plan.cswb"

    session.save_as(new)

    assert session.path == new
    assert session.modified is False
    assert snapshot(saved) == before_old  # the old file stays as it was
    assert "Added before Save As" not in partner_names(saved)
    assert "Added before Save As" in partner_names(new)
    assert session.workdir == paths.working_dir() / planfile.plan_key(new)
    assert not old_workdir.exists()
    assert session.working_copy.exists()
    assert sorted(os.listdir(folder)) == sorted([saved.name, new.name])

    # The lock followed: the new file is busy, the old one is free to open for editing.
    second = planfile.open_plan(new)
    sessions.append(second)
    assert second.read_only
    other = planfile.open_plan(saved)
    sessions.append(other)
    assert not other.read_only
    assert "Added before Save As" not in [p.organisation for p in other.plan.partners.list()]

    session.plan.partners.add(organisation="Added after Save As")
    session.save()
    assert "Added after Save As" in partner_names(new)
    assert snapshot(saved) == before_old


def test_save_as_onto_a_file_open_elsewhere_is_refused(saved, folder, sessions):
    holder = planfile.open_plan(saved)
    sessions.append(holder)
    session = planfile.new_plan(community="Elsewhere")
    sessions.append(session)
    session.plan.partners.add(organisation="Edit of the other plan")
    before = snapshot(saved)
    with pytest.raises(planfile.SaveError, match="open in another"):
        session.save_as(saved)
    assert snapshot(saved) == before  # refused before anything was written over it
    assert os.listdir(saved.parent) == [saved.name]
    assert session.path is None and session.modified is True
    holder.plan.partners.add(organisation="The holder goes on")
    holder.save()
    assert "The holder goes on" in partner_names(saved)


def test_save_copy_leaves_the_session_on_its_own_file(saved, folder, sessions):
    session = planfile.open_plan(saved)
    sessions.append(session)
    session.plan.partners.add(organisation="Unsaved in the plan")
    before = snapshot(saved)
    copy = folder / "copy.cswb"

    session.save_copy(copy)

    assert session.path == saved
    assert session.modified is True  # a copy is not a save of the plan
    assert snapshot(saved) == before
    assert "Unsaved in the plan" in partner_names(copy)
    assert dump_file(copy) == dump(session.plan.conn)
    assert sorted(os.listdir(folder)) == sorted([saved.name, copy.name])
    with pytest.raises(planfile.SaveError, match="different file"):
        session.save_copy(saved)


def test_copy_for_sharing_leaves_no_trace_of_contact_details(saved, folder, sessions):
    session = planfile.open_plan(saved)
    sessions.append(session)
    session.plan.partners.add(organisation="Youth Centre", contact_name="Kwame Asante-Boateng",
                              email="kwame.asante.boateng@example.org", phone="705-555-0177",
                              role="Host for youth forums")
    shared = folder / "for sharing.cswb"

    session.save_copy(shared, without_contact_details=True)

    raw = shared.read_bytes()
    # ("Marguerite Dubé" stays: she is also named as a committee member, which is not a contact.)
    for secret in ("mdube@example.org", "705-555-0142", "kwame.asante.boateng@example.org",
                   "Kwame Asante-Boateng", "705-555-0177"):
        assert secret.encode("utf-8") not in raw, secret
    assert "kwame.asante.boateng@example.org".encode() in session.working_copy.read_bytes()
    with planfile.reading(shared) as plan:
        partners = {p.organisation: p for p in plan.partners.list()}
        assert set(partners) == {"Cedar River Food Bank", "Youth Centre"}
        for p in partners.values():
            assert (p.contact_name, p.email, p.phone) == ("", "", "")
        assert partners["Youth Centre"].role == "Host for youth forums"
        assert plan.meta("contact_details_removed") == "1"
    # The session's own data keeps them.
    kept = {p.organisation: p.email for p in session.plan.partners.list()}
    assert kept["Youth Centre"] == "kwame.asante.boateng@example.org"
    assert sorted(os.listdir(folder)) == sorted([saved.name, shared.name])


# --- backups -------------------------------------------------------------------------------------

def test_the_newest_ten_saves_are_kept_as_backups(folder, sessions):
    session = planfile.new_plan(community="Cedar River")
    sessions.append(session)
    target = folder / "plan.cswb"
    for n in range(12):
        session.plan.partners.add(organisation=f"Partner {n:02d}")
        session.save_as(target) if n == 0 else session.save()

    backups = planfile.list_backups(target)
    assert len(backups) == planfile.BACKUPS_KEPT == 10
    counts = []
    for b in backups:
        conn = connect_ro(b)
        counts.append(conn.execute("SELECT COUNT(*) FROM partner").fetchone()[0])
        conn.close()
    assert counts == list(range(12, 2, -1))  # newest first: saves 12 down to 3
    assert backups[0].read_bytes() == target.read_bytes()
    assert all(b.parent.parent == paths.backups_dir() for b in backups)
    assert os.listdir(folder) == ["plan.cswb"]


# --- one plan, two programs ------------------------------------------------------------------------

def test_second_open_of_the_same_file_is_read_only(saved, sessions):
    first = planfile.open_plan(saved)
    sessions.append(first)
    first.plan.partners.add(organisation="Edit in the first window")
    second = planfile.open_plan(saved)
    sessions.append(second)

    assert second.read_only and not first.read_only
    reason = second.read_only_reason
    assert "already open" in reason and "read-only" in reason and reason.endswith(".")
    assert "\n" not in reason
    # It shows the saved file, not the first window's unsaved edit.
    assert [p.organisation for p in second.plan.partners.list()] == ["Cedar River Food Bank"]
    with pytest.raises(ReadOnlyPlan):
        second.plan.partners.add(organisation="Not allowed")
    with pytest.raises(ReadOnlyPlan):
        second.plan.update_profile(title="Not allowed")
    with pytest.raises(planfile.SaveError, match="read-only"):
        second.save()
    first.plan.partners.add(organisation="Still editable")  # the first window is unaffected

    second.close()
    assert not second.workdir.exists()
    assert [p.name for p in paths.working_dir().iterdir()] == [first.workdir.name]
    assert planfile.find_recoverable() == []  # the open window's edits are not "lost"


def test_read_only_session_can_still_save_a_copy(saved, folder, sessions):
    sessions.append(planfile.open_plan(saved))
    second = planfile.open_plan(saved)
    sessions.append(second)
    copy = folder / "my copy.cswb"
    second.save_copy(copy)
    assert partner_names(copy) == ["Cedar River Food Bank"]
    assert sorted(os.listdir(copy.parent)) == sorted([copy.name, saved.name])
    with pytest.raises(ReadOnlyPlan):  # writing the copy did not lift the guard
        second.plan.partners.add(organisation="Not allowed")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        second.plan.conn.execute("DELETE FROM partner")


# --- unsaved edits after a close, recovery and discard ----------------------------------------------

def test_closing_with_unsaved_edits_leaves_them_recoverable(saved, sessions):
    before = snapshot(saved)
    session = planfile.open_plan(saved)
    session.plan.partners.add(organisation="Recovered partner")
    session.close()
    assert snapshot(saved) == before

    found = planfile.find_recoverable()
    assert len(found) == 1
    item = found[0]
    assert item.source == saved and item.display_name == saved.name
    with pytest.raises(planfile.RecoveryPending) as pending:
        planfile.open_plan(saved)
    assert pending.value.recoverable.workdir == item.workdir
    assert saved.name in str(pending.value)

    recovered = planfile.recover(item)
    sessions.append(recovered)
    assert recovered.path == saved
    assert recovered.modified is True
    assert "Recovered partner" in [p.organisation for p in recovered.plan.partners.list()]
    assert planfile.find_recoverable() == []  # it is open now
    recovered.save()
    assert "Recovered partner" in partner_names(saved)
    recovered.close()
    assert planfile.find_recoverable() == []
    assert list(paths.working_dir().iterdir()) == []


def test_discarding_unsaved_edits_keeps_them_among_the_backups(saved, sessions):
    before = snapshot(saved)
    session = planfile.open_plan(saved)
    session.plan.partners.add(organisation="Discarded partner")
    session.close()
    (item,) = planfile.find_recoverable()

    planfile.discard(item)

    assert planfile.find_recoverable() == []
    assert not item.workdir.exists()
    assert snapshot(saved) == before
    unsaved = [b for b in planfile.list_backups(saved) if b.name.endswith("-unsaved.cswb")]
    assert len(unsaved) == 1
    assert "Discarded partner" in partner_names(unsaved[0])
    reopened = planfile.open_plan(saved)
    sessions.append(reopened)
    assert not reopened.read_only
    assert "Discarded partner" not in [p.organisation for p in reopened.plan.partners.list()]


def test_close_with_discard_keeps_a_backup_and_nothing_recoverable(saved):
    session = planfile.open_plan(saved)
    session.plan.partners.add(organisation="Thrown away")
    session.close(discard=True)
    assert planfile.find_recoverable() == []
    assert list(paths.working_dir().iterdir()) == []
    assert any("Thrown away" in partner_names(b) for b in planfile.list_backups(saved))


def test_discarding_when_no_backup_can_be_made_keeps_the_edits_recoverable(saved, monkeypatch):
    """The program's own drive is full: the backup of the discarded edits fails, so the working
    copy must stay (offered back at the next start) instead of being deleted with nothing kept."""
    session = planfile.open_plan(saved)
    session.plan.partners.add(organisation="Kept despite a full drive")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(planfile.shutil, "copyfile", full)
        session.close(discard=True)
    assert not [b for b in planfile.list_backups(saved) if b.name.endswith("-unsaved.cswb")]
    found = planfile.find_recoverable()
    assert len(found) == 1 and found[0].source == Path(os.path.abspath(saved))
    recovered = planfile.recover(found[0])
    try:
        assert "Kept despite a full drive" in [p.organisation for p in recovered.plan.partners.list()]
    finally:
        recovered.close(discard=True)


def test_untitled_plan_closed_without_saving_is_not_kept(sessions):
    session = planfile.new_plan(community="Never saved")
    session.close()
    assert planfile.find_recoverable() == []
    assert list(paths.working_dir().iterdir()) == []


# --- saves that fail half-way ---------------------------------------------------------------------

def edited_session(saved: Path, sessions) -> planfile.PlanSession:
    session = planfile.open_plan(saved)
    sessions.append(session)
    session.plan.partners.add(organisation="Edit that must survive")
    return session


def assert_nothing_lost(session: planfile.PlanSession, elsewhere: Path) -> None:
    """The session still has its edit, its working copy opens on its own and holds it, and it can
    be saved somewhere that works."""
    assert session.modified is True
    assert "Edit that must survive" in [p.organisation for p in session.plan.partners.list()]
    assert "Edit that must survive" in partner_names(session.working_copy)
    elsewhere.mkdir(exist_ok=True)
    target = session.save_as(elsewhere / "rescued.cswb")
    assert "Edit that must survive" in partner_names(target)
    assert session.modified is False


def assert_failed_cleanly(saved: Path, before, error: planfile.SaveError) -> str:
    message = str(error)
    assert snapshot(saved) == before
    assert os.listdir(saved.parent) == [saved.name]  # no temporary file left behind
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert ".saving" not in message  # the user never sees our temporary name
    return message


def test_failure_while_flushing_leaves_the_previous_file(saved, sessions, tmp_path, monkeypatch):
    session = edited_session(saved, sessions)
    before = snapshot(saved)
    backups_before = planfile.list_backups(saved)

    def broken_fsync(path):
        assert Path(path).exists() and Path(path).parent == saved.parent  # the temp file beside it
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(planfile, "_fsync_file", broken_fsync)
        session.save()
    message = assert_failed_cleanly(saved, before, info.value)
    assert "stopped answering" in message and saved.name in message
    assert planfile.list_backups(saved) == backups_before  # a failed save is not a backup
    assert_nothing_lost(session, tmp_path / "elsewhere")


def test_failure_while_swapping_in_leaves_the_previous_file(saved, sessions, tmp_path, monkeypatch):
    session = edited_session(saved, sessions)
    before = snapshot(saved)
    real_replace = os.replace
    attempts = []

    def failing_replace(src, dst, *args, **kwargs):
        if Path(dst) == saved:
            attempts.append(Path(src))
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst, *args, **kwargs)

    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(os, "replace", failing_replace)
        session.save()
    assert len(attempts) == 1 and attempts[0].name.endswith(".saving")
    assert_failed_cleanly(saved, before, info.value)
    assert not attempts[0].exists()
    session.save()  # and the same file saves once the drive answers again
    assert "Edit that must survive" in partner_names(saved)
    assert session.modified is False


class VacuumFails:
    """The plan's connection, except that writing the clean copy fails the way SQLite reports it."""

    def __init__(self, conn: sqlite3.Connection, error: Exception):
        self._conn = conn
        self._error = error

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith("VACUUM INTO"):
            raise self._error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_read_only_folder_is_reported_as_read_only(saved, sessions, tmp_path):
    session = edited_session(saved, sessions)
    before = snapshot(saved)
    folder = saved.parent
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this account (root) can write into a read-only folder; the simulated "
                        "read-only tests below cover the message")
        with pytest.raises(planfile.SaveError) as info:
            session.save()
        message = str(info.value)
        assert "read-only" in message and saved.name in message
    finally:
        folder.chmod(0o755)
    assert snapshot(saved) == before
    assert os.listdir(folder) == [saved.name]
    assert_nothing_lost(session, tmp_path / "elsewhere")


@pytest.mark.parametrize("error", [
    PermissionError(errno.EACCES, "Permission denied"),
    OSError(errno.EROFS, "Read-only file system"),
], ids=["no-permission", "read-only-drive"])
def test_read_only_folder_simulated(saved, sessions, tmp_path, monkeypatch, error):
    """What the system answers when the temporary file cannot be made beside the target."""
    session = edited_session(saved, sessions)
    before = snapshot(saved)
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if str(path).endswith(".saving") and flags & os.O_CREAT:
            raise error
        return real_open(path, flags, *args, **kwargs)

    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(os, "open", refusing_open)
        session.save()
    message = assert_failed_cleanly(saved, before, info.value)
    assert "read-only" in message and saved.name in message and "Save As" in message
    assert_nothing_lost(session, tmp_path / "elsewhere")


@pytest.mark.parametrize("error, words", [
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
    (sqlite3.OperationalError("database or disk is full"), "space"),
    (sqlite3.OperationalError("disk I/O error"), "stopped answering"),
], ids=["readonly", "disk-full", "io-error"])
def test_sqlite_failing_to_write_the_copy(saved, sessions, tmp_path, monkeypatch, error, words):
    session = edited_session(saved, sessions)
    before = snapshot(saved)
    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(session.plan, "conn", VacuumFails(session.plan.conn, error))
        session.save()
    message = assert_failed_cleanly(saved, before, info.value)
    assert words in message and saved.name in message
    assert_nothing_lost(session, tmp_path / "elsewhere")


def test_full_disk_while_flushing(saved, sessions, tmp_path, monkeypatch):
    session = edited_session(saved, sessions)
    before = snapshot(saved)

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(planfile, "_fsync_file", full)
        session.save()
    message = assert_failed_cleanly(saved, before, info.value)
    assert "not enough space" in message and saved.name in message
    assert_nothing_lost(session, tmp_path / "elsewhere")


def test_target_folder_gone_before_save(saved, sessions, tmp_path):
    session = edited_session(saved, sessions)
    stick = saved.parent
    shutil.rmtree(stick)  # the USB stick was pulled

    with pytest.raises(planfile.SaveError) as info:
        session.save()
    message = str(info.value)
    assert "no longer there" in message and str(stick) in message
    assert message.endswith(".") and "\n" not in message
    assert not stick.exists()  # nothing was made in its place
    assert_nothing_lost(session, tmp_path / "elsewhere")


def test_target_folder_gone_while_saving(saved, sessions, tmp_path, monkeypatch):
    """The stick is pulled after the clean copy was written, before it is swapped in."""
    session = edited_session(saved, sessions)
    stick = saved.parent

    def pulled(path):
        shutil.rmtree(stick)
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")

    with monkeypatch.context() as patch, pytest.raises(planfile.SaveError) as info:
        patch.setattr(planfile, "_fsync_file", pulled)
        session.save()
    assert "no longer there" in str(info.value)
    assert_nothing_lost(session, tmp_path / "elsewhere")


# --- text that must come back exactly ------------------------------------------------------------

AWKWARD_TEXT = {
    "control": "Bell\x07 escape\x1b start\x01 and a NUL\x00 inside",
    "syllabics": "ᐊᓂᔑᓈᐯᒧᐎᓐ",
    "french": "Centre de santé communautaire — Élodie, Noël, cœur, façade, naïve, à l'école",
    "emoji": "Youth drop-in 🏒🍲✨ 👩🏽‍⚕️",
    "rtl": "مركز المجتمع שלום \u200f(right-to-left)\u200e",
    "long": "".join(chr(0x61 + (i * 7) % 26) if i % 80 else "\n" for i in range(100_000)),
}


def test_awkward_text_round_trips_exactly(folder, sessions):
    session = planfile.new_plan(community=AWKWARD_TEXT["syllabics"])
    sessions.append(session)
    made = {}
    for key, text in AWKWARD_TEXT.items():
        if key == "long":
            made[key] = session.plan.partners.add(organisation="Long notes", notes=text)
        else:
            made[key] = session.plan.partners.add(organisation=text, notes=text)
    target = session.save_as(folder / "text.cswb")
    session.close()

    reopened = planfile.open_plan(target)
    sessions.append(reopened)
    assert reopened.plan.profile().community == AWKWARD_TEXT["syllabics"]
    for key, record in made.items():
        back = reopened.plan.partners.get(record.id)
        assert back == record, key
        assert back.notes == AWKWARD_TEXT[key]
    assert len(reopened.plan.partners.get(made["long"].id).notes) == 100_000
    assert "\x00" in reopened.plan.partners.get(made["control"].id).organisation
