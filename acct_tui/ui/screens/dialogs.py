"""Small modals the timeline and visit log share: confirm, a record's full view, a short entry form.

`EntryScreen` is the one form for the quick actions (plan a visit, add a
commitment or a milestone, record a contact leaving): a few labelled fields,
date fields that show the date they understood, and a `submit` callable that
runs in a thread worker and raises `DraftInvalid` to mark fields inline.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from acct_tui.db import database
from acct_tui.errors import AcctError
from acct_tui.services.account_card import RecordDetail
from acct_tui.services.entry_forms import EntryField, EntryForm, understand_date
from acct_tui.services.visits import DraftInvalid
from acct_tui.ui.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: `y`/enter is yes, `n`/escape is no."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(self.question, "\n\n", ("y", "bold"), " yes   ", ("n", "bold"), " no"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RecordScreen(ModalScreen[None]):
    """The full record behind a timeline line or a visit record, with its audit history."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="record.close")]

    def __init__(self, detail: RecordDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in self.detail.fields:
            table.add_row(label, plain(value) if isinstance(value, str) and value else value or Text("-", style="dim"))
        with VerticalScroll() as scroll:
            scroll.border_title = plain(self.detail.title)
            scroll.border_subtitle = "escape closes"
            yield Static(table, id="record-fields")
            if self.detail.history:
                yield Static(Text("\nHistory\n", style="bold") + Text("\n".join(self.detail.history), style="dim"), id="record-history")

    def action_close(self) -> None:
        self.dismiss(None)


class EntryScreen(ModalScreen[bool]):
    """A short form (`services.entry_forms.EntryForm`); its `save(values)` runs in a thread
    worker and saves or raises `DraftInvalid` / `AcctError`.

    Dismisses with True once saved, False when cancelled. Date fields accept
    every human date (`fri`, `in 2w`, `20/11`) and show what they understood.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="entry.save"),
        Binding("escape", "cancel", "Cancel", id="entry.cancel"),
    ]

    def __init__(self, form: EntryForm) -> None:
        super().__init__()
        self.form = form
        self.title_text = form.title
        self.fields = form.fields
        self.submit = form.submit

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = plain(self.title_text)  # it may name an account: never markup
            for field in self.fields:
                with Horizontal(classes="entry-row"):
                    yield Label(field.label, classes="entry-label")
                    if field.kind == "select":
                        yield Select(field.options, value=field.value or field.options[0][1], allow_blank=False, id=f"entry-{field.key}", compact=True)
                    else:
                        yield Input(field.value, placeholder=field.placeholder, id=f"entry-{field.key}", compact=True)
                    if field.kind.endswith("date"):
                        yield Static(self._understood(field, field.value), id=f"hint-{field.key}", classes="entry-hint")
                yield Static("", id=f"error-{field.key}", classes="entry-error -empty")
            yield Static("enter or ctrl+s saves · escape cancels", id="form-status")

    def _understood(self, field: EntryField, text: str) -> str:
        return understand_date(text, "future" if field.kind == "future_date" else "past")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("entry-")
        field = next((f for f in self.fields if f.key == key), None)
        understood = ""
        if field and field.kind.endswith("date"):
            understood = self._understood(field, event.value)
            self.query_one(f"#hint-{key}", Static).update(understood)
        # A marked field being fixed loses its mark (a date once it reads as one); saving checks again.
        if field and understood not in ("?",) and not (field.kind.endswith("date") and not event.value.strip()):
            error = self.query_one(f"#error-{key}", Static)
            if not error.has_class("-empty"):
                error.update("")
                error.add_class("-empty")
                event.input.remove_class("-invalid")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def values(self) -> dict[str, str]:
        found = {}
        for field in self.fields:
            widget = self.query_one(f"#entry-{field.key}")
            blank = isinstance(widget, Select) and widget.is_blank()
            found[field.key] = "" if blank else str(widget.value)
        return found

    def action_save(self) -> None:
        self._save(self.values())

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def _save(self, values: dict[str, str]) -> None:
        try:
            with database.connection_context():
                self.submit(values)
        except DraftInvalid as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
        except (AcctError, ValueError) as exc:
            self.app.call_from_thread(self.show_problems, {"": str(exc)})
        else:
            self.app.call_from_thread(self.dismiss, True)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Mark each field with its reason; anything not tied to a field goes to the status line."""
        keys = {f.key for f in self.fields}
        for field in self.fields:
            error = self.query_one(f"#error-{field.key}", Static)
            reason = problems.get(field.key, "")
            error.update(plain(reason))
            error.set_class(not reason, "-empty")
            self.query_one(f"#entry-{field.key}").set_class(bool(reason), "-invalid")
        loose = [reason for key, reason in problems.items() if key not in keys]
        status = self.query_one("#form-status", Static)
        status.update("; ".join(loose) if loose else "fix the marked fields · ctrl+s saves")
        status.add_class("-error")
        for field in self.fields:
            if field.key in problems:
                self.query_one(f"#entry-{field.key}").focus()
                break

    def action_cancel(self) -> None:
        self.dismiss(False)
