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

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "selected_account_id", self._show_account)

    def _show_account(self, account_id: int | None) -> None:
        from acct_tui.services.accounts import account_hit

        hit = account_hit(self.app.viewer, account_id) if account_id is not None else None
        text = f"Timeline of {hit.name}: on its way." if hit else "Pick an account in the Portfolio (1) or with ctrl+p."
        self.query_one("#placeholder", Static).update(text)
