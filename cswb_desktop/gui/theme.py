"""Light and dark colours: follow the system by default, or the user's choice (View › Colours).

The chosen palette is complete and high in contrast, so text stays readable whatever the desktop
uses; meaning never rests on colour alone anywhere in the program (marks and words carry it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

SYSTEM, LIGHT, DARK = "system", "light", "dark"
CHOICES = (SYSTEM, LIGHT, DARK)

_system_style: str | None = None


def _palette(colours: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


R = QPalette.ColorRole


def dark_palette() -> QPalette:
    return _palette({
        R.Window: "#2b2b2b", R.WindowText: "#ececec", R.Base: "#1e1e1e", R.AlternateBase: "#272727",
        R.ToolTipBase: "#3a3a3a", R.ToolTipText: "#f2f2f2", R.PlaceholderText: "#a0a0a0",
        R.Text: "#ececec", R.Button: "#363636", R.ButtonText: "#ececec", R.BrightText: "#ff8a80",
        R.Light: "#505050", R.Midlight: "#424242", R.Mid: "#808080", R.Dark: "#1a1a1a",
        R.Shadow: "#000000", R.Highlight: "#2f6fae", R.HighlightedText: "#ffffff",
        R.Link: "#8ab4f8", R.LinkVisited: "#c58af9", R.Accent: "#2f6fae",
    }, {
        R.WindowText: "#8a8a8a", R.Text: "#8a8a8a", R.ButtonText: "#8a8a8a", R.Base: "#262626",
        R.Button: "#303030", R.Highlight: "#4a4a4a", R.HighlightedText: "#bdbdbd",
    })


def light_palette() -> QPalette:
    return _palette({
        R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.AlternateBase: "#f5f5f5",
        R.ToolTipBase: "#ffffdc", R.ToolTipText: "#000000", R.PlaceholderText: "#6d6d6d",
        R.Text: "#000000", R.Button: "#efefef", R.ButtonText: "#000000", R.BrightText: "#ffffff",
        R.Light: "#ffffff", R.Midlight: "#cacaca", R.Mid: "#8f8f8f", R.Dark: "#6f6f6f",
        R.Shadow: "#000000", R.Highlight: "#2f6fae", R.HighlightedText: "#ffffff",
        R.Link: "#0b57d0", R.LinkVisited: "#6f2da8", R.Accent: "#2f6fae",
    }, {
        R.WindowText: "#6f6f6f", R.Text: "#6f6f6f", R.ButtonText: "#6f6f6f", R.Base: "#efefef",
        R.Highlight: "#c8c8c8", R.HighlightedText: "#3a3a3a",
    })


class ClearEdgesStyle(QProxyStyle):
    """Fusion, with the edges of check boxes, radio buttons, fields and lists drawn in the palette's
    mid tone: Fusion derives them from the window colour, which leaves them faint on dark colours."""

    _EDGED = {
        QStyle.PrimitiveElement.PE_IndicatorCheckBox: "rect",
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck: "rect",
        QStyle.PrimitiveElement.PE_IndicatorRadioButton: "ellipse",
        QStyle.PrimitiveElement.PE_FrameLineEdit: "rect",
        QStyle.PrimitiveElement.PE_Frame: "rect",  # text boxes, lists and tables
    }

    def __init__(self):
        super().__init__("Fusion")

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        shape = self._EDGED.get(element)
        if shape is None or option is None:
            return
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        colour = option.palette.color(QPalette.ColorRole.Highlight if focused else QPalette.ColorRole.Mid)
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing, shape == "ellipse")
        painter.setPen(QPen(colour, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect.adjusted(0, 0, -1, -1)
        if shape == "ellipse":
            painter.drawEllipse(rect.adjusted(1, 1, -1, -1))
        else:
            painter.drawRect(rect)
        painter.restore()


def apply_colours(choice: str) -> None:
    """Use the system's colours, or a light or dark palette of our own (with the Fusion style,
    which draws every part of a widget from the palette)."""
    global _system_style
    app = QApplication.instance()
    if app is None:
        return
    if _system_style is None:
        _system_style = app.style().name()
    hints = QGuiApplication.styleHints()
    if choice not in (LIGHT, DARK):
        hints.unsetColorScheme()
        if app.style().name() != _system_style:
            app.setStyle(_system_style)
        app.setPalette(QPalette())  # an empty palette gives the platform's back
        return
    hints.setColorScheme(Qt.ColorScheme.Dark if choice == DARK else Qt.ColorScheme.Light)
    if not isinstance(app.style(), ClearEdgesStyle):
        app.setStyle(ClearEdgesStyle())
    app.setPalette(dark_palette() if choice == DARK else light_palette())


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
