"""The visit record form: a modal to log a visit (or any touch) in full.

Everything typed is read by `services.visit_form` in a thread worker; bad
fields are marked inline with their reason and nothing is saved until the
whole record is valid. `ctrl+s` saves; `escape` asks before throwing typed
text away. Dismisses with the new activity id, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from acct_tui import clock
from acct_tui.core.dates import parse_human_date
from acct_tui.db import database
from acct_tui.enums import ACTIVITY_KINDS
from acct_tui.services import account_lookup, visits
from acct_tui.services.visit_form import FormValues, save_form
from acct_tui.ui.screens.dialogs import ConfirmScreen
from acct_tui.ui.widgets.account_input import AccountSuggester
from acct_tui.ui.safe import plain

SENTIMENT_OPTIONS = (("+2 delighted  :D", "2"), ("+1 good  :)", "1"), ("0 neutral  :|", "0"), ("-1 sour  :(", "-1"), ("-2 hostile  :((", "-2"))
#: Problem key (a draft field) -> the widget that shows it.
FIELD_WIDGETS = {
    "account_id": "account", "occurred_at": "date", "kind": "kind", "duration_min": "duration", "attendees": "attendees",
    "subject": "purpose", "summary": "summary", "outcome": "outcome", "sentiment": "sentiment", "next_steps": "next_steps",
    "confirmed_by": "confirmed_by", "tags": "purpose", "contact_id": "account",
}
FIELD_ORDER = ("account", "date", "kind", "duration", "attendees", "purpose", "summary", "outcome", "sentiment", "next_steps", "confirmed_by")


def _date_hint(text: str) -> str:
    """The date understood, shown beside the field; the full reason comes on save."""
    if not text.strip():
        return ""
    try:
        return f"= {parse_human_date(text, clock.today(), 'past'):%a %d %b %Y}"
    except ValueError:
        return "? not a date"


class VisitFormScreen(ModalScreen[int | None]):
    """Log a touch with every detail: who attended, what was agreed, who owes what by when."""

    CSS_PATH = "visit_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="visit_form.save"),
        Binding("escape", "cancel", "Cancel", id="visit_form.cancel"),
    ]

    @dataclass
    class Checked(Message):
        """The saving worker found problems (field -> reason)."""

        problems: dict[str, str]

    @dataclass
    class AccountResolved(Message):
        """What the account field's text matches, for the hint beside it."""

        text: str
        hint: str

    def __init__(self, account_id: int | None = None, account_name: str = "", kind: str = "visit") -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self.kind = kind if kind in ACTIVITY_KINDS else "visit"
        self._initial: FormValues | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="visit-form") as form:
            form.border_title = "Visit record"
            form.border_subtitle = "ctrl+s save · escape cancel"
            yield from self._row("account", "Account", Input(self.account_name, placeholder="type a name; → accepts", id="f-account", compact=True, suggester=AccountSuggester(self.app.viewer)), hint=True)
            yield from self._row("date", "Date", Input("today", placeholder="today, yesterday, 3d ago, 20/11", id="f-date", compact=True), hint=True)
            yield from self._row("kind", "Kind", Select([(k, k) for k in ACTIVITY_KINDS], value=self.kind, allow_blank=False, id="f-kind", compact=True))
            yield from self._row("duration", "Duration", Input(placeholder="45m, 1h30", id="f-duration", compact=True))
            yield from self._row("attendees", "Attendees", Input(placeholder="Lan Tran, Minh", id="f-attendees", compact=True))
            yield from self._row("purpose", "Purpose", Input(placeholder="why we met", id="f-purpose", compact=True))
            yield from self._row("summary", "Summary", TextArea(id="f-summary", classes="short", compact=True))
            yield from self._row("outcome", "Outcome", TextArea(id="f-outcome", classes="short", compact=True))
            yield from self._row("sentiment", "Sentiment", Select(SENTIMENT_OPTIONS, prompt="not recorded", id="f-sentiment", compact=True))
            yield from self._row("next_steps", "Next steps", TextArea(id="f-next_steps", classes="short", compact=True, placeholder="one a line: send proposal by fri @owner"))
            yield from self._row("confirmed_by", "Signed off by", Input(placeholder="the customer who confirmed", id="f-confirmed_by", compact=True))
            with Horizontal(classes="form-row"):
                yield Label("", classes="form-label")
                yield Checkbox("Intent to leave", id="f-intent_to_leave", compact=True)
                yield Checkbox("Confidential", id="f-confidential", compact=True)
            yield Static("", id="form-status")

    def _row(self, key: str, label: str, widget, hint: bool = False) -> ComposeResult:
        with Horizontal(classes="form-row", id=f"row-{key}"):
            yield Label(label, classes="form-label")
            yield widget
            if hint:
                yield Static("", id=f"h-{key}", classes="form-hint")
        yield Static("", id=f"e-{key}", classes="form-error -empty")

    def on_mount(self) -> None:
        self._initial = self.values()
        self.query_one("#h-date", Static).update(_date_hint("today"))
        if self.account_id is not None:
            self.query_one("#h-account", Static).update("✓")
            self.query_one("#f-date", Input).focus()
        else:
            self.query_one("#f-account", Input).focus()

    # -- reading the fields ----------------------------------------------

    def values(self) -> FormValues:
        """What the fields hold now."""

        def text(name: str) -> str:
            widget = self.query_one(f"#f-{name}")
            return widget.text if isinstance(widget, TextArea) else widget.value

        sentiment = self.query_one("#f-sentiment", Select)
        return FormValues(
            account=text("account"),
            account_id=self.account_id,
            date=text("date"),
            kind=str(self.query_one("#f-kind", Select).value),
            duration=text("duration"),
            attendees=text("attendees"),
            purpose=text("purpose"),
            summary=text("summary"),
            outcome=text("outcome"),
            sentiment="" if sentiment.is_blank() else str(sentiment.value),
            next_steps=text("next_steps"),
            confirmed_by=text("confirmed_by"),
            intent_to_leave=self.query_one("#f-intent_to_leave", Checkbox).value,
            confidential=self.query_one("#f-confidential", Checkbox).value,
        )

    @property
    def dirty(self) -> bool:
        return self._initial is not None and self.values() != self._initial

    @on(Input.Changed, "#f-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self.query_one("#h-date", Static).update(_date_hint(event.value))

    @on(Input.Changed, "#f-account")
    def _account_changed(self, event: Input.Changed) -> None:
        if self.account_id is not None and event.value != self.account_name:
            self.account_id = None  # typed over the account the form was opened for
        if self.account_id is None:
            self._resolve(event.value)

    @work(thread=True, exclusive=True, group="visit-form-account", exit_on_error=False)
    def _resolve(self, text: str) -> None:
        if not text.strip():
            self.post_message(self.AccountResolved(text, ""))
            return
        with database.connection_context():
            found = account_lookup.resolve_account(self.app.viewer, text)
        if isinstance(found, account_lookup.AccountHit):
            hint = f"✓ {found.name}"
        elif found:
            hint = f"{len(found)} match"
        else:
            hint = "no match"
        self.post_message(self.AccountResolved(text, hint))

    def on_visit_form_screen_account_resolved(self, message: AccountResolved) -> None:
        if message.text == self.query_one("#f-account", Input).value:
            self.query_one("#h-account", Static).update(plain(message.hint))

    # -- saving -----------------------------------------------------------

    def action_save(self) -> None:
        self.query_one("#form-status", Static).update("checking…")
        self._save(self.values())

    @work(thread=True, exclusive=True, group="visit-form-save", exit_on_error=False)
    def _save(self, values: FormValues) -> None:
        try:
            with database.connection_context():
                activity_id = save_form(self.app.viewer, values)
        except visits.DraftInvalid as exc:
            self.post_message(self.Checked(exc.problems))
            return
        self.app.call_from_thread(self.dismiss, activity_id)

    def on_visit_form_screen_checked(self, message: Checked) -> None:
        self.show_problems(message.problems)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _field_edited(self, event) -> None:
        """A marked field that is being fixed loses its mark (a date once it reads as one);
        the save checks every field again."""
        name = (event.control.id or "").removeprefix("f-")
        if name not in FIELD_ORDER or self.query_one(f"#e-{name}", Static).has_class("-empty"):
            return
        if name == "date" and _date_hint(self.values().date).startswith("?"):
            return
        self.clear_problem(name)

    def clear_problem(self, name: str) -> None:
        """Take the mark off one field and recount what is left to fix."""
        error = self.query_one(f"#e-{name}", Static)
        error.update("")
        error.add_class("-empty")
        self.query_one(f"#f-{name}").remove_class("-invalid")
        left = sum(1 for n in FIELD_ORDER if not self.query_one(f"#e-{n}", Static).has_class("-empty"))
        status = self.query_one("#form-status", Static)
        if left:
            status.update(f"{left} field{'s' * (left != 1)} to fix; nothing was saved")
        else:
            status.update("ctrl+s saves")
            status.remove_class("-error")

    def show_problems(self, problems: dict[str, str]) -> None:
        """Mark every bad field with its reason; clear the marks of the good ones."""
        by_widget: dict[str, str] = {}
        for key, reason in problems.items():
            by_widget.setdefault(FIELD_WIDGETS.get(key, "account"), reason)
        for name in FIELD_ORDER:
            reason = by_widget.get(name, "")
            error = self.query_one(f"#e-{name}", Static)
            error.update(plain(reason))
            error.set_class(not reason, "-empty")
            self.query_one(f"#f-{name}").set_class(bool(reason), "-invalid")
        count = len(by_widget)
        status = self.query_one("#form-status", Static)
        status.update(f"{count} field{'s' * (count != 1)} to fix; nothing was saved")
        status.add_class("-error")
        first = next((name for name in FIELD_ORDER if name in by_widget), None)
        if first:
            self.query_one(f"#f-{first}").focus()

    # -- leaving ----------------------------------------------------------

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this visit record? What you typed is lost."), answered)
