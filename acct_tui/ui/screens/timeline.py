"""The Timeline screen (placeholder: the screen's own branch replaces this body).

Keep the class name `TimelineScreen` and this module path: the app's MODES import them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from acct_tui.ui.screens.base import AcctScreen


class TimelineScreen(AcctScreen):
    """Timeline."""

    MODE = "timeline"
    TITLE = "Timeline"
    HELP = "Timeline: on its way."

    def compose_body(self) -> ComposeResult:
        yield Static("Timeline: on its way.", id="placeholder")
