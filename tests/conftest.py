"""Shared test set-up: Qt offscreen, and every test gets its own user folders."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CSWB_DESKTOP_HOME", str(home))
    return home


def type_text(qtbot, widget, text: str) -> None:
    """Type text as a person would: keys for ASCII, input-method commits for everything else
    (accents, syllabics, emoji arrive through the input method on real keyboards too)."""
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    run = ""
    for ch in text:
        if ch.isascii() and ch.isprintable():
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        event = QInputMethodEvent()
        event.setCommitString(ch)
        from PySide6.QtWidgets import QApplication

        QApplication.sendEvent(widget, event)
    if run:
        qtbot.keyClicks(widget, run)


@pytest.fixture
def typist(qtbot):
    return lambda widget, text: type_text(qtbot, widget, text)
