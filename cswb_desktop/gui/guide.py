"""Help › Guide: the guidance of every step in one readable, searchable window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from ..core import framework
from .guidance import guidance_html


class GuideDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Guide to CSWB planning"))
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setAccessibleName(self.tr("Guide"))
        intro = self.tr("The toolkit has no fixed order and planning usually takes one to two years. "
                        "The steps below follow the order most communities find natural.")
        parts = [f"<h1>{self.tr('Planning step by step')}</h1>", f"<p>{intro}</p>"]
        for number, step in enumerate(framework.STEPS, start=1):
            tool = f" <small>({step.tool})</small>" if step.tool else ""
            parts.append(f"<h2>{number}. {self.tr(step.title)}{tool}</h2>")
            parts.append(guidance_html(step.code))
        parts.append(f"<h2>{self.tr('The four areas of the framework')}</h2>")
        for area in framework.AREAS:
            parts.append(f"<p><b>{self.tr(area.name_en)}</b> ({area.name_fr}): {self.tr(area.summary_en)}</p>")
        self.text.setHtml("".join(parts))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
