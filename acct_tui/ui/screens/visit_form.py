"""The visit record form: a modal to log a visit (or any touch) in full.

A `FormScreen`: everything typed is read by `services.visit_form` in a
thread worker; bad fields are marked inline with their reason and nothing is
saved until the whole record is valid. `ctrl+s` saves; `escape` asks before
throwing typed text away. Dismisses with the new activity id, or None when
cancelled.

Opened with `edit=(activity_id, FormValues)` it corrects that touch
(`services.edits.edit_touch`, the same reading and checks): filled in with
what the record holds, its account fixed and its commitments left to their
own rows; it dismisses with the fields changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from acct_tui.enums import ACTIVITY_KINDS
from acct_tui.services import account_lookup, edits
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

    def __init__(self, account_id: int | None = None, account_name: str = "", kind: str = "visit",
                 edit: tuple[int, FormValues] | None = None) -> None:
        super().__init__()
        self.edit = edit
        if edit is not None:
            account_id, account_name, kind = edit[1].account_id, edit[1].account, edit[1].kind
        self.account_id = account_id
        self.account_name = account_name
        self.kind = kind if kind in ACTIVITY_KINDS else "visit"

    def compose(self) -> ComposeResult:
        v = self.edit[1] if self.edit else FormValues(account=self.account_name, kind=self.kind)
        editing = self.edit is not None
        with VerticalScroll(id="form-box") as form:
            form.border_title = "Edit visit record" if editing else "Visit record"
            form.border_subtitle = "ctrl+s save · escape cancel"
            yield from self._row("account", "Account", Input(v.account, placeholder="type a name; → accepts", id="entry-account", compact=True, suggester=AccountSuggester(self.app.viewer), disabled=editing), hint=True)
            yield from self._row("date", "Date", Input(v.date, placeholder="today, yesterday, 3d ago, 20/11", id="entry-date", compact=True), hint=True)
            yield from self._row("kind", "Kind", Select([(k, k) for k in ACTIVITY_KINDS], value=self.kind, allow_blank=False, id="entry-kind", compact=True))
            yield from self._row("duration", "Duration", Input(v.duration, placeholder="45m, 1h30", id="entry-duration", compact=True))
            yield from self._row("attendees", "Attendees", Input(v.attendees, placeholder="Lan Tran, Minh", id="entry-attendees", compact=True))
            yield from self._row("purpose", "Purpose", Input(v.purpose, placeholder="why we met", id="entry-purpose", compact=True))
            yield from self._row("summary", "Summary", TextArea(v.summary, id="entry-summary", classes="short", compact=True))
            yield from self._row("outcome", "Outcome", TextArea(v.outcome, id="entry-outcome", classes="short", compact=True))
            yield from self._row("sentiment", "Sentiment", Select(SENTIMENT_OPTIONS, prompt="not recorded", id="entry-sentiment", compact=True, **({"value": v.sentiment} if v.sentiment else {})))
            steps = "its commitments are rows of their own: e on each" if editing else "one a line: send proposal by fri @owner"
            yield from self._row("next_steps", "Next steps", TextArea(id="entry-next_steps", classes="short", compact=True, placeholder=steps, disabled=editing))
            yield from self._row("confirmed_by", "Signed off by", Input(v.confirmed_by, placeholder="the customer who confirmed", id="entry-confirmed_by", compact=True))
            with Horizontal(classes="form-row"):
                yield Label("", classes="form-label")
                yield Checkbox("Intent to leave", v.intent_to_leave, id="entry-intent_to_leave", compact=True)
                yield Checkbox("Confidential", v.confidential, id="entry-confidential", compact=True)
            yield Static("", id="form-status")

    def field_keys(self) -> tuple[str, ...]:
        return FIELD_ORDER

    def field_fixed(self, key: str, widget) -> bool:
        if key == "date":
            return not _date_hint(widget.value).startswith("?") and bool(widget.value.strip())
        return super().field_fixed(key, widget)

    def _row(self, key: str, label: str, widget, hint: bool = False) -> ComposeResult:
        with Horizontal(classes="form-row", id=f"row-{key}"):
            yield Label(label, classes="form-label")
            yield widget
            if hint:
                yield Static("", id=f"hint-{key}", classes="form-hint")
        yield Static("", id=f"error-{key}", classes="form-error -empty")

    def on_mount(self) -> None:
        self.query_one("#hint-date", Static).update(_date_hint(self.query_one("#entry-date", Input).value))
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

    def submit(self, values: FormValues) -> int | list[edits.Change]:
        if self.edit is not None:
            return edits.edit_touch(self.app.viewer, self.edit[0], values)
        return save_form(self.app.viewer, values)
