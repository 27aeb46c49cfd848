"""The Risk alerts screen (placeholder: the screen's own branch replaces this body).

Keep the class name `AlertsScreen` and this module path: the app's MODES import them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from acct_tui.ui.screens.base import AcctScreen


class AlertsScreen(AcctScreen):
    """Risk alerts."""

    MODE = "alerts"
    TITLE = "Risk alerts"
    HELP = "Risk alerts: on its way."

    def compose_body(self) -> ComposeResult:
        yield Static("Risk alerts: on its way.", id="placeholder")
