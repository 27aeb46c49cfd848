"""The Textual app. (Placeholder shell until the screens land.)"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class AcctApp(App):
    TITLE = "acct-tui"

    def __init__(self, viewer, db_label: str = "") -> None:
        super().__init__()
        self.viewer = viewer
        self.sub_title = f"{viewer.name} ({viewer.role}) · {db_label}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("acct-tui: screens are on their way.")
        yield Footer()


def run(ctx, viewer) -> int:
    from acct_tui import db

    AcctApp(viewer, db.describe(ctx.url)).run()
    return 0
