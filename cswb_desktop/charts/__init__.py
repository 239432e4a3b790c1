"""Pictures drawn with QtGui only (no QtWidgets), shared by the screen and the exports.

`ensure_painting_application` is the one way a script, the command line or an export gets the Qt
application that fonts and painting need."""

from __future__ import annotations

import os

_APP = None  # the application made here, kept alive while the process runs


def ensure_painting_application() -> bool:
    """Make sure a QGuiApplication exists (fonts and painting need one); without a screen it is
    made on the offscreen platform. A process that will show widgets later must make its
    QApplication first, since Qt allows one application. Returns False when a plain
    QCoreApplication is already running, so nothing can be painted."""
    global _APP
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    existing = QCoreApplication.instance()
    if existing is not None:
        return isinstance(existing, QGuiApplication)
    args = ["cswb"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        args += ["-platform", "offscreen"]
    _APP = QGuiApplication(args)
    return True


def png_bytes(image, dpi: int, what: str) -> bytes:
    """A QImage as PNG bytes that say their resolution (`dpi`), so a word processor places the
    picture at its intended size; `what` names the picture if it cannot be encoded."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"{what} could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())
