"""`cswb export`: exit codes as the other commands, and never an overwrite without --force."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from exporthelp import Docx

from cswb_desktop import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_file(tmp_path) -> Path:
    target = tmp_path / "demo.cswb"
    assert cli.main(["demo", str(target)]) == 0
    return target


def test_export_writes_the_plan_document(demo_file, tmp_path, capsys):
    out = tmp_path / "plan.docx"
    assert cli.main(["export", str(demo_file), str(out)]) == cli.EXIT_OK
    assert "Wrote the plan document" in capsys.readouterr().out
    doc = Docx(out)
    assert doc.headings()[0] == (1, "About this plan")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.cswb", "plan.docx"]


def test_export_never_overwrites_without_force(demo_file, tmp_path, capsys):
    out = tmp_path / "plan.docx"
    out.write_bytes(b"precious")
    assert cli.main(["export", str(demo_file), str(out)]) == cli.EXIT_FAILED
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"
    assert cli.main(["export", str(demo_file), str(out), "--force"]) == cli.EXIT_OK
    assert out.read_bytes()[:2] == b"PK"


def test_export_progress_report_with_a_period(demo_file, tmp_path):
    out = tmp_path / "progress.docx"
    assert cli.main(["export", str(demo_file), str(out), "--report", "progress",
                     "--period-start", "2025-01-01", "--period-end", "2025-06-30"]) == cli.EXIT_OK
    assert "Reporting period: 1 January 2025 to 30 June 2025" in Docx(out).all_text()


def test_export_draft(demo_file, tmp_path):
    out = tmp_path / "draft.docx"
    assert cli.main(["export", str(demo_file), str(out), "--draft"]) == cli.EXIT_OK
    assert "Draft" in Docx(out).all_text().split("Contents")[0]


def test_export_with_a_template(demo_file, tmp_path):
    import docx

    template = tmp_path / "letterhead.docx"
    docx.Document().save(str(template))
    out = tmp_path / "lh.docx"
    assert cli.main(["export", str(demo_file), str(out), "--template", str(template)]) == cli.EXIT_OK


def test_an_unusable_template_is_exit_1(demo_file, tmp_path, capsys):
    template = tmp_path / "bad.docx"
    template.write_text("not word")
    out = tmp_path / "o.docx"
    assert cli.main(["export", str(demo_file), str(out), "--template", str(template)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("cswb: ") and "bad.docx" in err and "Traceback" not in err
    assert not out.exists()


def test_an_unwritable_target_is_exit_1(demo_file, tmp_path, capsys):
    out = tmp_path / "missing-folder" / "o.docx"
    assert cli.main(["export", str(demo_file), str(out)]) == cli.EXIT_FAILED
    assert "no longer there" in capsys.readouterr().err


def test_a_rejected_plan_file_is_exit_3(tmp_path, capsys):
    bad = tmp_path / "bad.cswb"
    bad.write_bytes(b"this is not a plan")
    out = tmp_path / "o.docx"
    assert cli.main(["export", str(bad), str(out)]) == cli.EXIT_REJECTED
    assert "bad.cswb" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["export"],
    ["export", "only-one-argument.cswb"],
    ["export", "a.cswb", "b.docx", "--report", "summary"],
    ["export", "a.cswb", "b.docx", "--period-end", "yesterday"],
])
def test_usage_errors_are_exit_2(args, capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    assert caught.value.code == cli.EXIT_USAGE


@pytest.mark.parametrize("extra", [
    ["--report", "progress", "--draft"],
    ["--period-start", "2025-01-01"],
])
def test_options_that_do_not_fit_the_report_are_exit_2(demo_file, tmp_path, extra, capsys):
    out = tmp_path / "o.docx"
    assert cli.main(["export", str(demo_file), str(out), *extra]) == cli.EXIT_USAGE
    assert not out.exists()


def test_the_output_must_be_a_docx(demo_file, tmp_path, capsys):
    assert cli.main(["export", str(demo_file), str(tmp_path / "plan.pdf")]) == cli.EXIT_USAGE
    assert ".docx" in capsys.readouterr().err


def test_export_runs_headless_in_its_own_process(demo_file, tmp_path):
    """As a script would run it: no screen, no platform chosen, charts and board still drawn."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                           "WAYLAND_DISPLAY")}
    env["CSWB_DESKTOP_HOME"] = str(tmp_path / "home")
    out = tmp_path / "progress.docx"
    result = subprocess.run([sys.executable, "-m", "cswb_desktop.cli", "export", str(demo_file),
                             str(out), "--report", "progress"], capture_output=True, text=True,
                            env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert any(n.startswith("word/media/") for n in Docx(out).names)


def test_exporting_loads_no_widgets(demo_file, tmp_path):
    """The export draws with QtGui only, so it runs where no widget toolkit can start."""
    code = ("import sys; from cswb_desktop import cli; "
            f"code = cli.main(['export', {str(demo_file)!r}, {str(tmp_path / 'p.docx')!r}, "
            "'--report', 'progress']); "
            f"code2 = cli.main(['export', {str(demo_file)!r}, {str(tmp_path / 'q.docx')!r}]); "
            "print(code, code2, 'PySide6.QtWidgets' in sys.modules)")
    env = dict(os.environ, CSWB_DESKTOP_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=ROOT)
    assert result.stdout.split()[-3:] == ["0", "0", "False"], result.stderr
