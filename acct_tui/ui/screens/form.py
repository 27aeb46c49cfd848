"""The one modal form family: every form the app shows is a `FormScreen`.

What they share, so a form behaves the same wherever it opens:

- the typed text is read by a service (`services/*_form.read_*`, or the
  form's `save`) in a thread worker, never in the screen;
- a problem is shown on its field (`#error-KEY` under `#entry-KEY`, the
  field tinted), the rest on the status line, and the form stays open with
  everything that was typed;
- `ctrl+s` saves, `escape` cancels, and asks first when text was typed.

`EntryScreen` renders a `services.entry_forms.EntryForm` (the quick actions,
the records filter, the alert forms); the visit record form and quick capture
subclass `FormScreen` with fields of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from acct_tui.errors import AcctError
from acct_tui.services.entry_forms import EntryField, EntryForm, understand_date
from acct_tui.services.visits import DraftInvalid
from acct_tui.ui.background import call
from acct_tui.ui.keys import bindings
from acct_tui.ui.safe import plain
from acct_tui.ui.screens.dialogs import ConfirmScreen


class FormScreen(ModalScreen[Any]):
    """A modal form: save in a worker, problems shown on their fields, escape asks before discarding.

    A subclass composes widgets with ids `entry-KEY` (and `error-KEY` Statics
    under them, plus a `#form-status`), and says what `values()` reads, what
    `submit(values)` does (in a worker thread; it returns the result the form
    dismisses with, or raises `DraftInvalid` / `AcctError`), and in which
    order its `field_keys()` come. Cancelling dismisses with None.
    """

    CSS_PATH = "form.tcss"
    BINDINGS = bindings("form")
    #: Asked before a cancel throws typed text away.
    DISCARD_QUESTION: ClassVar[str] = "Discard this form? What you typed is lost."
    #: A problem's key -> the field that shows it, where the two differ.
    FIELD_FOR: ClassVar[dict[str, str]] = {}

    @dataclass
    class Checked(Message):
        """The saving worker found problems (field key -> reason; "" for the form as a whole)."""

        problems: dict[str, str]

    @dataclass
    class Saved(Message):
        """The saving worker succeeded with this result."""

        result: Any

    _initial: Any = None

    # -- what a form says -------------------------------------------------

    def field_keys(self) -> Iterable[str]:
        """The fields, in the order they are shown (the first bad one gets the focus)."""
        raise NotImplementedError

    def values(self) -> Any:
        """What the fields hold now (compared with what they held when the form opened)."""
        raise NotImplementedError

    def submit(self, values: Any) -> Any:
        """Read and save `values`; runs in a worker thread on its own connection."""
        raise NotImplementedError

    # -- the shared behaviour ---------------------------------------------

    def on_mount(self) -> None:
        # Textual runs every class's on_mount, the subclass's first: what it fills in is not "typed".
        self._initial = self.values()

    @property
    def dirty(self) -> bool:
        """Whether anything was typed since the form opened."""
        return self._initial is not None and self.values() != self._initial

    def action_save(self) -> None:
        """Check and save what is typed; the form stays open with every problem marked."""
        self.status("checking…")
        self._save(self.values())

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, values: Any) -> None:
        try:
            result = call(self.submit, values)
        except DraftInvalid as exc:
            self.post_message(self.Checked(exc.problems))
        except (AcctError, ValueError) as exc:
            self.post_message(self.Checked({"": str(exc)}))
        else:
            self.post_message(self.Saved(result))

    def on_form_screen_checked(self, message: Checked) -> None:
        self.show_problems(message.problems)

    def on_form_screen_saved(self, message: Saved) -> None:
        self.saved(message.result)

    def saved(self, result: Any) -> None:
        """The save succeeded: close with its result."""
        self.dismiss(result)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Mark every bad field with its reason and clear the good ones; the rest goes to the status line."""
        keys = list(self.field_keys())
        by_field: dict[str, str] = {}
        loose: list[str] = []
        for key, reason in problems.items():
            field = self.FIELD_FOR.get(key, key)
            if field in keys:
                by_field.setdefault(field, reason)
            else:
                loose.append(reason)
        for key in keys:
            reason = by_field.get(key, "")
            error = self.query_one(f"#error-{key}", Static)
            error.update(plain(reason))
            error.set_class(not reason, "-empty")
            self.query_one(f"#entry-{key}").set_class(bool(reason), "-invalid")
        if loose:
            self.status("; ".join(loose), error=True)
        else:
            count = len(by_field)
            self.status(f"{count} field{'s' * (count != 1)} to fix; nothing was saved", error=True)
        first = next((key for key in keys if key in by_field), None)
        if first:
            self.query_one(f"#entry-{first}").focus()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _field_edited(self, event) -> None:
        """A marked field that is fixed loses its mark at once; saving checks every field again."""
        key = (getattr(event.control, "id", None) or "").removeprefix("entry-")
        if key not in self.field_keys():
            return
        error = self.query_one(f"#error-{key}", Static)
        if error.has_class("-empty") or not self.field_fixed(key, event.control):
            return
        error.update("")
        error.add_class("-empty")
        event.control.remove_class("-invalid")
        left = sum(1 for k in self.field_keys() if not self.query_one(f"#error-{k}", Static).has_class("-empty"))
        if left:
            self.status(f"{left} field{'s' * (left != 1)} to fix; nothing was saved", error=True)
        else:
            self.status("ctrl+s saves · escape cancels")

    def field_fixed(self, key: str, widget) -> bool:
        """Whether a marked field's new text may be right (not blank; a date field: a date)."""
        if isinstance(widget, Select):
            return not widget.is_blank()
        return bool((widget.text if isinstance(widget, TextArea) else widget.value).strip())

    def status(self, text: str, error: bool = False) -> None:
        """Say something on the form's status line."""
        line = self.query_one("#form-status", Static)
        line.update(plain(text))
        line.set_class(error, "-error")

    def action_cancel(self) -> None:
        """Close without saving; when text was typed, ask first."""
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(self.DISCARD_QUESTION), answered)


