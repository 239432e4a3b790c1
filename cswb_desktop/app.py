"""`cswb-desktop [FILE] [--demo]`: start the desktop program."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from typing import Sequence

from . import APP_NAME, __version__


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cswb-desktop",
                                     description="Community Safety and Well-Being planning, offline.")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a plan file (.cswb) to open")
    parser.add_argument("--demo", action="store_true", help="start on the demo plan")
    parser.add_argument("--version", action="version", version=f"cswb-desktop {__version__}")
    args, _qt_args = parser.parse_known_args(argv)
    return args


def install_excepthook() -> None:
    """An unexpected error is logged and explained in a dialog; the working copy keeps the work."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .core import paths

    log_file = paths.log_dir() / "cswb-desktop.log"
    logging.basicConfig(filename=log_file, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def hook(exc_type, exc, tb):
        logging.getLogger("cswb").error("unexpected error\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance() is not None:
            QMessageBox.critical(
                None, "cswb-desktop",
                QApplication.translate(
                    "app", "Something went wrong that cswb-desktop did not expect; every edit that reached "
                    "the plan is in its working copy, which is offered back at the next start if the "
                    "program closes before you save, and the details were written to %s.") % log_file)

    sys.excepthook = hook


def load_bundled_fonts() -> None:
    """Fonts shipped in resources/fonts (syllabics among them) display even where none is installed."""
    from PySide6.QtGui import QFontDatabase

    from .core.resources import resource_path

    for font in sorted(resource_path("fonts").glob("*.[ot]tf")):
        QFontDatabase.addApplicationFont(str(font))


def report_first_show(app, window, target: str) -> None:
    """CSWB_DESKTOP_STARTUP_PROBE: once the window is on screen, write the time (seconds since the
    epoch) to stdout ("1") or to the file named, close and quit. For smoke tests and start-up timing."""
    import time

    from PySide6.QtCore import QTimer

    def check() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            return
        timer.stop()
        line = f"cswb-desktop: window shown at {time.time():.3f}: {window.windowTitle()}\n"
        if target == "1" and sys.stdout is not None:
            sys.stdout.write(line)
            sys.stdout.flush()
        elif target != "1":
            with open(target, "a", encoding="utf-8") as out:
                out.write(line)
        window.close()
        app.exit(0)

    timer = QTimer(window, interval=10)
    timer.timeout.connect(check)
    timer.start()


def open_at_start(window, file: str | None, demo: bool) -> list:
    """Unsaved work that survived a crash is offered back first, whatever the program was started
    with; if it is recovered, the file (or the demo) asked for opens in a window of its own."""
    skip = os.path.abspath(file) if file else None
    window.offer_recovery(skip=skip)
    if not file and not demo:
        return [window]
    target = window
    if window.session is not None:
        target = type(window)()
        target.show()
    if file:
        target.open_path(file)
    else:
        target.open_demo()
    if target is not window and target.session is None:
        target.close()
        return [window]
    return [window] if target is window else [window, target]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parse(argv)
    from .qt_guard import broken_build_refusal

    refusal = broken_build_refusal("cswb-desktop")
    if refusal is not None:  # a known-broken PySide6 and Python pair: say so rather than crash later
        if sys.stderr is not None:
            print(refusal, file=sys.stderr)
        else:  # a windowed start has no console: one dialog is a handful of Qt calls, safe even here
            from PySide6.QtWidgets import QApplication, QMessageBox

            _app = QApplication.instance() or QApplication([sys.argv[0]])
            QMessageBox.critical(None, "cswb-desktop", refusal)
        return 1
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .core.resources import resource_path
    from .gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]] + argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("cswb-desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)  # the .desktop file installers write: icon and grouping
    app.setWindowIcon(QIcon(str(resource_path("icons/cswb-desktop.svg"))))
    load_bundled_fonts()
    install_excepthook()
    window = MainWindow()
    window.show()
    windows = open_at_start(window, args.file, args.demo)  # noqa: F841 - keeps every window alive
    probe = os.environ.get("CSWB_DESKTOP_STARTUP_PROBE")
    if probe:
        report_first_show(app, window, probe)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
