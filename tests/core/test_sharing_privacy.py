"""Save a Copy for Sharing without contact details: no contact value of any partner, current or kept
in the history, is anywhere in the shared file's bytes, and the unstripped plan never touches the
target drive (it is built in this computer's private working folder)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cswb_desktop.core import merge, paths, planfile

CURRENT = {"contact_name": "Marguerite Dubé-Sarazin", "email": "mdube.private@example.org",
           "phone": "705-555-0142"}
ONLY_IN_HISTORY = {"contact_name": "Jean-Baptiste Ootoova", "email": "jb.ootoova@example.net",
                   "phone": "807-555-0199"}
OTHER_PARTNER = {"contact_name": "ᐊᓂᔑᓈᐯ Contact", "email": "outreach.lead@example.com",
                 "phone": "+1 613 555 0177"}


def removed_values() -> list[str]:
    return [v for d in (CURRENT, ONLY_IN_HISTORY, OTHER_PARTNER) for v in d.values()]


@pytest.fixture
def session(tmp_path):
    path = planfile.create_plan_file(tmp_path / "plan.cswb", community="Lakeview")
    s = planfile.open_plan(path)
    plan = s.plan
    food = plan.partners.add(organisation="Cedar River Food Bank", sector="Community services",
                             **ONLY_IN_HISTORY)
    youth = plan.partners.add(organisation="Youth Centre", **OTHER_PARTNER)
    # an earlier version of the food bank's record, kept in the history as a merge keeps it
    old_row = plan.row("partner", food.id)
    with plan.transaction() as change:
        plan.conn.execute(
            "INSERT INTO history(id, table_name, record_id, data, replaced_at, replaced_by, reason) "
            "VALUES(?, 'partner', ?, ?, '2024-03-01T00:00:00Z', 'other-device', 'merge: replaced')",
            (merge._history_id("partner", food.id, merge._row_json(old_row)), food.id,
             merge._row_json(old_row)))
        change.note("history")
    plan.partners.update(food.id, **CURRENT)
    plan.partners.update(youth.id, notes="Meets on Tuesdays")
    yield s
    s.close(discard=True)


def test_a_copy_without_contact_details_holds_none_of_them_anywhere(session, tmp_path):
    target = tmp_path / "stick" / "for partners.cswb"
    target.parent.mkdir()
    session.save_copy(target, without_contact_details=True)
    raw = target.read_bytes()
    for value in removed_values():
        assert value.encode("utf-8") not in raw, value
    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT COUNT(*) FROM partner WHERE contact_name || email || phone != ''").fetchone() == (0,)
        assert sorted(r[0] for r in conn.execute("SELECT organisation FROM partner")) == [
            "Cedar River Food Bank", "Youth Centre"]
        history = [json.loads(r[0]) for r in conn.execute("SELECT data FROM history WHERE table_name = 'partner'")]
        assert history and all(h["email"] == h["phone"] == h["contact_name"] == "" for h in history)
        assert all(h["organisation"] == "Cedar River Food Bank" for h in history)
        assert conn.execute("SELECT value FROM meta WHERE key = 'contact_details_removed'").fetchone() == ("1",)
    finally:
        conn.close()
    with planfile.reading(target) as shared:  # a sound plan the partner can open
        assert shared.partners.count() == 2
    # the plan itself keeps everything
    food = next(p for p in session.plan.partners.list() if p.organisation == "Cedar River Food Bank")
    assert food.email == CURRENT["email"]
    assert not any(paths.working_dir().glob("sharing-*"))


def test_the_unstripped_plan_never_reaches_the_target_drive(session, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    seen = []
    real_strip = planfile._remove_contact_details

    def watching_strip(path):
        # while the copy is being stripped, nothing on the stick holds a contact value
        seen.append(Path(path))
        for item in stick.iterdir():
            data = item.read_bytes()
            assert not any(v.encode("utf-8") in data for v in removed_values()), item.name
        return real_strip(path)

    monkeypatch.setattr(planfile, "_remove_contact_details", watching_strip)
    session.save_copy(stick / "copy.cswb", without_contact_details=True)
    assert len(seen) == 1 and paths.working_dir() in seen[0].parents
    assert [p.name for p in stick.iterdir()] == ["copy.cswb"]


def test_a_failed_strip_leaves_nothing_on_the_stick_and_no_private_leftover(session, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()

    def broken_strip(path):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(planfile, "_remove_contact_details", broken_strip)
    with pytest.raises(planfile.SaveError) as info:
        session.save_copy(stick / "copy.cswb", without_contact_details=True)
    assert "copy.cswb" in str(info.value) and str(info.value).count(". ") == 0
    assert list(stick.iterdir()) == []
    assert not any(paths.working_dir().glob("sharing-*"))


def test_a_history_version_that_cannot_be_read_does_not_travel(session, tmp_path):
    with session.plan.transaction() as change:
        session.plan.conn.execute(
            "INSERT INTO history(id, table_name, record_id, data, replaced_at, replaced_by) "
            "VALUES('h-bad', 'partner', 'x', ?, '2024-01-01T00:00:00Z', 'd')",
            ('{"email": "broken.json@example.org", ',))
        change.note("history")
    target = tmp_path / "copy.cswb"
    session.save_copy(target, without_contact_details=True)
    assert b"broken.json@example.org" not in target.read_bytes()
