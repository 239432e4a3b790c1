"""The guard against PySide6's reference leaks on Python 3.11: a long session of void calls and
signal emissions must not wear None, True or False down to nothing."""

import subprocess
import sys
import textwrap


def test_a_long_session_of_calls_and_signals_survives():
    # In a fresh process, so that this test proves the guard rather than what other tests left.
    code = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from cswb_desktop.qt_guard import keep_none_alive
        keep_none_alive()
        keep_none_alive()  # idempotent

        class Doc(QObject):
            changed = Signal(bool)

        doc, widget = Doc(), QObject()
        doc.changed.connect(lambda flag: None)
        for i in range(20000):
            widget.setObjectName("x")
            doc.changed.emit(i % 2 == 0)
        print("survived")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
