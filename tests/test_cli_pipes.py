"""`cswb` when its reader goes away (`cswb info FILE | head -1`), and the sentences `cswb` itself
prints: each error is one sentence."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.core import planfile

REPO = Path(__file__).resolve().parent.parent


def one_sentence(text: str) -> bool:
    text = text.strip()
    return "\n" not in text and text.endswith(".") and re.search(r"[.!?]\s", text[:-1]) is None


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pipes")
    mine, theirs = folder / "mine.cswb", folder / "theirs.cswb"
    assert cli.main(["demo", str(mine)]) == 0
    theirs.write_bytes(mine.read_bytes())
    return mine, theirs


def run_with_closed_stdout(args: list[str], home: Path) -> subprocess.CompletedProcess:
    """Run `cswb ARGS` with a standard output whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write meets a closed pipe
    try:
        env = dict(os.environ, CSWB_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        return subprocess.run([sys.executable, "-m", "cswb_desktop.cli", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, timeout=120)
    finally:
        os.close(write_end)


def commands(mine: Path, theirs: Path, out: Path) -> list[list[str]]:
    return [
        ["info", str(mine)],
        ["info", str(mine), "--json"],
        ["check", str(mine)],
        ["check", str(mine), "--json"],
        ["new", str(out / "new.cswb"), "--community", "Lakeview"],
        ["demo", str(out / "demo.cswb")],
        ["board", str(mine), str(out / "board.svg")],
        ["export", str(mine), str(out / "plan.docx")],
        ["merge", str(mine), str(theirs), "--dry-run"],
        ["merge", str(mine), str(theirs), "-o", str(out / "merged.cswb")],
    ]


def test_a_closed_standard_output_ends_every_command_quietly(plans, tmp_path):
    mine, theirs = plans
    for args in commands(mine, theirs, tmp_path):
        result = run_with_closed_stdout(args, tmp_path / "home")
        assert result.stderr == "", (args, result.stderr)
        assert result.returncode == cli.EXIT_PIPE_CLOSED, (args, result.returncode)
    # the work itself was done; only its report had nowhere to go
    assert (tmp_path / "new.cswb").exists() and (tmp_path / "demo.cswb").exists()
    assert (tmp_path / "plan.docx").exists() and (tmp_path / "merged.cswb").exists()


@pytest.mark.parametrize("args", [["--help"], ["info", "--help"], ["--version"]])
def test_help_and_version_into_a_closed_pipe_are_quiet(args, tmp_path):
    # argparse itself ignores a failed write of its help; what matters is that nothing complains
    result = run_with_closed_stdout(args, tmp_path / "home")
    assert result.stderr == ""
    assert result.returncode in (cli.EXIT_OK, cli.EXIT_PIPE_CLOSED)


def test_an_error_still_reaches_standard_error_when_standard_output_is_closed(tmp_path):
    bad = tmp_path / "bad.cswb"
    bad.write_bytes(b"not a plan" * 100)
    result = run_with_closed_stdout(["info", str(bad)], tmp_path / "home")
    assert result.returncode == cli.EXIT_REJECTED
    assert "bad.cswb" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["new", "x.cswb"],
    ["new", "x.cswb", "--community", "A", "--type", "city"],
    ["check", "x.cswb", "--today", "yesterday"],
    ["board", "x.cswb", "b.png", "--dpi", "lots"],
    ["info", "x.cswb", "--colour"],
])
def test_usage_errors_are_one_sentence(args, capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)
    assert caught.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("cswb") and one_sentence(err), err
    assert "--help" in err


def test_an_unexpected_error_is_one_sentence(plans, monkeypatch, capsys):
    mine, _ = plans

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_info", broken)  # build_parser looks it up at each run
    assert cli.main(["info", str(mine)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "did not expect (RuntimeError)" in err and "cswb.log" in err
    assert one_sentence(err), err


class _Pending:
    display_name = "mine.cswb"


class _OpenElsewhere:
    read_only = True

    def close(self, discard=False):
        pass


@pytest.mark.parametrize("opened", [
    lambda path: (_ for _ in ()).throw(planfile.RecoveryPending(_Pending())),
    lambda path: _OpenElsewhere(),
])
def test_merge_refusals_are_one_sentence(plans, monkeypatch, capsys, opened):
    mine, theirs = plans
    monkeypatch.setattr(planfile, "open_plan", opened)
    assert cli.main(["merge", str(mine), str(theirs)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "mine.cswb" in err and "-o" in err
    assert one_sentence(err), err
