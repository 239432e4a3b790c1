"""File › Save a Copy for Sharing: a clean, compact copy for a partner, with or without the
partners' personal contact details."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.0f} bytes"


class ShareCopyDialog(QDialog):
    def __init__(self, parent: QWidget | None, estimated_size: int, partners_with_contacts: int):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save a copy for sharing"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "The copy is one compact file holding the whole plan and nothing else: no deleted records, no "
            "settings of this computer. It is safe to send by e-mail or to pass on a USB stick. When the "
            "partner sends it back with their changes, use File › Merge a Partner's Copy to bring them in."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.strip = QCheckBox(self.tr("&Leave out partners' personal contact details (contact names, e-mail "
                                       "addresses and phone numbers)"))
        self.strip.setChecked(True)
        self.strip.setAccessibleName(self.tr("Leave out contact details"))
        layout.addWidget(self.strip)
        contacts = QLabel(self.tr("%d partners have contact details in this plan.") % partners_with_contacts
                          if partners_with_contacts != 1 else self.tr("1 partner has contact details in this plan."))
        contacts.setWordWrap(True)
        layout.addWidget(contacts)
        self.size_label = QLabel(self.tr("Size of the copy: about %s.") % human_size(estimated_size))
        self.size_label.setObjectName("copySize")
        layout.addWidget(self.size_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Choose Where to Save…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
