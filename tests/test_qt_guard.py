"""PySide6-Essentials 6.12.0 on Python < 3.12 wears away the references of None and True until the
process aborts. The dependency excludes it; if it is found anyway, the program and the `cswb`
commands that draw with Qt refuse with one sentence instead of crashing later, and nothing in the
program writes into Python's reference counts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cswb_desktop import app, cli, qt_guard

REPO = Path(__file__).resolve().parent.parent


def one_sentence(text: str) -> bool:
    text = text.strip()
    return "\n" not in text and text.endswith(".") and re.search(r"[.!?]\s", text[:-1]) is None


@pytest.fixture
def broken_build(monkeypatch):
    monkeypatch.setattr(qt_guard, "_python_version", lambda: (3, 11, 7))
    monkeypatch.setattr(qt_guard, "_pyside_version", lambda: (6, 12, 0))


@pytest.fixture
def plan_file(tmp_path) -> Path:
    target = tmp_path / "plan.cswb"
    assert cli.main(["demo", str(target)]) == 0
    return target


@pytest.mark.parametrize("python, pyside, refused", [
    ((3, 11, 7), (6, 12, 0), True),
    ((3, 10, 14), (6, 12, 0), True),
    ((3, 12, 3), (6, 12, 0), False),   # None and True are immortal on 3.12
    ((3, 13, 0), (6, 12, 0), False),
    ((3, 11, 7), (6, 11, 3), False),   # the build this machine runs: the read-only probe says clean
    ((3, 11, 7), None, False),
])
def test_only_the_broken_pair_is_refused(monkeypatch, python, pyside, refused):
    monkeypatch.setattr(qt_guard, "_python_version", lambda: python)
    monkeypatch.setattr(qt_guard, "_pyside_version", lambda: pyside)
    sentence = qt_guard.broken_build_refusal("cswb-desktop")
    assert (sentence is not None) == refused
    if refused:
        assert one_sentence(sentence), sentence
        assert "PySide6 6.12.0" in sentence and f"Python {'.'.join(map(str, python))}" in sentence
        assert "3.12" in sentence and "!=6.12.0" in sentence


def test_a_build_that_shows_the_defect_is_refused_even_if_not_named(monkeypatch):
    monkeypatch.setattr(qt_guard, "_python_version", lambda: (3, 11, 7))
    monkeypatch.setattr(qt_guard, "_pyside_version", lambda: (6, 12, 1))
    monkeypatch.setattr(qt_guard, "pyside_drops_references", lambda: True)
    assert "PySide6 6.12.1" in qt_guard.broken_build_refusal("cswb")


def test_the_program_refuses_to_start_with_one_sentence(broken_build, capsys, monkeypatch):
    def no_window(*args, **kwargs):
        raise AssertionError("the window must not be built on a broken build")

    monkeypatch.setattr("cswb_desktop.gui.main_window.MainWindow", no_window)
    assert app.main(["--demo"]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert one_sentence(captured.err) and captured.err.startswith("cswb-desktop cannot run on PySide6 6.12.0")


@pytest.mark.parametrize("command, out_name", [("board", "board.png"), ("export", "plan.docx")])
def test_the_qt_commands_refuse_with_one_sentence_and_write_nothing(broken_build, plan_file, tmp_path,
                                                                    capsys, command, out_name):
    out = tmp_path / out_name
    assert cli.main([command, str(plan_file), str(out)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("cswb: cswb cannot run on PySide6 6.12.0 with Python 3.11.7")
    assert one_sentence(err.removeprefix("cswb: ")), err
    assert not out.exists()


def test_commands_without_qt_still_work_on_a_broken_build(broken_build, plan_file, capsys):
    assert cli.main(["info", str(plan_file)]) == 0
    assert cli.main(["check", str(plan_file)]) == 0


def test_nothing_writes_into_reference_counts():
    sources = [p for p in (REPO / "cswb_desktop").rglob("*.py")] + [REPO / "tests" / "conftest.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "keep_none_alive" not in text, path
        assert "ctypes" not in text, path


def test_the_dependency_excludes_the_broken_build():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pyside = [d for d in project["dependencies"] if d.startswith("PySide6")]
    assert pyside == ["PySide6-Essentials>=6.8,!=6.12.0"]
