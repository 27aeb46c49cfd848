"""Quick capture: log a touch in one line (`:` or `n` anywhere), the parse shown live.

A `FormScreen` of one field. The grammar is `acct_tui.core.capture` (see
the README), read by `services.capture_form`. The parse is redrawn on every
key; the account is matched in a thread worker. Enter saves; when the account
is ambiguous a list of candidates asks which one. Escape asks before throwing
a typed line away. Dismisses with the new activity id, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from acct_tui.core.capture import Capture, CaptureError
from acct_tui.core.text import plural
from acct_tui.services import account_lookup
from acct_tui.services.capture_form import read_capture, save_capture
from acct_tui.ui.background import call
from acct_tui.ui.safe import plain
from acct_tui.ui.screens.form import FormScreen

EXAMPLE = "acme visit 45m w/ Lan, Minh +pricing :) next: send proposal by fri"


def account_prefix(name: str) -> str:
    """The line quick capture opens with on an account: its name quoted, so that a name
    holding a kind word ("Call Center Co") stays the account, and a space to type on."""
    return f'"{name.replace(chr(34), "")}" '
SENTIMENT_TEXT = {-2: ":(( hostile", -1: ":( sour", 0: ":| neutral", 1: ":) good", 2: ":D delighted"}


class QuickCaptureScreen(FormScreen):
    """One line in, a visit record out."""

    CSS_PATH = ["form.tcss", "quick_capture.tcss"]
    DISCARD_QUESTION = "Discard this line? What you typed is lost."

    @dataclass
    class Resolved(Message):
        """What the account text matches: an AccountChoice, candidates, or none."""

        text: str
        found: object

    def __init__(self, line: str = "") -> None:
        super().__init__()
        self.initial = line
        self.capture: Capture | None = None
        self.account_hint: dict[str, object] = {}
        self.candidates: list[account_lookup.AccountHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = "Quick capture"
            box.border_subtitle = "enter saves · escape cancels · grammar in the README"
            # A prefilled line (Today's `n`: the account) is kept: typing goes after it, not over it.
            yield Input(self.initial, placeholder=EXAMPLE, id="entry-line", select_on_focus=False)
            yield Static("", id="error-line", classes="form-error -empty")
            yield Static(id="capture-preview")
            yield OptionList(id="capture-choices")
            yield Static("", id="form-status")

    def on_mount(self) -> None:
        self.query_one("#entry-line", Input).focus()
        self._show(self.initial)

    def field_keys(self) -> tuple[str, ...]:
        return ("line",)

    def values(self) -> str:
        return self.query_one("#entry-line", Input).value

    @on(Input.Changed, "#entry-line")
    def _changed(self, event: Input.Changed) -> None:
        self._hide_choices()
        self.status("")
        self._show(event.value)

    def _show(self, line: str) -> None:
        preview = self.query_one("#capture-preview", Static)
        self.capture = None
        if not line.strip():
            preview.update(Text(f"e.g. {EXAMPLE}", style="dim"))
            return
        if self.initial and line == self.initial:  # only the account filled in: what comes next, not an error
            preview.update(Text("then the kind and what happened, e.g. call 30m agreed the pilot next: send proposal by fri", style="dim"))
            return
        try:
            capture = read_capture(line)
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
            account = Text(f"{capture.account_text!r}: {plural(len(found), 'account')} match; enter asks which", style="yellow")
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
        found = call(account_lookup.resolve_account, self.app.viewer, text)
        self.post_message(self.Resolved(text, found))

    def on_quick_capture_screen_resolved(self, message: Resolved) -> None:
        self.account_hint[message.text] = message.found
        if self.capture is not None and self.capture.account_text == message.text:
            self.query_one("#capture-preview", Static).update(self._table(self.capture))

    # -- saving -----------------------------------------------------------

    @on(Input.Submitted, "#entry-line")
    def _submitted(self) -> None:
        if self.capture is None:
            self.status("fix the line first (the caret marks the problem)", error=True)
            return
        self._save((self.values(), None))

    @on(OptionList.OptionSelected, "#capture-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._save((self.values(), self.candidates[event.option_index].id))

    def action_save(self) -> None:
        self._submitted()

    def submit(self, values: tuple[str, int | None]) -> int | list[account_lookup.AccountHit]:
        line, account_id = values
        return save_capture(self.app.viewer, line, account_id)

    def saved(self, result: int | list[account_lookup.AccountHit]) -> None:
        if isinstance(result, list):
            self._ask(result)
        else:
            self.dismiss(result)

    def _ask(self, candidates: list[account_lookup.AccountHit]) -> None:
        """Several accounts match the line's: list them and let the user pick one."""
        self.candidates = list(candidates)
        choices = self.query_one("#capture-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(plain(f"{c.name}  ({c.tier}, {c.owner or 'no owner'})")) for c in candidates])
        choices.border_title = "Which account?"
        choices.add_class("-shown")
        choices.highlighted = 0
        choices.focus()
        self.status("several accounts match: pick one (enter), escape goes back to the line")

    def _hide_choices(self) -> None:
        self.query_one("#capture-choices", OptionList).remove_class("-shown")

    def action_cancel(self) -> None:
        choices = self.query_one("#capture-choices", OptionList)
        if choices.has_class("-shown"):
            self._hide_choices()
            self.query_one("#entry-line", Input).focus()
            self.status("")
            return
        super().action_cancel()
