"""The main window: one open plan at a time, the File menu, prompts that keep work safe."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
    QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget,
)

from .. import APP_NAME, __version__
from ..core import framework, paths, planfile
from ..core.plan import PlanError
from . import theme
from .document import PlanDocument
from .export_actions import ExportActions, ExportOptionsDialog, ask_open_folder
from .merge_dialog import HistoryDialog, MergeCommand, MergeReviewDialog, RestoreVersionCommand
from .start_page import StartPage
from .plan_view import PlanView
from .sharing import ShareCopyDialog, human_size
from .widgets import focus_returns

FILE_FILTER = "CSWB plans (*.cswb)"
MAX_RECENT = 10


def _returns_focus(method):
    """A question asked in a modal dialog: afterwards the window is active again and the focus back
    on the widget that had it, with or without a window manager to do that."""
    @functools.wraps(method)
    def asking(self, *args, **kwargs):
        with focus_returns(self, self._focus_fallback):
            return method(self, *args, **kwargs)
    return asking


def settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


class NewPlanDialog(QDialog):
    """Asks the few things a new plan needs before anything else: whose plan it is."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New plan"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Whose plan is this? You can change all of this later in the plan profile."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.community = QLineEdit()
        self.community.setAccessibleName(self.tr("Community name"))
        self.kind = QComboBox()
        for code, label in framework.COMMUNITY_TYPES.items():
            self.kind.addItem(self.tr(label), code)
        self.kind.setAccessibleName(self.tr("Type of community"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("Made from the community's name if left empty"))
        self.title.setAccessibleName(self.tr("Plan title"))
        self.language = QComboBox()
        for code, label in framework.LANGUAGES.items():
            self.language.addItem(label, code)
        self.language.setAccessibleName(self.tr("Language of the plan document"))
        form.addRow(self.tr("&Community:"), self.community)
        form.addRow(self.tr("&Type:"), self.kind)
        form.addRow(self.tr("Plan &title:"), self.title)
        form.addRow(self.tr("&Language:"), self.language)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("validationMessage")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create plan"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.community.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        ok = bool(self.community.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.problem.setText("" if ok else self.tr("Type the community's name to create the plan."))

    def values(self) -> dict:
        return {
            "community": self.community.text().strip(),
            "community_type": self.kind.currentData(),
            "title": self.title.text().strip(),
            "language": self.language.currentData(),
        }


class MainWindow(QMainWindow):
    """Holds one PlanSession. Every path that could lose work asks first."""

    session_changed = Signal()

    def __init__(self):
        super().__init__()
        self.session: planfile.PlanSession | None = None
        self.doc: PlanDocument | None = None
        self.view: PlanView | None = None
        self.setAcceptDrops(True)
        self._fit_to_screen()

        self.pages = QStackedWidget()
        self.start_page = StartPage()
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setStyleSheet("QLabel#readOnlyBanner { padding: 8px; border: 1px solid palette(mid); }")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.pages.addWidget(self.start_page)
        self.setCentralWidget(central)

        self.start_page.new_requested.connect(self.new_plan)
        self.start_page.open_requested.connect(self.open_dialog)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_requested.connect(self.open_path)

        self._build_actions()
        self._build_menus()
        self._apply_saved_colours()
        self.file_label = QLabel()
        self.state_label = QLabel()
        self.statusBar().addWidget(self.file_label, 1)
        self.statusBar().addPermanentWidget(self.state_label)
        self._refresh()

    # --- actions and menus ----------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.new_action = self._action(self.tr("&New Plan…"), self.new_plan, K.New)
        self.open_action = self._action(self.tr("&Open…"), self.open_dialog, K.Open)
        self.save_action = self._action(self.tr("&Save"), self.save, K.Save)
        self.save_as_action = self._action(self.tr("Save &As…"), self.save_as, K.SaveAs)
        if self.save_as_action.shortcut().isEmpty():
            self.save_as_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_copy_action = self._action(self.tr("Save a Copy for S&haring…"), self.save_copy)
        self.close_action = self._action(self.tr("&Close Plan"), self.close_plan, K.Close)
        if self.close_action.shortcut().isEmpty():
            self.close_action.setShortcut(QKeySequence("Ctrl+W"))
        self.quit_action = self._action(self.tr("&Quit"), self.close, K.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.demo_action = self._action(self.tr("Open the &Demo Plan"), self.open_demo)
        self.undo_action = QAction(self.tr("&Undo"), self)
        self.undo_action.setShortcut(K.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction(self.tr("&Redo"), self)
        self.redo_action.setShortcut(K.Redo)
        self.redo_action.triggered.connect(self.redo)
        self.guidance_action = QAction(self.tr("&Guidance Panel"), self)
        self.guidance_action.setCheckable(True)
        self.guidance_action.setChecked(True)
        self.guidance_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.guidance_action.toggled.connect(self._toggle_guidance)
        self.navigator_action = QAction(self.tr("&Step List"), self)
        self.navigator_action.setCheckable(True)
        self.navigator_action.setChecked(True)
        self.navigator_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.navigator_action.toggled.connect(lambda on: self.view and self.view.navigator.setVisible(on))
        self.next_step_action = self._action(self.tr("&Next Step"), lambda: self.view and self.view.next_step(1),
                                             QKeySequence("Ctrl+PgDown"))
        self.previous_step_action = self._action(self.tr("&Previous Step"),
                                                 lambda: self.view and self.view.next_step(-1),
                                                 QKeySequence("Ctrl+PgUp"))
        self.go_to_steps_action = self._action(self.tr("Go to the Step &List"), self._focus_navigator,
                                               QKeySequence("Ctrl+L"))
        self.colour_group = QActionGroup(self)
        self.colour_actions: dict[str, QAction] = {}
        for choice, text in ((theme.SYSTEM, self.tr("Follow the &System")), (theme.LIGHT, self.tr("&Light")),
                             (theme.DARK, self.tr("&Dark"))):
            action = QAction(text, self.colour_group)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, c=choice: self.set_colours(c))
            self.colour_actions[choice] = action
        self.guide_action = self._action(self.tr("&Guide"), self.show_guide, K.HelpContents)
        self.about_action = self._action(self.tr("&About cswb-desktop"), self.about)
        self.exports = ExportActions(self)
        self.merge_action = self._action(self.tr("&Merge a Partner's Copy…"), self.merge_copy,
                                         QKeySequence("Ctrl+Shift+M"))
        self.history_action = self._action(self.tr("Record &History…"), self.show_history, QKeySequence("Ctrl+H"))
        self.export_plan_action = self._action(self.tr("&Plan as Word…"), lambda: self.export("plan"),
                                               QKeySequence("Ctrl+E"))
        self.export_report_action = self._action(self.tr("Progress &Report as Word…"),
                                                 lambda: self.export("progress"))
        self.export_board_action = self._action(self.tr("Target &Board as Image…"), lambda: self.export("board"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.save_copy_action)
        file_menu.addAction(self.merge_action)
        file_menu.addSeparator()
        self.export_menu = file_menu.addMenu(self.tr("&Export"))
        self.export_menu.addAction(self.export_plan_action)
        self.export_menu.addAction(self.export_report_action)
        self.export_menu.addAction(self.export_board_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.history_action)
        self.edit_menu = edit_menu
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.navigator_action)
        view_menu.addAction(self.guidance_action)
        view_menu.addSeparator()
        view_menu.addAction(self.go_to_steps_action)
        view_menu.addAction(self.next_step_action)
        view_menu.addAction(self.previous_step_action)
        view_menu.addSeparator()
        self.colours_menu = view_menu.addMenu(self.tr("&Colours"))
        for action in self.colour_actions.values():
            self.colours_menu.addAction(action)
        self.view_menu = view_menu
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)
        self.help_menu = help_menu

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear the List"), self._clear_recent)
        else:
            empty = self.recent_menu.addAction(self.tr("No recent plans"))
            empty.setEnabled(False)

    # --- colours --------------------------------------------------------------------------------

    def _apply_saved_colours(self) -> None:
        choice = str(settings().value("colours", theme.SYSTEM))
        choice = choice if choice in theme.CHOICES else theme.SYSTEM
        self.colour_actions[choice].setChecked(True)
        if choice != theme.SYSTEM:
            theme.apply_colours(choice)

    def set_colours(self, choice: str) -> None:
        """Follow the system's light or dark colours, or always use light or dark ones."""
        self.colour_actions[choice].setChecked(True)
        theme.apply_colours(choice)
        s = settings()
        s.setValue("colours", choice)
        s.sync()

    # --- recent files ---------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = settings().value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        s = settings()
        s.setValue("recent_files", recent[:MAX_RECENT])
        s.sync()
        self.start_page.set_recent(recent[:MAX_RECENT])

    def _forget(self, path: Path) -> None:
        recent = [p for p in self.recent_files() if p != str(path)]
        s = settings()
        s.setValue("recent_files", recent)
        s.sync()
        self.start_page.set_recent(recent)

    def _clear_recent(self) -> None:
        s = settings()
        s.setValue("recent_files", [])
        s.sync()
        self.start_page.set_recent([])

    # --- questions to the user (tests replace these) --------------------------------------------

    @_returns_focus
    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a plan"), self._last_folder(), self.tr(FILE_FILTER))
        return path

    @_returns_focus
    def ask_save_path(self, title: str, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, os.path.join(self._last_folder(), suggested),
                                              self.tr(FILE_FILTER))
        if path and not path.lower().endswith(planfile.PLAN_SUFFIX):
            path += planfile.PLAN_SUFFIX
        return path

    @_returns_focus
    def ask_new_plan(self) -> dict | None:
        dialog = NewPlanDialog(self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @_returns_focus
    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Unsaved changes"))
        box.setText(self.tr("Save the changes to %s before closing it?") % self.session.display_name)
        box.setInformativeText(self.tr("If you don't save, your changes since the last save will be set aside "
                                       "among the backups rather than in the plan file."))
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel")

    @_returns_focus
    def ask_recover(self, item: planfile.Recoverable) -> str:
        """'recover', 'discard' or 'later'."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Recover unsaved changes"))
        box.setText(self.tr("Recover unsaved changes to %s?") % item.display_name)
        box.setInformativeText(self.tr("cswb-desktop closed before these changes were saved (last change: %s). "
                                       "Recover them to keep working, or discard them; a discarded copy is "
                                       "still kept among the backups.") % item.changed_at.replace("T", " "))
        recover = box.addButton(self.tr("&Recover"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Decide &Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(recover)
        box.exec()
        clicked = box.clickedButton()
        return "recover" if clicked is recover else "discard" if clicked is discard else "later"

    @_returns_focus
    def ask_share_options(self) -> bool | None:
        """Whether to leave out contact details (None: cancelled)."""
        plan = self.session.plan
        with_contacts = sum(1 for p in plan.partners.list() if p.contact_name or p.email or p.phone)
        dialog = ShareCopyDialog(self, planfile.compact_size(plan.conn), with_contacts)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.strip.isChecked()

    @_returns_focus
    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    @_returns_focus
    def ask_export_options(self, report: str, adopted: bool) -> dict | None:
        dialog = ExportOptionsDialog(self, report, adopted)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @_returns_focus
    def ask_export_path(self, suggested: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), os.path.join(self._last_folder(), suggested),
                                              self.tr(file_filter))
        return path

    @_returns_focus
    def offer_folder(self, path: Path, notes: list[str] | None = None) -> None:
        ask_open_folder(self, path, notes)

    @_returns_focus
    def ask_merge_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Merge a partner's copy"), self._last_folder(),
                                              self.tr(FILE_FILTER))
        return path

    @_returns_focus
    def ask_merge_review(self, preview):
        """The reviewed preview to apply, or None if the user cancelled."""
        dialog = MergeReviewDialog(preview, self)
        return dialog.preview if dialog.exec() == QDialog.DialogCode.Accepted else None

    @_returns_focus
    def ask_history_restore(self, plan, record_id: str, label: str) -> str | None:
        dialog = HistoryDialog(plan, record_id, label, self)
        return dialog.chosen_id() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @_returns_focus
    def show_info(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def _last_folder(self) -> str:
        if self.session and self.session.path:
            return str(self.session.path.parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # --- opening and creating -------------------------------------------------------------------

    def new_plan(self) -> None:
        if not self.maybe_close():
            return
        values = self.ask_new_plan()
        if not values:
            return
        self._set_session(planfile.new_plan(**values))

    def open_demo(self) -> None:
        from ..core import sample

        if not self.maybe_close():
            return
        self._set_session(planfile.new_plan(community=sample.DEMO_COMMUNITY, community_type="joint",
                                            title=sample.DEMO_TITLE, fill=sample.build_demo))
        self.statusBar().showMessage(self.tr("The demo plan is not saved anywhere until you use Save As."), 8000)

    def open_dialog(self) -> None:
        if not self.maybe_close():
            return
        path = self.ask_open_path()
        if path:
            self.open_path(path, already_asked=True)

    def open_path(self, path: str, already_asked: bool = False) -> bool:
        path = os.path.abspath(path)
        if self.session and self.session.path and os.path.normcase(str(self.session.path)) == os.path.normcase(path):
            self.raise_()
            return True
        if not already_asked and not self.maybe_close():
            return False
        try:
            session = planfile.open_plan(path)
        except planfile.RecoveryPending as pending:
            answer = self.ask_recover(pending.recoverable)
            if answer == "later":
                return False
            if answer == "discard":
                planfile.discard(pending.recoverable)
                return self.open_path(path, already_asked=True)
            try:
                session = planfile.recover(pending.recoverable)
            except planfile.FileRejected as exc:
                self.show_error(self.tr("Cannot recover the plan"), str(exc))
                return False
        except planfile.FileRejected as exc:
            if exc.reason == "missing":
                self._forget(Path(path))
            self.show_error(self.tr("Cannot open the plan"), str(exc))
            return False
        self._set_session(session)
        if not session.read_only:
            self._remember(Path(path))
        return True

    def offer_recovery(self, skip: str | None = None) -> None:
        """At start: offer back plans whose unsaved edits survived a crash (except those of `skip`,
        the file about to be opened, which opening it asks about)."""
        for item in planfile.find_recoverable():
            if self.session is not None:
                break
            if skip and item.source and os.path.normcase(str(item.source)) == os.path.normcase(skip):
                continue
            answer = self.ask_recover(item)
            if answer == "recover":
                try:
                    self._set_session(planfile.recover(item))
                except planfile.FileRejected as exc:
                    self.show_error(self.tr("Cannot recover the plan"), str(exc))
            elif answer == "discard":
                planfile.discard(item)

    def _set_session(self, session: planfile.PlanSession | None) -> None:
        if self.view is not None:
            self.pages.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        if self.doc is not None:
            self.doc.detach()
            self.doc.deleteLater()
            self.doc = None
        self.session = session
        if session is not None:
            self.doc = PlanDocument(session, self)
            self.doc.changed.connect(lambda _change: self._refresh())
            self.doc.modified_changed.connect(lambda _m: self._refresh())
            self.doc.refused.connect(lambda text: self.statusBar().showMessage(text, 10000))
            self.view = PlanView(self.doc)
            self.view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self.view.set_guidance_visible(self.guidance_action.isChecked())
            self.view.navigator.setVisible(self.navigator_action.isChecked())
            self.pages.addWidget(self.view)
            stack = self.doc.undo_stack
            # bound methods, not lambdas: Qt drops these connections when the window goes away,
            # before the stack (one of its children) announces its own end
            stack.canUndoChanged.connect(self._undo_stack_changed)
            stack.canRedoChanged.connect(self._undo_stack_changed)
            stack.undoTextChanged.connect(self._undo_stack_changed)
            stack.redoTextChanged.connect(self._undo_stack_changed)
        self._refresh()
        if self.view is not None and self.isVisible():
            # the widget that had the keyboard went with the start page or the previous plan
            self.activateWindow()
            self.view.navigator.setFocus(Qt.FocusReason.OtherFocusReason)
        self.session_changed.emit()

    def _undo_stack_changed(self, _value=None) -> None:
        self._refresh_undo()

    def _refresh_undo(self) -> None:
        stack = self.doc.undo_stack if self.doc else None
        pending = bool(self.doc and self.doc.has_pending())  # Undo then takes back what is typed
        can_undo = bool(stack and (stack.canUndo() or pending))
        can_redo = bool(stack and stack.canRedo())
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)
        self.undo_action.setText(self.tr("&Undo %s") % stack.undoText()
                                 if can_undo and not pending else self.tr("&Undo"))
        self.redo_action.setText(self.tr("&Redo %s") % stack.redoText() if can_redo else self.tr("&Redo"))

    def _toggle_guidance(self, on: bool) -> None:
        if self.view is not None:
            self.view.set_guidance_visible(on)

    def _focus_navigator(self) -> None:
        if self.view is not None:
            self.view.navigator.setVisible(True)
            self.navigator_action.setChecked(True)
            self.view.navigator.setFocus()

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1200, 800
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.92))
        self.resize(width, height)

    # --- typing in progress ---------------------------------------------------------------------

    def commit_edits(self) -> str | None:
        """Put into the plan what is typed and not yet in it: the field being edited (not left yet)
        and any text the plan could not take before. Every action that saves, closes, replaces,
        reads out (exports, shares), merges into or undoes the plan calls this first, and so must
        any new one. None when everything is in the plan; else the sentence saying what could not
        go in (its text stays in its field, pending, and the window counts it as unsaved)."""
        if self.doc is None:
            return None
        refused = self.doc.commit_pending()
        if refused:
            self.statusBar().showMessage(refused, 10000)
        self._refresh()
        return refused

    def _edits_committed(self, title: str, not_done: str) -> bool:
        """commit_edits(), and if something typed could not go in, say so (`not_done` % where)."""
        refused = self.commit_edits()
        if refused:
            self.show_error(title, not_done % refused)
            return False
        return True

    def undo(self) -> None:
        if self.doc is None:
            return
        refused = self.commit_edits()  # typed and not yet in: it becomes the step that is undone
        if refused:
            self.statusBar().showMessage(self.tr("Not undone, because of what is typed in %s") % refused, 10000)
            return
        refused = self.doc.undo()
        if refused:
            self.statusBar().showMessage(refused, 10000)

    def redo(self) -> None:
        if self.doc is None:
            return
        refused = self.commit_edits()
        if refused:
            self.statusBar().showMessage(self.tr("Not redone, because of what is typed in %s") % refused, 10000)
            return
        refused = self.doc.redo()
        if refused:
            self.statusBar().showMessage(refused, 10000)

    def export(self, what: str):
        """File › Export (ExportActions commits what is typed first, as every reader of the plan must)."""
        return self.exports.export_board() if what == "board" else self.exports.export_word(what)

    # --- saving ---------------------------------------------------------------------------------

    def _save_allowed(self) -> bool:
        return self._edits_committed(self.tr("Could not save"),
                                     self.tr("Not saved, because of what is typed in %s"))

    def save(self) -> bool:
        if self.session is None:
            return False
        if not self._save_allowed():
            return False
        if self.session.read_only:
            return self.save_copy()
        if self.session.path is None:
            return self.save_as()
        return self._write(lambda: self.session.save())

    def save_as(self) -> bool:
        if self.session is None:
            return False
        if not self._save_allowed():
            return False
        if self.session.read_only:
            return self.save_copy()
        suggested = self.session.path.name if self.session.path else paths.file_name_for(self.session.plan.profile().title, planfile.PLAN_SUFFIX)
        path = self.ask_save_path(self.tr("Save plan as"), suggested)
        if not path:
            return False
        return self._write(lambda: self.session.save_as(Path(path)))

    def save_copy(self) -> bool:
        if self.session is None:
            return False
        if not self._save_allowed():
            return False
        strip = self.ask_share_options()
        if strip is None:
            return False
        suggested = paths.file_name_for(self.session.plan.profile().title + " (copy)", planfile.PLAN_SUFFIX)
        path = self.ask_save_path(self.tr("Save a copy for sharing"), suggested)
        if not path:
            return False
        if not self._write(lambda: self.session.save_copy(Path(path), without_contact_details=strip),
                           remember=False):
            return False
        size = Path(path).stat().st_size
        self.show_info(self.tr("Copy saved"), self.tr(
            "Saved a copy to %s (%s). It is a single, compact file that is safe to send by e-mail or on a "
            "USB stick.") % (path, human_size(size)))
        return True

    def _write(self, operation, remember: bool = True) -> bool:
        self.statusBar().showMessage(self.tr("Saving…"))
        try:
            target = operation()
        except planfile.SaveError as exc:
            self.statusBar().clearMessage()
            self.show_error(self.tr("Could not save"), str(exc))
            return False
        except OSError as exc:  # on this computer's own drive, before the file was touched
            self.statusBar().clearMessage()
            self.show_error(self.tr("Could not save"), self.tr(
                "The plan was not saved because cswb-desktop's own folder %s could not be written (%s): "
                "free some space there and save again.") % (paths.data_dir(), getattr(exc, "strerror", None) or exc))
            return False
        self.statusBar().showMessage(self.tr("Saved"), 4000)
        if remember and self.doc is not None:
            self.doc.mark_saved()
        if remember and target:
            self._remember(Path(target))
        self._refresh()
        return True

    # --- closing --------------------------------------------------------------------------------

    def maybe_close(self) -> bool:
        """Close the current plan, asking about unsaved changes; False if the user cancelled."""
        if self.session is None:
            return True
        if self.session.closed:
            self._set_session(None)
            return True
        self.commit_edits()  # what is typed and not yet in the plan goes in, or makes the question come
        if self.is_modified() and not self.session.read_only:
            answer = self.ask_unsaved()
            if answer == "cancel":
                return False
            if answer == "save" and not self.save():
                return False
            discard = answer == "discard"
        else:
            discard = False
        session = self.session
        if not discard and not self.is_modified():
            try:
                session.mark_clean()
            except OSError:  # the working folder's drive is full: its note waits, nothing is lost
                pass
        self._set_session(None)
        session.close(discard=discard)
        return True

    def _focus_fallback(self) -> QWidget:
        """Where the keyboard goes when the widget that had it is gone: the step list, or the start page."""
        if self.view is not None and self.view.navigator.isVisible():
            return self.view.navigator
        return self.view if self.view is not None else self.start_page

    def is_modified(self) -> bool:
        return self.doc.modified if self.doc is not None else False

    def close_plan(self) -> None:
        self.maybe_close()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.maybe_close():
            event.accept()
        else:
            event.ignore()

    # --- drag and drop --------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if _dropped_plan(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = _dropped_plan(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_path(path)

    # --- showing state --------------------------------------------------------------------------

    def _refresh(self) -> None:
        s = self.session
        has = s is not None
        for action in (self.save_action, self.save_as_action, self.save_copy_action, self.close_action,
                       self.export_plan_action, self.export_report_action, self.export_board_action,
                       self.merge_action, self.history_action):
            action.setEnabled(has)
        self._refresh_undo()
        if not has:
            self.pages.setCurrentWidget(self.start_page)
            self.start_page.set_recent(self.recent_files())
            self.banner.setVisible(False)
            self.setWindowTitle(APP_NAME)
            self.setWindowModified(False)
            self.file_label.setText(self.tr("No plan open"))
            self.state_label.setText("")
            return
        try:
            title = s.plan.profile().title or self.tr("Untitled plan")
        except PlanError:
            title = self.tr("Untitled plan")
        self.pages.setCurrentWidget(self.view)
        modified = self.is_modified()
        self.setWindowTitle(f"{title} — {s.display_name}[*] — {APP_NAME}")
        self.setWindowModified(modified)
        self.save_action.setEnabled(not s.read_only)
        self.save_as_action.setEnabled(not s.read_only)
        self.banner.setVisible(s.read_only)
        self.banner.setText(self.tr("Read-only: %s") % s.read_only_reason)
        self.file_label.setText(str(s.path) if s.path else self.tr("Not saved yet"))
        if s.read_only:
            self.state_label.setText(self.tr("Read-only"))
        elif modified:
            self.state_label.setText(self.tr("Unsaved changes"))
        else:
            self.state_label.setText(self.tr("All changes saved") if s.path else self.tr("Not saved yet"))

    # --- merging and history ---------------------------------------------------------------------

    def merge_copy(self) -> bool:
        from ..core import merge

        if self.doc is None or self.doc.read_only:
            return False
        if not self._edits_committed(self.tr("Cannot merge that file"),
                                     self.tr("Not merged, because of what is typed in %s")):
            return False
        path = self.ask_merge_path()
        if not path:
            return False
        plan = self.doc.plan
        try:
            copy = merge.read_copy(path)
            preview = merge.preview(plan, copy, name=Path(path).name)
        except planfile.FileRejected as exc:
            self.show_error(self.tr("Cannot merge that file"), str(exc))
            return False
        except merge.MergeError as exc:
            self.show_error(self.tr("Cannot merge that file"), str(exc))
            return False
        if preview.nothing_new:
            self.show_info(self.tr("Nothing to merge"), preview.headline())
            return False
        reviewed = self.ask_merge_review(preview)
        if reviewed is None:
            return False
        self.session.backup_now("before-merge")
        refused = self.doc.run(MergeCommand(plan, copy, reviewed, self.tr("Merge %s") % Path(path).name))
        if refused:
            self.show_error(self.tr("Could not merge"), refused)
            return False
        self.statusBar().showMessage(reviewed.headline(), 10000)
        return True

    def show_history(self) -> None:
        if self.doc is None or self.view is None:
            return
        if self.commit_edits():  # its sentence is in the status bar; the text stays in its field
            return
        page = self.view.pages.get(self.view.current_step())
        ref = page.current_record_ref() if page is not None and hasattr(page, "current_record_ref") else None
        if not ref:
            self.show_info(self.tr("Record history"), self.tr("Select a record first (a partner, a risk, a "
                                                              "strategy…) to see its earlier versions."))
            return
        table, record_id, label = ref
        chosen = self.ask_history_restore(self.doc.plan, record_id, label)
        if chosen:
            refused = self.doc.run(RestoreVersionCommand(self.doc.plan, chosen, self.tr("Restore Earlier Version")))
            if refused:
                self.show_error(self.tr("Could not restore"), refused)

    @_returns_focus
    def show_guide(self) -> None:
        from .guide import GuideDialog

        GuideDialog(self).exec()

    @_returns_focus
    def about(self) -> None:
        QMessageBox.about(self, self.tr("About cswb-desktop"), self.tr(
            "<h3>cswb-desktop %s</h3>"
            "<p>Community Safety and Well-Being planning for Ontario communities, on your own computer, "
            "with or without the internet.</p>"
            "<p>Settings: %s<br>Working copies and backups: %s</p>")
            % (__version__, paths.config_dir(), paths.data_dir()))


def _dropped_plan(mime) -> str | None:
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(planfile.PLAN_SUFFIX):
            return url.toLocalFile()
    return None


