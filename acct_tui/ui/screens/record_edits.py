"""`e` edits and `D` deletes the record under the cursor: a touch, a commitment, a milestone
or a planned visit (`services.edits`).

A mixin for the screens that show those records as rows (the Timeline, the
Visit log); the screen says which record is under the cursor
(`edit_target`). The record is read in a worker, which also checks that the
viewer may change it (someone else's record is refused with the reason). An
edit opens the form that made the record, filled in (a touch: the visit
record form); a delete says what would go and asks first. Both write in a
worker, then the app reloads and rescans; `u` undoes either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message

from acct_tui.services import edit_forms, edits
from acct_tui.ui.background import attempt
from acct_tui.ui.screens.dialogs import ConfirmScreen
from acct_tui.ui.writes import after_write


class RecordEdits:
    """Edit (`edit_record`) and delete (`delete_record`) the record `edit_target()` names."""

    @dataclass
    class EditReady(Message):
        """The record to edit, read in a worker: its form (a touch: its `FormValues`), or why not."""

        name: str
        row_id: int
        form: Any
        error: str | None

    @dataclass
    class DeleteAsked(Message):
        """What deleting the record would take away, in words, or why it may not be deleted."""

        name: str
        row_id: int
        said: str | None
        error: str | None

    #: Said when the cursor is on nothing these keys work on.
    EDIT_HINT = "Put the cursor on a touch, commitment, milestone or planned visit."

    def edit_target(self) -> tuple[str, int] | None:
        """(kind name as `edits.KINDS` has it, id) of the record under the cursor, or None."""
        raise NotImplementedError

    def _target(self) -> tuple[str, int] | None:
        target = self.edit_target()
        if target is None:
            self.notify(self.EDIT_HINT, severity="warning")
        return target

    def action_edit_record(self) -> None:
        """Correct the record under the cursor in the form that made it."""
        target = self._target()
        if target is not None:
            self._fetch_edit(*target)

    @work(thread=True, exclusive=True, group="record-edit", exit_on_error=False)
    def _fetch_edit(self, name: str, row_id: int) -> None:
        build = edits.touch_values if name == "touch" else edit_forms.FORMS[name]
        form, error = attempt(build, self.app.viewer, row_id)
        self.post_message(self.EditReady(name, row_id, form, error))

    def on_record_edits_edit_ready(self, message: EditReady) -> None:
        from acct_tui.ui.screens.form import EntryScreen
        from acct_tui.ui.screens.visit_form import VisitFormScreen

        if message.form is None:
            self.notify(message.error or "", severity="error", markup=False)
            return

        def finished(changes: list | None) -> None:
            if changes:
                fields = ", ".join(change.field.replace("_", " ") for change in changes)
                after_write(self.app, f"Saved: {fields} changed.")
            elif changes is not None:
                self.notify("Nothing changed.")

        if message.name == "touch":
            screen = VisitFormScreen(edit=(message.row_id, message.form))
        else:
            screen = EntryScreen(message.form)
        self.app.push_screen(screen, finished)

    def action_delete_record(self) -> None:
        """Delete the record under the cursor, after saying what would go (`u` brings it back)."""
        target = self._target()
        if target is not None:
            self._ask_delete(*target)

    @work(thread=True, exclusive=True, group="record-edit", exit_on_error=False)
    def _ask_delete(self, name: str, row_id: int) -> None:
        said, error = attempt(edits.describe, self.app.viewer, name, row_id)
        self.post_message(self.DeleteAsked(name, row_id, said, error))

    def on_record_edits_delete_asked(self, message: DeleteAsked) -> None:
        if message.said is None:
            self.notify(message.error or "", severity="error", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(edits.delete, message.name, message.row_id, done=f"Deleted {message.said}. u undoes it.")

        self.app.push_screen(ConfirmScreen(f"Delete {message.said}?"), answered)
