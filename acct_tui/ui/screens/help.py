"""The `?` screen: every binding active on the screen it was opened from."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from acct_tui.ui.keys import BindingInfo, bindings, bindings_of, keys_by_id, with_keys


class HelpScreen(ModalScreen[None]):
    """A modal table of keys; escape, `?` or `q` closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = bindings("help")

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target_title = getattr(target, "TITLE", None) or type(target).__name__
        self.target_mode = getattr(target, "MODE", "") or "-"
        # Written with {binding.id} placeholders: a remapped key shows as the key it now is.
        self.intro = with_keys(getattr(target, "HELP", "") or "", keys_by_id(target))
        self.rows = bindings_of(target)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Keys: {self.target_title}"
            scroll.border_subtitle = "escape closes · remap in the config file: \\[keys] id = \"key\""
            if self.intro:
                # Plain text, not markup: keys such as "[" and words such as "[urgency]" show as written.
                yield Static(Text(self.intro), id="help-intro")
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        table.add_column("binding id", style="dim", no_wrap=True)
        for row in sorted(self.rows, key=self._order):
            style = "" if row.enabled else "dim"
            table.add_row(row.keys, Text(row.description, style=style), row.binding_id)
        return table

    def _order(self, row: BindingInfo) -> tuple:
        # This screen's own keys first, then moving about, then the app's; unnamed last.
        prefix = row.binding_id.split(".")[0] if row.binding_id else ""
        rank = {self.target_mode: 0, "table": 1, "screen": 2, "mode": 3, "app": 4}.get(prefix, 1 if prefix else 9)
        return (rank, row.binding_id)

    def action_close(self) -> None:
        self.dismiss(None)
