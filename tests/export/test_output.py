"""Never half a document: locked, read-only and full targets give one clear sentence, the earlier
file stays as it was and no temporary file is left behind."""

from __future__ import annotations

import errno
import os

import pytest
from exporthelp import TODAY

from cswb_desktop.export import ExportCancelled, ExportError, export_plan, export_progress_report
from cswb_desktop.export import output, writer

OLD = b"the earlier document"


@pytest.fixture
def existing(tmp_path):
    target = tmp_path / "plan.docx"
    target.write_bytes(OLD)
    return target


def only(target):
    return sorted(p.name for p in target.parent.iterdir())


def assert_one_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message
    assert message.count(". ") == 0  # one sentence; the rest after semicolons


def test_full_disk_leaves_the_old_file_and_no_temporary_file(demo_plan, existing, monkeypatch):
    def full(self, stream):
        stream.write(b"PK partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.DocWriter, "save", full)
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, existing, today=TODAY)
    assert "not enough space" in str(caught.value) and "plan.docx" in str(caught.value)
    assert_one_sentence(str(caught.value))
    assert existing.read_bytes() == OLD
    assert only(existing) == ["plan.docx"]


def test_a_target_open_in_word_is_reported_and_kept(demo_plan, existing, monkeypatch):
    def locked(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, existing, today=TODAY)
    message = str(caught.value)
    assert "open in another program" in message and "plan.docx" in message
    assert_one_sentence(message)
    assert existing.read_bytes() == OLD
    assert only(existing) == ["plan.docx"]


def test_windows_sharing_violation_is_reported_as_locked(demo_plan, existing, monkeypatch):
    def locked(src, dst):
        error = OSError(errno.EINVAL, "sharing violation")
        error.winerror = 32
        raise error

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(ExportError) as caught:
        export_progress_report(demo_plan, existing, today=TODAY)
    assert "open in another program" in str(caught.value)
    assert existing.read_bytes() == OLD and only(existing) == ["plan.docx"]


def test_a_read_only_target_is_not_replaced(demo_plan, existing, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(output.os, "access",
                        lambda path, mode: False if str(path) == str(existing) else real_access(path, mode))
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, existing, today=TODAY)
    assert "read-only" in str(caught.value)
    assert_one_sentence(str(caught.value))
    assert existing.read_bytes() == OLD and only(existing) == ["plan.docx"]


def test_a_read_only_folder_is_reported(demo_plan, tmp_path, monkeypatch):
    target = tmp_path / "plan.docx"

    def refuse(path, mode="r", *args, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output, "open", refuse, raising=False)
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, target, today=TODAY)
    assert "read-only" in str(caught.value) and str(tmp_path) in str(caught.value)
    assert not target.exists() and only(target) == []


def test_a_missing_folder_is_reported(demo_plan, tmp_path):
    target = tmp_path / "gone" / "plan.docx"
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, target, today=TODAY)
    assert "no longer there" in str(caught.value)


def test_a_folder_as_target_is_refused(demo_plan, tmp_path):
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, tmp_path, today=TODAY)
    assert "is a folder" in str(caught.value)


def test_a_drive_that_stops_answering(demo_plan, existing, monkeypatch):
    def pulled(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(output.os, "fsync", pulled)
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, existing, today=TODAY)
    assert "stopped answering" in str(caught.value)
    assert existing.read_bytes() == OLD and only(existing) == ["plan.docx"]


def test_an_unexpected_failure_still_removes_the_temporary_file(demo_plan, existing, monkeypatch):
    def broken(self, stream):
        stream.write(b"half")
        raise RuntimeError("a bug")

    monkeypatch.setattr(writer.DocWriter, "save", broken)
    with pytest.raises(RuntimeError):
        export_plan(demo_plan, existing, today=TODAY)
    assert existing.read_bytes() == OLD and only(existing) == ["plan.docx"]


def test_cancelling_writes_nothing(demo_plan, existing):
    with pytest.raises(ExportCancelled):
        export_progress_report(demo_plan, existing, today=TODAY, progress=lambda d, t, m: False)
    assert existing.read_bytes() == OLD and only(existing) == ["plan.docx"]


def test_success_replaces_the_old_file(demo_plan, existing):
    written = export_plan(demo_plan, existing, today=TODAY)
    assert written == existing
    assert existing.read_bytes()[:2] == b"PK"
    assert only(existing) == ["plan.docx"]
