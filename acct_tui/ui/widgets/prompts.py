"""Small modal forms for the alert actions: snooze (date + reason) and a one-field prompt.

Both validate on submit and mark each bad field inline with the reason; the
modal stays open and nothing is returned until everything is valid, so an
invalid form can never reach a service call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from acct_tui.services.entry_forms import read_snooze_until, understand_date
from acct_tui.ui.safe import plain


@dataclass(frozen=True)
class SnoozeRequest:
    until: dt.date
    reason: str


class FormModal(ModalScreen):
    """What the alert forms share: the box, inline errors, Cancel/OK buttons, escape."""

    CSS_PATH = "prompts.tcss"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        raise NotImplementedError


class SnoozeModal(FormModal):
    """Ask until when and why; both required, the date in the future. Dismisses with a `SnoozeRequest`."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("ctrl+s", "submit", "Snooze", id="modal.submit"),
    ]

    def __init__(self, count: int = 1) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        what = "this alert" if self.count == 1 else f"{self.count} alerts"
        with Vertical():
            yield Static(f"[b]Snooze {what}[/b]")
            yield Label("Until (2026-12-01, in 2w, fri ...)")
            yield Input(placeholder="date", id="until")
            yield Static("", id="until-understood", classes="understood")
            yield Static("", id="until-error", classes="error")
            yield Label("Reason")
            yield Input(placeholder="why it can wait", id="reason")
            yield Static("", id="reason-error", classes="error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Snooze", id="ok", variant="primary")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "until":
            understood = understand_date(event.value, "future")
            shown = f"= {understood}" if understood not in ("", "?") else ""
            self.query_one("#until-understood", Static).update(shown)
            try:
                read_snooze_until(event.value)
            except ValueError:
                return
            self.query_one("#until-error", Static).update("")  # fixed: the mark goes
        elif event.input.id == "reason" and event.value.strip():
            self.query_one("#reason-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "until":
            self.query_one("#reason", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        until_text = self.query_one("#until", Input).value
        reason = self.query_one("#reason", Input).value.strip()
        until_error = reason_error = ""
        until = None
        try:
            until = read_snooze_until(until_text)
        except ValueError as exc:
            until_error = str(exc)
        if not reason:
            reason_error = "a reason is required"
        self.query_one("#until-error", Static).update(until_error)
        self.query_one("#reason-error", Static).update(plain(reason_error))
        if until_error or reason_error:
            self.query_one("#until" if until_error else "#reason", Input).focus()
            return
        self.dismiss(SnoozeRequest(until, reason))


class PromptModal(FormModal):
    """One line of text: a resolution note (required) or whom to escalate to (optional)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("ctrl+s", "submit", "OK", id="modal.submit"),
    ]

    def __init__(self, title: str, label: str, *, required: bool, ok: str = "OK", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.required, self.ok, self.hint = title, label, required, ok, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title_text}[/b]")
            yield Label(self.label)
            yield Input(id="value")
            if self.hint:
                yield Static(self.hint, classes="hint")
            yield Static("", id="value-error", classes="error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.ok, id="ok", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#value-error", Static).update("")  # "required" no longer holds

    def action_submit(self) -> None:
        value = self.query_one("#value", Input).value.strip()
        if self.required and not value:
            self.query_one("#value-error", Static).update(f"{self.label.lower()} is required")
            return
        self.dismiss(value)
