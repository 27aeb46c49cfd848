"""The Timeline's opportunity keys: `o` adds one to the account, `e` edits the one under the cursor.

A mixin for `TimelineScreen` (it brings `card`, `table`, `_need_account`
and `_entry`). The form's text is read by `services.opportunity_form` inside
the save worker, so a bad field is marked in the form and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from acct_tui import clock
from acct_tui.db import database
from acct_tui.enums import OPPORTUNITY_KINDS, OPPORTUNITY_STATUSES
from acct_tui.errors import AcctError
from acct_tui.services import opportunities
from acct_tui.services.money import rate_book
from acct_tui.services.opportunities import OpportunityRow
from acct_tui.services.opportunity_form import FIELDS as OPPORTUNITY_FIELDS
from acct_tui.services.opportunity_form import read_opportunity
from acct_tui.services.timeline import TimelineEvent
from acct_tui.ui.screens.dialogs import EntryField

OPPORTUNITY_HINTS = {"amount": "12000", "currency": "USD, EUR, VND…", "stage": "Proposal, Negotiation…",
                     "probability": "0-100 (won 100, lost 0)", "close_date": "31/12, in 6w", "owner": "login"}


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
        values = {"kind": "expansion", "currency": card.currency, "status": "open", "owner": card.owner or ""}
        self._opportunity_form(f"Opportunity for {card.name}", values, card.id, None)

    def action_edit_opportunity(self) -> None:
        """Edit the selected opportunity: stage, probability, amount, close date, won or lost."""
        row = self.table.current_row
        if not isinstance(row, TimelineEvent) or row.source != "opportunity":
            self.notify("Put the cursor on an opportunity (o adds one).", severity="warning")
            return
        self._fetch_opportunity(row.source_id)

    @work(thread=True, exclusive=True, group="timeline-open", exit_on_error=False)
    def _fetch_opportunity(self, opportunity_id: int) -> None:
        try:
            with database.connection_context():
                row = opportunities.get_opportunity(self.app.viewer, opportunity_id, rate_book(self.app.config.base_currency))
        except AcctError as exc:
            self.post_message(self.OpportunityFetched(None, str(exc)))
            return
        self.post_message(self.OpportunityFetched(row))

    def on_opportunity_actions_opportunity_fetched(self, message: OpportunityFetched) -> None:
        if message.row is None:
            self.notify(message.error or "No such opportunity.", severity="error")
            return
        r = message.row
        values = {
            "name": r.name, "kind": r.kind, "amount": f"{r.amount:f}", "currency": r.currency, "stage": r.stage,
            "probability": str(r.probability), "close_date": r.close_date.isoformat(), "status": r.status, "owner": r.owner or "",
        }
        self._opportunity_form(f"Opportunity: {r.name}", values, r.account_id, r.id)

    def _opportunity_form(self, title: str, values: dict[str, str], account_id: int, opportunity_id: int | None) -> None:
        viewer = self.app.viewer

        def submit(typed: dict[str, str]) -> None:
            draft = read_opportunity(typed, clock.today())
            if opportunity_id is None:
                opportunities.add_opportunity(viewer, account_id, draft)
            else:
                opportunities.update_opportunity(viewer, opportunity_id, draft)

        choices = {"kind": OPPORTUNITY_KINDS, "status": OPPORTUNITY_STATUSES}
        fields = [
            EntryField(key, label, "select", value=values.get(key, ""), options=tuple((c.replace("_", "-"), c) for c in choices[key]))
            if key in choices
            else EntryField(key, label, "future_date" if key == "close_date" else "text", value=values.get(key, ""),
                            placeholder=OPPORTUNITY_HINTS.get(key, ""))
            for key, label in OPPORTUNITY_FIELDS.items()
        ]
        self._entry(title, fields, submit, "Opportunity saved." if opportunity_id else "Opportunity added.")
