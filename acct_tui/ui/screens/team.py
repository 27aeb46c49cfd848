"""The Team screen (placeholder: the screen's own branch replaces this body).

Keep the class name `TeamScreen` and this module path: the app's MODES import them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from acct_tui.ui.screens.base import AcctScreen


class TeamScreen(AcctScreen):
    """Team."""

    MODE = "team"
    TITLE = "Team"
    HELP = "Team: on its way."

    def compose_body(self) -> ComposeResult:
        yield Static("Team: on its way.", id="placeholder")
