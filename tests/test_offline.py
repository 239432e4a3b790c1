"""The program never touches the network.

Every socket connection (and every name look-up) fails for the whole of each test, and each
attempt is recorded, so an attempt that some code catches and ignores still fails the test. The
flows: create, open, edit, save through core.planfile; open, edit (an undoable command), save
and close through the main window; and, where those commands exist, `cswb export`, `cswb merge`
and `cswb board` run in-process.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.core import planfile


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(name):
        def call(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise NetworkUsed(f"the program tried to use the network: {name}")
        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    modules_before = set(sys.modules)
    yield attempts
    assert attempts == [], f"network use: {attempts}"
    # Qt's own network stack does not go through Python's socket module: it must not even load.
    assert "PySide6.QtNetwork" in modules_before or "PySide6.QtNetwork" not in sys.modules


def test_the_guard_itself_refuses_a_connection(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80), timeout=0.01)
    no_network.clear()


def cli_commands() -> set[str]:
    parser = cli.build_parser()
    for action in parser._actions:  # argparse keeps the subcommands here
        if getattr(action, "choices", None) and isinstance(action.choices, dict):
            return set(action.choices)
    return set()


def run_cli(*args: str) -> int:
    return cli.main([str(a) for a in args])


def demo_file(path: Path) -> Path:
    assert run_cli("demo", path) == 0
    return path


def test_plan_file_open_edit_save_offline(tmp_path):
    path = demo_file(tmp_path / "demo.cswb")
    session = planfile.open_plan(path)
    try:
        session.plan.partners.add(organisation="Makwa Ziibi Health Centre ᐊᓂᔑᓈᐯ")
        session.plan.update_profile(vision="Everyone feels safe and at home.")
        assert session.modified
        session.save()
        copy = session.save_copy(tmp_path / "for-partners.cswb", without_contact_details=True)
    finally:
        session.close()
    with planfile.reading(path) as plan:
        assert plan.profile().vision == "Everyone feels safe and at home."
    assert Path(copy).exists()
    assert run_cli("info", path) == 0
    assert run_cli("check", path) == 0


def test_main_window_open_edit_save_offline(qtbot, tmp_path):
    from cswb_desktop.gui.main_window import MainWindow

    path = demo_file(tmp_path / "demo.cswb")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_error = lambda title, text: pytest.fail(text)
    window.show()
    assert window.open_path(str(path))
    doc = window.doc
    partner_id = doc.add(doc.plan.partners, "Add partner", organisation="Birch Narrows Library")
    assert partner_id and window.isWindowModified()
    doc.undo_stack.undo()
    doc.undo_stack.redo()
    assert window.save()
    assert not window.isWindowModified()
    window.close()
    assert window.session is None
    with planfile.reading(path) as plan:
        assert any(p.organisation == "Birch Narrows Library" for p in plan.partners.list())


def test_start_on_the_demo_offline(qtbot):
    from cswb_desktop.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_demo()
    assert window.session is not None
    window.session.close(discard=True)


def test_export_offline(tmp_path):
    if "export" not in cli_commands():
        pytest.skip("no `cswb export` command yet")
    path = demo_file(tmp_path / "demo.cswb")
    out = tmp_path / "plan.docx"
    assert run_cli("export", path, out) == 0
    assert out.stat().st_size > 0


def test_merge_offline(tmp_path):
    if "merge" not in cli_commands():
        pytest.skip("no `cswb merge` command yet")
    mine = demo_file(tmp_path / "mine.cswb")
    theirs = tmp_path / "theirs.cswb"
    theirs.write_bytes(mine.read_bytes())
    for path, organisation in ((mine, "Town office"), (theirs, "Band office")):
        session = planfile.open_plan(path)
        try:
            session.plan.partners.add(organisation=organisation)
            session.save()
        finally:
            session.close()
    out = tmp_path / "merged.cswb"
    assert run_cli("merge", mine, theirs, "-o", out) == 0
    with planfile.reading(out) as plan:
        names = {p.organisation for p in plan.partners.list()}
    assert {"Town office", "Band office"} <= names


def test_board_offline(tmp_path):
    if "board" not in cli_commands():
        pytest.skip("no `cswb board` command yet")
    path = demo_file(tmp_path / "demo.cswb")
    for name in ("board.png", "board.svg"):
        assert run_cli("board", path, tmp_path / name) == 0
        assert (tmp_path / name).stat().st_size > 0
