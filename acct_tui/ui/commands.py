"""Command palette providers: accounts by name (scoped by access rules)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.worker import WorkerCancelled, WorkerFailed

from acct_tui.services import account_lookup
from acct_tui.ui.background import in_worker

#: Palette hits per search: enough to choose from, cheap on 100k accounts.
PALETTE_LIMIT = 20


class AccountsProvider(Provider):
    """Find an account by (part of) its name; opening it shows its timeline.

    Only accounts the viewer may see are candidates: the search goes through
    `services.account_lookup.search_accounts`, which scopes by `services.access`,
    in a thread worker (never on the event loop).
    """

    async def search(self, query: str) -> Hits:
        query = query.strip()
        if not query:
            return
        matcher = self.matcher(query)
        app = self.app
        try:
            found = await in_worker(app, "palette", account_lookup.search_accounts, app.viewer, query, limit=PALETTE_LIMIT)
        except (WorkerCancelled, WorkerFailed):
            return  # a newer search replaced this one, or the database is gone: no hits
        for row in found:
            label = f"{row.name}"
            score = matcher.match(label) or 0.5
            yield Hit(
                score,
                matcher.highlight(label),
                partial(app.open_account, row.id),
                help=f"account · {row.tier} · {row.owner or 'no owner'} · open its timeline",
            )

    async def discover(self) -> Hits:
        app = self.app
        try:
            found = await in_worker(app, "palette", account_lookup.search_accounts, app.viewer, "", limit=8)
        except (WorkerCancelled, WorkerFailed):
            return
        for row in found:
            yield DiscoveryHit(row.name, partial(app.open_account, row.id), help=f"account · {row.tier}")