class EntryScreen(FormScreen):
    """A short form (`services.entry_forms.EntryForm`): its `save(values)` runs in a worker.

    Dismisses with what `save` returned once saved, None when cancelled.
    Date fields accept every human date (`fri`, `in 2w`, `20/11`) and show
    what they understood beside them.
    """

    def __init__(self, form: EntryForm) -> None:
        super().__init__()
        self.form = form

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = plain(self.form.title)  # it may name an account: never markup
            for field in self.form.fields:
                with Horizontal(classes="form-row"):
                    yield Label(field.label, classes="form-label")
                    if field.kind == "select":
                        yield Select(field.options, value=field.value or field.options[0][1], allow_blank=False, id=f"entry-{field.key}", compact=True)
                    else:
                        yield Input(field.value, placeholder=field.placeholder, id=f"entry-{field.key}", compact=True)
                    if field.kind.endswith("date"):
                        yield Static(self._understood(field, field.value), id=f"hint-{field.key}", classes="form-hint")
                yield Static("", id=f"error-{field.key}", classes="form-error -empty")
            if self.form.hint:
                yield Static(plain(self.form.hint), classes="form-note")
            yield Static("enter or ctrl+s saves · escape cancels", id="form-status")

    def _understood(self, field: EntryField, text: str) -> str:
        return understand_date(text, "future" if field.kind == "future_date" else "past")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("entry-")
        field = next((f for f in self.form.fields if f.key == key), None)
        if field and field.kind.endswith("date"):
            self.query_one(f"#hint-{key}", Static).update(self._understood(field, event.value))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def field_fixed(self, key: str, widget) -> bool:
        field = next((f for f in self.form.fields if f.key == key), None)
        if field is not None and field.kind.endswith("date") and isinstance(widget, Input):
            return self._understood(field, widget.value) not in ("", "?")
        return super().field_fixed(key, widget)

    def field_keys(self) -> Iterable[str]:
        return [field.key for field in self.form.fields]

    def values(self) -> dict[str, str]:
        found = {}
        for field in self.form.fields:
            widget = self.query_one(f"#entry-{field.key}")
            blank = isinstance(widget, Select) and widget.is_blank()
            found[field.key] = "" if blank else str(widget.value)
        return found

    def submit(self, values: dict[str, str]) -> Any:
        return self.form.submit(values)
