"""Type-ahead over the accounts the viewer may see (a `Suggester` that asks the database)."""

from __future__ import annotations

import asyncio

from textual.suggester import Suggester

from acct_tui.services.access import Viewer
from acct_tui.services.account_lookup import suggest_account_name
from acct_tui.ui.background import call


class AccountSuggester(Suggester):
    """Suggests the first visible account whose name starts with what was typed."""

    def __init__(self, viewer: Viewer) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.viewer = viewer

    async def get_suggestion(self, value: str) -> str | None:
        # The query is quick but is still I/O: keep it off the event loop.
        return await asyncio.to_thread(call, suggest_account_name, self.viewer, value)
