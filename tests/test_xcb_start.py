"""The program starts on a real X display with Qt's xcb platform, not only offscreen: every
library the xcb plugin needs is there (README, set-up; .ci/run installs them), the window
comes up on the demo plan, and the program quits cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and xcb are Linux's")


def qt_folder() -> Path:
    import PySide6

    return Path(PySide6.__file__).resolve().parent / "Qt"


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd is not installed")
def test_the_xcb_platform_plugin_finds_every_library_it_needs():
    qt = qt_folder()
    libraries = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))]
    missing = set()
    for library in libraries:
        assert library.exists(), library
        done = subprocess.run(["ldd", str(library)], capture_output=True, text=True, timeout=60)
        missing |= {line.split()[0] for line in done.stdout.splitlines() if "not found" in line}
    assert not missing, (f"Qt's xcb platform cannot load without {', '.join(sorted(missing))}; "
                         f"install the packages the README lists for a bare Linux machine")


@pytest.fixture
def x_display():
    """A private Xvfb on a display number it picks itself (-displayfd: no clashes, no waiting)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb xauth); .ci/run installs it")
    read_end, write_end = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as ready:
            number = ready.readline().strip()  # written once the server accepts connections
        if not number:
            server.kill()
            pytest.fail(f"Xvfb did not start: {server.communicate(timeout=30)[1].decode(errors='replace')}")
        yield f":{number.decode()}"
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def test_the_program_starts_on_a_real_x_display_and_quits_cleanly(x_display, tmp_path):
    from cswb_desktop import cli
    from cswb_desktop.core.sample import DEMO_TITLE

    plan = tmp_path / "birch-narrows.cswb"
    assert cli.main(["demo", str(plan)]) == 0
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QT_", "WAYLAND"))}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=x_display, CSWB_DESKTOP_STARTUP_PROBE="1",
               CSWB_DESKTOP_HOME=str(tmp_path / "home"))
    started = subprocess.run([sys.executable, "-m", "cswb_desktop", str(plan)], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr[-3000:]
    shown = [line for line in started.stdout.splitlines() if line.startswith("cswb-desktop: window shown at ")]
    assert len(shown) == 1, (started.stdout, started.stderr[-3000:])
    assert DEMO_TITLE[:40] in shown[0]
    for trouble in ("Traceback", "Fatal", "could not load the Qt platform plugin", "Aborted"):
        assert trouble.lower() not in started.stderr.lower(), started.stderr[-3000:]
    # the plan was closed as it was opened: nothing left in the working folder
    working = tmp_path / "home" / "data" / "working"
    assert not working.exists() or not any(working.iterdir())
