"""The visit record form: a modal to log a visit (or any touch) in full.

A `FormScreen`: everything typed is read by `services.visit_form` in a
thread worker; bad fields are marked inline with their reason and nothing is
saved until the whole record is valid. `ctrl+s` saves; `escape` asks before
throwing typed text away. Dismisses with the new activity id, or None when
cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from acct_tui.enums import ACTIVITY_KINDS
from acct_tui.services import account_lookup
from acct_tui.services.entry_forms import understand_date
from acct_tui.services.visit_form import FormValues, save_form
from acct_tui.ui.background import call
from acct_tui.ui.safe import plain
from acct_tui.ui.screens.form import FormScreen
from acct_tui.ui.widgets.account_input import AccountSuggester

SENTIMENT_OPTIONS = (("+2 delighted  :D", "2"), ("+1 good  :)", "1"), ("0 neutral  :|", "0"), ("-1 sour  :(", "-1"), ("-2 hostile  :((", "-2"))
#: Problem key (a draft field) -> the field that shows it.
FIELD_FOR = {
    "account_id": "account", "occurred_at": "date", "kind": "kind", "duration_min": "duration", "attendees": "attendees",
    "subject": "purpose", "summary": "summary", "outcome": "outcome", "sentiment": "sentiment", "next_steps": "next_steps",
    "confirmed_by": "confirmed_by", "tags": "purpose", "contact_id": "account",
}
FIELD_ORDER = ("account", "date", "kind", "duration", "attendees", "purpose", "summary", "outcome", "sentiment", "next_steps", "confirmed_by")


def _date_hint(text: str) -> str:
    """The date understood, shown beside the field; the full reason comes on save."""
    understood = understand_date(text, "past")
    return {"": "", "?": "? not a date"}.get(understood, f"= {understood}")


class VisitFormScreen(FormScreen):
    """Log a touch with every detail: who attended, what was agreed, who owes what by when."""

    CSS_PATH = ["form.tcss", "visit_form.tcss"]
    DISCARD_QUESTION = "Discard this visit record? What you typed is lost."
    FIELD_FOR = FIELD_FOR

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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box") as form:
            form.border_title = "Visit record"
            form.border_subtitle = "ctrl+s save · escape cancel"
            yield from self._row("account", "Account", Input(self.account_name, placeholder="type a name; → accepts", id="entry-account", compact=True, suggester=AccountSuggester(self.app.viewer)), hint=True)
            yield from self._row("date", "Date", Input("today", placeholder="today, yesterday, 3d ago, 20/11", id="entry-date", compact=True), hint=True)
            yield from self._row("kind", "Kind", Select([(k, k) for k in ACTIVITY_KINDS], value=self.kind, allow_blank=False, id="entry-kind", compact=True))
            yield from self._row("duration", "Duration", Input(placeholder="45m, 1h30", id="entry-duration", compact=True))
            yield from self._row("attendees", "Attendees", Input(placeholder="Lan Tran, Minh", id="entry-attendees", compact=True))
            yield from self._row("purpose", "Purpose", Input(placeholder="why we met", id="entry-purpose", compact=True))
            yield from self._row("summary", "Summary", TextArea(id="entry-summary", classes="short", compact=True))
            yield from self._row("outcome", "Outcome", TextArea(id="entry-outcome", classes="short", compact=True))
            yield from self._row("sentiment", "Sentiment", Select(SENTIMENT_OPTIONS, prompt="not recorded", id="entry-sentiment", compact=True))
            yield from self._row("next_steps", "Next steps", TextArea(id="entry-next_steps", classes="short", compact=True, placeholder="one a line: send proposal by fri @owner"))
            yield from self._row("confirmed_by", "Signed off by", Input(placeholder="the customer who confirmed", id="entry-confirmed_by", compact=True))
            with Horizontal(classes="form-row"):
                yield Label("", classes="form-label")
                yield Checkbox("Intent to leave", id="entry-intent_to_leave", compact=True)
                yield Checkbox("Confidential", id="entry-confidential", compact=True)
            yield Static("", id="form-status")

    def field_keys(self) -> tuple[str, ...]:
        return FIELD_ORDER

    def _row(self, key: str, label: str, widget, hint: bool = False) -> ComposeResult:
        with Horizontal(classes="form-row", id=f"row-{key}"):
            yield Label(label, classes="form-label")
            yield widget
            if hint:
                yield Static("", id=f"hint-{key}", classes="form-hint")
        yield Static("", id=f"error-{key}", classes="form-error -empty")

    def on_mount(self) -> None:
        self.query_one("#hint-date", Static).update(_date_hint("today"))
        if self.account_id is not None:
            self.query_one("#hint-account", Static).update("✓")
            self.query_one("#entry-date", Input).focus()
        else:
            self.query_one("#entry-account", Input).focus()

    # -- reading the fields ----------------------------------------------

    def values(self) -> FormValues:
        """What the fields hold now."""

        def text(name: str) -> str:
            widget = self.query_one(f"#entry-{name}")
            return widget.text if isinstance(widget, TextArea) else widget.value

        sentiment = self.query_one("#entry-sentiment", Select)
        return FormValues(
            account=text("account"),
            account_id=self.account_id,
            date=text("date"),
            kind=str(self.query_one("#entry-kind", Select).value),
            duration=text("duration"),
            attendees=text("attendees"),
            purpose=text("purpose"),
            summary=text("summary"),
            outcome=text("outcome"),
            sentiment="" if sentiment.is_blank() else str(sentiment.value),
            next_steps=text("next_steps"),
            confirmed_by=text("confirmed_by"),
            intent_to_leave=self.query_one("#entry-intent_to_leave", Checkbox).value,
            confidential=self.query_one("#entry-confidential", Checkbox).value,
        )

    @on(Input.Changed, "#entry-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self.query_one("#hint-date", Static).update(_date_hint(event.value))

    @on(Input.Changed, "#entry-account")
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
        found = call(account_lookup.resolve_account, self.app.viewer, text)
        if isinstance(found, account_lookup.AccountHit):
            hint = f"✓ {found.name}"
        elif found:
            hint = f"{len(found)} match"
        else:
            hint = "no match"
        self.post_message(self.AccountResolved(text, hint))

    def on_visit_form_screen_account_resolved(self, message: AccountResolved) -> None:
        if message.text == self.query_one("#entry-account", Input).value:
            self.query_one("#hint-account", Static).update(plain(message.hint))

    # -- saving -----------------------------------------------------------

    def submit(self, values: FormValues) -> int:
        return save_form(self.app.viewer, values)
