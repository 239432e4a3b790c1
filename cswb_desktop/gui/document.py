"""One open plan as the screens see it: the session, its undo stack, and the one way to change it.

Every edit goes GUI → `PlanDocument.run(command)` → a QUndoCommand → a `core.plan` function in one
transaction → the plan's change listeners → `PlanDocument.changed`, which the pages listen to.
An action that changes several records is one `core.operations` function (`PlanDocument.operate`),
so it too is one transaction, one change and one undo step; there are no macros of commands.
A change the plan refuses (a wrong date, a partner still in use) never reaches the undo stack: the
refusal's sentence is returned to the page that asked, and also announced on `refused`.
"""

from __future__ import annotations

import logging
import weakref
from contextlib import contextmanager
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..core import operations, planfile
from ..core.plan import Change, InUse, LinkTable, Plan, PlanError, Removal, Table

log = logging.getLogger(__name__)


class PlanCommand(QUndoCommand):
    """An undoable change. Subclasses implement `apply` and `revert` with the plan API."""

    def __init__(self, text: str):
        super().__init__(text)
        self._skip_next_redo = False
        self._skip_next_undo = False
        self.document: PlanDocument | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def empty(self) -> bool:
        """True when `apply` changed nothing, so there is no step to keep."""
        return False

    def redo(self) -> None:
        if self._skip_next_redo:  # the first redo already happened, inside PlanDocument.run
            self._skip_next_redo = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        if self._skip_next_undo:  # a redo that failed: the stack steps back, the plan is as it was
            self._skip_next_undo = False
            return
        self._guarded(self.revert)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            if self.document is not None:
                with self.document.commanding():
                    step()
            else:
                step()
        except PlanError as exc:  # e.g. a record a merge removed in the meantime, or a full drive
            log.warning("undo/redo of %r could not be done: %s", self.text(), exc)
            if self.document is not None:
                self.document._step_failed = str(exc)
                self.document.refused.emit(str(exc))


class AddRecord(PlanCommand):
    def __init__(self, table: Table, values: dict[str, Any], text: str):
        super().__init__(text)
        self.table = table
        self.values = dict(values)
        self.record_id: str | None = self.values.pop("id", None)

    def apply(self) -> None:
        record = self.table.add(**({"id": self.record_id} if self.record_id else {}), **self.values)
        self.record_id = record.id

    def revert(self) -> None:
        self.table.delete(self.record_id)


class UpdateRecord(PlanCommand):
    def __init__(self, table: Table, record_id: str, changes: dict[str, Any], text: str):
        super().__init__(text)
        self.table = table
        self.record_id = record_id
        self.changes = dict(changes)
        self.before: dict[str, Any] = {}

    def apply(self) -> None:
        current = self.table.get(self.record_id)
        self.before = {name: getattr(current, name) for name in self.changes}
        self.table.update(self.record_id, **self.changes)

    def revert(self) -> None:
        self.table.update(self.record_id, **self.before)


class DeleteRecord(PlanCommand):
    def __init__(self, table: Table, record_id: str, text: str, reassign_to: str | None = None):
        super().__init__(text)
        self.table = table
        self.record_id = record_id
        self.reassign_to = reassign_to
        self.removal: Removal | None = None

    def apply(self) -> None:
        self.removal = self.table.delete(self.record_id, reassign_to=self.reassign_to)

    def revert(self) -> None:
        if self.removal is not None:
            self.table.plan.restore(self.removal)


class SetLinks(PlanCommand):
    def __init__(self, link: LinkTable, owner: str, targets: list[Any], text: str):
        super().__init__(text)
        self.link = link
        self.owner = owner
        self.targets = list(targets)
        self.before: list[Any] = []

    def apply(self) -> None:
        self.before = self.link.set(self.owner, self.targets)

    def revert(self) -> None:
        self.link.set(self.owner, self.before)


