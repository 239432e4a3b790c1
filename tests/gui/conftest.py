"""GUI tests never block on a modal dialog: one that opens unexpectedly fails the test instead."""

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox


class UnexpectedDialog(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise UnexpectedDialog(f"a modal dialog opened during a test: {self.windowTitle()!r}")

    def refuse_static(*args, **kwargs):
        raise UnexpectedDialog("a file dialog opened during a test")

    monkeypatch.setattr(QMessageBox, "exec", refuse)
    monkeypatch.setattr(QDialog, "exec", refuse)
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse_static))
    for name in ("warning", "information", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse_static))
