"""Quick capture: log a touch in one line (`:` or `n` anywhere), the parse shown live.

The grammar is `acct_tui.core.capture` (see the README). The parse is
redrawn on every key; the account is matched in a thread worker. Enter
saves; when the account is ambiguous a list of candidates asks which one.
Dismisses with the new activity id, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from acct_tui import clock
from acct_tui.core.capture import Capture, CaptureError, parse_capture
from acct_tui.db import database
from acct_tui.errors import AcctError
from acct_tui.services import account_lookup, visits
from acct_tui.ui.safe import plain

EXAMPLE = "acme visit 45m w/ Lan, Minh +pricing :) next: send proposal by fri"
SENTIMENT_TEXT = {-2: ":(( hostile", -1: ":( sour", 0: ":| neutral", 1: ":) good", 2: ":D delighted"}


class QuickCaptureScreen(ModalScreen[int | None]):
    """One line in, a visit record out."""

    CSS_PATH = "quick_capture.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="capture.cancel")]

    @dataclass
    class Resolved(Message):
        """What the account text matches: an AccountChoice, candidates, or none."""

        text: str
        found: object

    @dataclass
    class Problem(Message):
        text: str

    def __init__(self, line: str = "") -> None:
        super().__init__()
        self.initial = line
        self.capture: Capture | None = None
        self.account_hint: dict[str, object] = {}
        self.candidates: list[account_lookup.AccountHit] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Quick capture"
            box.border_subtitle = "enter saves · escape cancels · grammar in the README"
            # A prefilled line (Today's `n`: the account) is kept: typing goes after it, not over it.
            yield Input(self.initial, placeholder=EXAMPLE, id="capture-line", select_on_focus=False)
            yield Static(id="capture-preview")
            yield OptionList(id="capture-choices")
            yield Static("", id="capture-status")

    def on_mount(self) -> None:
        self.query_one("#capture-line", Input).focus()
        self._show(self.initial)

    @on(Input.Changed, "#capture-line")
    def _changed(self, event: Input.Changed) -> None:
        self._hide_choices()
        self._status("")
        self._show(event.value)

    def _show(self, line: str) -> None:
        preview = self.query_one("#capture-preview", Static)
        self.capture = None
        if not line.strip():
            preview.update(Text(f"e.g. {EXAMPLE}", style="dim"))
            return
        try:
            capture = parse_capture(line, clock.today())
        except CaptureError as exc:
            caret = " " * exc.position + "^"
            preview.update(Text.assemble((line + "\n", "dim"), (caret + "\n", "bold red"), (exc.reason, "red")))
            return
        self.capture = capture
        preview.update(self._table(capture))
        if capture.account_text not in self.account_hint:
            self._resolve(capture.account_text)

    def _table(self, capture: Capture) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        found = self.account_hint.get(capture.account_text)
        if isinstance(found, account_lookup.AccountHit):
            account = Text.assemble((found.name, "bold green"), f"  ({found.tier}, {found.owner or 'no owner'})")
        elif found:
            account = Text(f"{capture.account_text!r}: {len(found)} accounts match; enter asks which", style="yellow")
        elif found is None:
            account = Text(f"{capture.account_text} …", style="dim")
        else:
            account = Text(f"no account you may see matches {capture.account_text!r}", style="bold red")
        table.add_row("account", account)
        table.add_row("kind", capture.kind)
        table.add_row("date", f"{capture.occurred_on:%a %Y-%m-%d}")
        if capture.duration_min:
            table.add_row("duration", f"{capture.duration_min} min")
        if capture.attendees:
            table.add_row("attendees", plain(", ".join(capture.attendees)))
        if capture.tags:
            table.add_row("tags", plain(" ".join("+" + t for t in capture.tags)))
        if capture.sentiment is not None:
            table.add_row("sentiment", SENTIMENT_TEXT[capture.sentiment])
        if capture.summary:
            table.add_row("summary", plain(capture.summary))
        flags = [name for name, on_ in (("intent to leave", capture.intent_to_leave), ("confidential", capture.confidential)) if on_]
        if flags:
            table.add_row("flags", Text(", ".join(flags), style="bold red" if capture.intent_to_leave else ""))
        for step in capture.next_steps:
            due = f"by {step.due_on:%a %Y-%m-%d}" if step.due_on else "no due date"
            owner = f" · @{step.owner}" if step.owner else ""
            table.add_row("commitment", plain(f"{step.title}  ({due}{owner})"))
        return table

    @work(thread=True, exclusive=True, group="capture-resolve", exit_on_error=False)
    def _resolve(self, text: str) -> None:
        with database.connection_context():
            found = account_lookup.resolve_account(self.app.viewer, text)
        self.post_message(self.Resolved(text, found))

    def on_quick_capture_screen_resolved(self, message: Resolved) -> None:
        self.account_hint[message.text] = message.found
        if self.capture is not None and self.capture.account_text == message.text:
            self.query_one("#capture-preview", Static).update(self._table(self.capture))

    # -- saving -----------------------------------------------------------

    @on(Input.Submitted, "#capture-line")
    def _submitted(self) -> None:
        if self.capture is None:
            self._status("fix the line first (the caret marks the problem)", error=True)
            return
        self._save(self.capture, None)

    @on(OptionList.OptionSelected, "#capture-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.capture is not None:
            self._save(self.capture, self.candidates[event.option_index].id)

    @work(thread=True, exclusive=True, group="capture-save", exit_on_error=False)
    def _save(self, capture: Capture, account_id: int | None) -> None:
        try:
            with database.connection_context():
                if account_id is None:
                    found = account_lookup.resolve_account(self.app.viewer, capture.account_text)
                    if not isinstance(found, account_lookup.AccountHit):
                        self.post_message(self.Resolved(capture.account_text, found))
                        self.app.call_from_thread(self._ask, found)
                        return
                    account_id = found.id
                activity_id = visits.log_activity(self.app.viewer, visits.draft_from_capture(capture, account_id))
        except AcctError as exc:
            self.post_message(self.Problem(str(exc)))
            return
        self.app.call_from_thread(self.dismiss, activity_id)

    def on_quick_capture_screen_problem(self, message: Problem) -> None:
        self._status(f"not saved: {message.text}", error=True)

    def _ask(self, candidates: list[account_lookup.AccountHit]) -> None:
        if not candidates:
            self._status("no account you may see matches; write more of the name", error=True)
            return
        self.candidates = list(candidates)
        choices = self.query_one("#capture-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(plain(f"{c.name}  ({c.tier}, {c.owner or 'no owner'})")) for c in candidates])
        choices.border_title = "Which account?"
        choices.add_class("-shown")
        choices.highlighted = 0
        choices.focus()
        self._status("several accounts match: pick one (enter), escape goes back to the line")

    def _hide_choices(self) -> None:
        self.query_one("#capture-choices", OptionList).remove_class("-shown")

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#capture-status", Static)
        status.update(plain(text))
        status.set_class(error, "-error")

    def action_cancel(self) -> None:
        choices = self.query_one("#capture-choices", OptionList)
        if choices.has_class("-shown"):
            self._hide_choices()
            self.query_one("#capture-line", Input).focus()
            self._status("")
            return
        self.dismiss(None)
