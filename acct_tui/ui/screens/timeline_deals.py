"""The Timeline's opportunity keys: `o` adds one to the account, `e` edits the one under the cursor.

A mixin for `TimelineScreen` (it brings `card`, `table`, `_need_account`
and `_entry`). The form is `services.opportunity_form`'s, read inside the
save worker, so a bad field is marked in the form and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from acct_tui.services import opportunities
from acct_tui.services.money import rate_book
from acct_tui.services.opportunities import OpportunityRow
from acct_tui.services.opportunity_form import new_values, opportunity_form, values_of
from acct_tui.services.timeline import TimelineEvent
from acct_tui.ui import background


class OpportunityActions:
    """Adding and editing opportunities from the timeline."""

    @dataclass
    class OpportunityFetched(Message):
        """The opportunity to edit, read in a worker."""

        row: OpportunityRow | None
        error: str | None = None

    def action_add_opportunity(self) -> None:
        """Add a renewal, expansion or cross-sell opportunity to this account."""
        card = self._need_account()
        if card is None:
            return
        form = opportunity_form(self.app.viewer, card.id, f"Opportunity for {card.name}", new_values(card.currency, card.owner))
        self._entry(form)

    def action_edit_opportunity(self) -> None:
        """Edit the selected opportunity: stage, probability, amount, close date, won or lost."""
        row = self.table.current_row
        if not isinstance(row, TimelineEvent) or row.source != "opportunity":
            self.notify("Put the cursor on an opportunity (o adds one).", severity="warning")
            return
        self._fetch_opportunity(row.source_id)

    @work(thread=True, exclusive=True, group="timeline-open", exit_on_error=False)
    def _fetch_opportunity(self, opportunity_id: int) -> None:
        book = background.call(rate_book, self.app.config.base_currency)
        row, error = background.attempt(opportunities.get_opportunity, self.app.viewer, opportunity_id, book)
        self.post_message(self.OpportunityFetched(row, error))

    def on_opportunity_actions_opportunity_fetched(self, message: OpportunityFetched) -> None:
        if message.row is None:
            self.notify(message.error or "No such opportunity.", severity="error", markup=False)
            return
        r = message.row
        self._entry(opportunity_form(self.app.viewer, r.account_id, f"Opportunity: {r.name}", values_of(r), r.id))
