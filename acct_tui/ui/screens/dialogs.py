"""Small modals the screens share: a yes/no question and a record's full view.

The forms are `form.py`'s (`FormScreen`, `EntryScreen`).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from acct_tui.services.account_card import RecordDetail
from acct_tui.ui.keys import bindings
from acct_tui.ui.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: `y`/enter is yes, `n`/escape is no."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = bindings("confirm")

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
    BINDINGS = bindings("record")

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
