"""`cswb board FILE OUT.png|OUT.svg`: the picture, and every exit code."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cswb_desktop import cli

REPO = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = bytes([137, 80, 78, 71, 13, 10, 26, 10])


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("plans") / "demo.cswb"
    assert cli.main(["demo", str(target)]) == 0
    return target


def png_width(data: bytes) -> int:
    assert data[:8] == PNG_SIGNATURE
    return int.from_bytes(data[16:20], "big")  # the IHDR chunk


def test_png_at_print_resolution(demo_file, tmp_path, capsys):
    out = tmp_path / "board.png"
    assert cli.main(["board", str(demo_file), str(out)]) == cli.EXIT_OK
    assert "Wrote the target board" in capsys.readouterr().out
    assert png_width(out.read_bytes()) == 1890
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.png"]  # no temporary left


def test_png_width_and_dpi_options(demo_file, tmp_path):
    out = tmp_path / "small.PNG"
    assert cli.main(["board", str(demo_file), str(out), "--dpi", "96", "--width-cm", "10"]) == 0
    assert png_width(out.read_bytes()) == round(10 / 2.54 * 96)


def test_svg(demo_file, tmp_path):
    out = tmp_path / "board.svg"
    assert cli.main(["board", str(demo_file), str(out), "--width-cm", "12"]) == 0
    root = ET.fromstring(out.read_bytes())
    assert abs(float(root.get("width")[:-2]) - 120) < 0.5
    assert "Incident" in "".join(root.itertext())


def test_existing_output_is_kept_without_force(demo_file, tmp_path, capsys):
    out = tmp_path / "board.png"
    out.write_bytes(b"keep me")
    assert cli.main(["board", str(demo_file), str(out)]) == cli.EXIT_FAILED
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert cli.main(["board", str(demo_file), str(out), "--force", "--dpi", "72"]) == 0
    assert out.read_bytes()[:8] == PNG_SIGNATURE


def test_unwritable_output_exits_1(demo_file, tmp_path, capsys):
    out = tmp_path / "no such folder" / "board.png"
    assert cli.main(["board", str(demo_file), str(out)]) == cli.EXIT_FAILED
    assert "Could not write" in capsys.readouterr().err
    assert not out.parent.exists()


@pytest.mark.parametrize("args", [
    ["board.pdf"],
    ["board"],
    ["board.png", "--dpi", "50"],
    ["board.png", "--dpi", "99999"],
    ["board.png", "--width-cm", "0"],
    ["board.png", "--width-cm", "150", "--dpi", "2400"],
])
def test_usage_errors_exit_2_and_write_nothing(demo_file, tmp_path, capsys, args):
    out = tmp_path / args[0]
    assert cli.main(["board", str(demo_file), str(out), *args[1:]]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.startswith("cswb: ")
    assert list(tmp_path.iterdir()) == []


def test_bad_option_value_is_a_usage_error(demo_file, tmp_path):
    result = subprocess.run([sys.executable, "-m", "cswb_desktop.cli", "board", str(demo_file),
                             str(tmp_path / "b.png"), "--dpi", "lots"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == cli.EXIT_USAGE


def test_rejected_file_exits_3_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "not-a-plan.cswb"
    bad.write_bytes(b"this is not a plan file at all" * 40)
    out = tmp_path / "board.png"
    assert cli.main(["board", str(bad), str(out)]) == cli.EXIT_REJECTED
    assert capsys.readouterr().err.startswith("cswb: ")
    assert not out.exists()


def test_runs_headless_as_a_user_would(demo_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                             "WAYLAND_DISPLAY")}
    env["CSWB_DESKTOP_HOME"] = str(tmp_path / "home")
    out = tmp_path / "board.png"
    result = subprocess.run([sys.executable, "-m", "cswb_desktop.cli", "board", str(demo_file),
                             str(out), "--dpi", "100"], capture_output=True, text=True, cwd=REPO,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert png_width(out.read_bytes()) == round(16 / 2.54 * 100)
