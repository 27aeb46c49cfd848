"""The Visit log screen (placeholder: the screen's own branch replaces this body).

Keep the class name `VisitLogScreen` and this module path: the app's MODES import them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from acct_tui.ui.screens.base import AcctScreen


class VisitLogScreen(AcctScreen):
    """Visit log."""

    MODE = "visits"
    TITLE = "Visit log"
    HELP = "Visit log: on its way."

    def compose_body(self) -> ComposeResult:
        yield Static("Visit log: on its way.", id="placeholder")
