"""Shared test set-up: Qt offscreen, and every test gets its own user folders."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CSWB_DESKTOP_HOME", str(home))
    return home