class CallCommand(PlanCommand):
    """For edits that are not a plain record change: a pair of functions, do and undo."""

    def __init__(self, text: str, do: Callable[[], Any], undo: Callable[[], Any]):
        super().__init__(text)
        self._do = do
        self._undo = undo

    def apply(self) -> None:
        self._do()

    def revert(self) -> None:
        self._undo()


class OperationCommand(PlanCommand):
    """A multi-record action done by one `core.operations` function: one transaction to do it, one
    to undo it (`operations.revert`, which stamps what it puts back as edited now)."""

    def __init__(self, text: str, plan: Callable[[], Plan], do: Callable[[], operations.Reversal]):
        super().__init__(text)
        self._plan = plan
        self._do = do
        self.reversal = operations.Reversal()

    def apply(self) -> None:
        self.reversal = self._do()

    def revert(self) -> None:
        operations.revert(self._plan(), self.reversal)

    def empty(self) -> bool:
        return not self.reversal


class PlanDocument(QObject):
    changed = Signal(object)  # core.plan.Change, after every committed edit, undo or redo
    refused = Signal(str)  # a sentence: why an edit could not be made
    modified_changed = Signal(bool)

    def __init__(self, session: planfile.PlanSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self._listening_plan: Plan | None = None
        self._command_depth = 0
        self._pending_sources: list[weakref.ref] = []
        self._step_failed: str | None = None
        self._attach()
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    @property
    def plan(self) -> Plan:
        return self.session.plan

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    @property
    def modified(self) -> bool:
        """Unsaved edits: the undo stack away from its clean point, edits recovered after a crash,
        or text typed into a field and not yet in the plan."""
        return (self.session.modified and (not self.undo_stack.isClean() or self._dirty_without_undo)) \
            or self.has_pending()

    # --- typing in progress ---------------------------------------------------------------------

    def watch_pending(self, source: QObject) -> None:
        """Count `source`'s typing in progress as a modification and commit it with the rest.

        A source has `has_pending() -> bool`, `commit_pending() -> str | None` (None when all of
        it went into the plan, else the sentence why not) and a `pending_changed` signal."""
        if any(ref() is source for ref in self._pending_sources):
            return
        self._pending_sources.append(weakref.ref(source))
        source.pending_changed.connect(self._pending_changed)

    def _sources(self) -> list:
        live = [ref() for ref in self._pending_sources]
        live = [s for s in live if s is not None and shiboken6.isValid(s)]
        self._pending_sources = [weakref.ref(s) for s in live]
        return live

    def has_pending(self) -> bool:
        if self.read_only:
            return False
        return any(source.has_pending() for source in self._sources())

    def commit_pending(self) -> str | None:
        """Write whatever is typed and not yet in the plan, in every field of every page.

        The one step before anything that saves, closes, replaces, reads out or undoes the plan
        (the main window's `commit_edits` calls it). None when everything went in; else the first
        sentence saying why a text could not (that text stays in its field, pending)."""
        if self.read_only:
            return None
        first = None
        for source in self._sources():
            if source.has_pending():
                refused = source.commit_pending()
                if refused and first is None:
                    first = refused
        return first

    def _pending_changed(self, _pending: bool = False) -> None:
        self.modified_changed.emit(self.modified)

    def _attach(self) -> None:
        """(Re)connect to the session's plan; Save As to another name reopens it."""
        if self._listening_plan is self.session.plan:
            return
        if self._listening_plan is not None:
            self._listening_plan.remove_listener(self._relay)
        self._listening_plan = self.session.plan
        self._listening_plan.add_listener(self._relay)
        self._dirty_without_undo = self.session.modified

    def _clean_changed(self, clean: bool) -> None:
        if clean and not self._dirty_without_undo:
            try:
                self.session.mark_clean()  # undone back to the saved state: nothing to recover
            except OSError as exc:  # the working folder's drive is full: only the bookkeeping waits
                log.warning("could not note the saved state in the working folder: %s", exc)
        self.modified_changed.emit(self.modified)

    def _relay(self, change: Change) -> None:
        if self._command_depth == 0:  # changed by something other than an undoable command
            self._dirty_without_undo = True
        self.changed.emit(change)
        self.modified_changed.emit(self.modified)

    def detach(self) -> None:
        if self._listening_plan is not None:
            self._listening_plan.remove_listener(self._relay)
            self._listening_plan = None

    # --- the one way to change the plan ---------------------------------------------------------

    def run(self, command: PlanCommand) -> str | None:
        """Do `command` and put it on the undo stack. Returns None on success, else the sentence
        saying why the plan refused it (nothing is pushed then)."""
        if self.read_only:
            message = self.tr("This plan is open read-only, so it cannot be changed here.")
            self.refused.emit(message)
            return message
        command.document = self
        try:
            with self.commanding():
                command.apply()
        except InUse:
            raise  # the caller offers a choice (reassign) and tries again
        except PlanError as exc:
            self.refused.emit(str(exc))
            return str(exc)
        if command.empty():
            return None  # nothing changed: no empty step on the undo stack
        command._skip_next_redo = True
        self.undo_stack.push(command)
        return None

    def add(self, table: Table, text: str, **values: Any) -> str | None:
        """Add a record; returns its id, or None if the plan refused (the reason is on `refused`)."""
        command = AddRecord(table, values, text)
        return command.record_id if self.run(command) is None else None

    def update(self, table: Table, record_id: str, text: str, **changes: Any) -> str | None:
        current = table.find(record_id)
        if current is not None and all(getattr(current, k) == v for k, v in changes.items()):
            return None  # nothing changes: no empty step on the undo stack
        return self.run(UpdateRecord(table, record_id, changes, text))

    def delete(self, table: Table, record_id: str, text: str, reassign_to: str | None = None) -> str | None:
        """Delete; raises core.plan.InUse (with `.usages`) when others still point at the record."""
        return self.run(DeleteRecord(table, record_id, text, reassign_to))

    def set_links(self, link: LinkTable, owner: str, targets: list[Any], text: str) -> str | None:
        if set(targets) == set(link.targets(owner)):
            return None
        return self.run(SetLinks(link, owner, targets, text))

    def call(self, text: str, do: Callable[[], Any], undo: Callable[[], Any]) -> str | None:
        return self.run(CallCommand(text, do, undo))

    def operate(self, text: str, do: Callable[[], operations.Reversal]) -> str | None:
        """Do a `core.operations` function (`do` returns its Reversal) as one undo step."""
        return self.run(OperationCommand(text, lambda: self.plan, do))

    @contextmanager
    def commanding(self):
        self._command_depth += 1
        try:
            yield
        finally:
            self._command_depth -= 1

    def undo(self) -> str | None:
        """Undo one step; None when done, else the sentence why not. A step the plan did not take
        back (a full drive) stays where it was on the stack, so stack and plan keep agreeing."""
        return self._step(undo=True)

    def redo(self) -> str | None:
        return self._step(undo=False)

    def _step(self, *, undo: bool) -> str | None:
        stack = self.undo_stack
        if not (stack.canUndo() if undo else stack.canRedo()):
            return None
        self._step_failed = None
        if undo:
            stack.undo()
            command = stack.command(stack.index())
        else:
            stack.redo()
            command = stack.command(stack.index() - 1)
        failed, self._step_failed = self._step_failed, None
        if failed and isinstance(command, PlanCommand):  # one command: put the stack back
            if undo:
                command._skip_next_redo = True
                stack.redo()
            else:
                command._skip_next_undo = True
                stack.undo()
        return failed

    def mark_saved(self) -> None:
        self._attach()
        self._dirty_without_undo = False
        self.undo_stack.setClean()
        self.modified_changed.emit(self.modified)

