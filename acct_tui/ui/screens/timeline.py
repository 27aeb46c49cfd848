"""Timeline: one account's card and its whole story, upcoming items above a "today" rule.

Data: `services.account_card` (the card; health from `services.health.explain`)
and `services.timeline` (the merged events), loaded together in a thread
worker whenever the selected account or the data changes. A long story comes
in two parts (`services.timeline.head_start`): the card with everything
upcoming and the newest hundred or so touches or cases first, painted, then the older
events appended below them in a second worker, so the cursor and the screen
stay where they are. The events are painted by the windowed `VirtualTable`. Every action writes through
`services.visits` in a worker, then the app reloads and rescans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import get_current_worker
from textual.widgets import Static

from acct_tui import clock
from acct_tui.core.text import plural
from acct_tui.db import database
from acct_tui.errors import AcctError
from acct_tui.services import edits, entry_forms, visits
from acct_tui.services.account_card import AccountCard, account_card
from acct_tui.services.entry_forms import EntryForm
from acct_tui.services.money import rate_book
from acct_tui.services.timeline import EVENT_KINDS, Timeline, TimelineEvent, build_timeline, head_start
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.base import AcctScreen
from acct_tui.ui.background import call
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.pick import PickScreen
from acct_tui.ui.screens.record_edits import RecordEdits
from acct_tui.ui.screens.timeline_columns import COLUMNS, TodayRule, row_key
from acct_tui.ui.screens.timeline_contacts import ContactActions
from acct_tui.ui.screens.timeline_deals import OpportunityActions
from acct_tui.ui import memory
from acct_tui.ui.widgets.account_card import card_view
from acct_tui.ui.widgets.summary_line import SummaryLine
from acct_tui.ui.widgets.virtual_table import ListSource, VirtualTable
from acct_tui.ui.writes import after_write

class TimelineScreen(RecordEdits, ContactActions, OpportunityActions, AcctScreen):
    """The selected account's card and merged timeline, with keys to act on it."""

    MODE = "timeline"
    MAIN = "timeline-table"
    TITLE = "Timeline"
    CSS_PATH = "timeline.tcss"
    HELP = (
        "One account's story: its card (owner, tier, value, renewal, health and why, open alerts, key contacts) "
        "and every touch, case, milestone, commitment, planned visit, alert and health change, newest first, "
        "with what is still to come above the TODAY rule. Pick the account in Today ({mode.today}), the Portfolio "
        "({mode.portfolio}), the Visit log ({mode.visits}), the Risk alerts ({mode.alerts}) or with {app.palette}. "
        "{timeline.log} logs a touch, {timeline.plan} plans a visit, {timeline.commit} adds a commitment, "
        "{timeline.done} marks one done; {timeline.edit_opportunity} corrects the entry under the cursor (a touch, "
        "commitment, milestone, planned visit or deal) in the form that made it, {timeline.delete} deletes it after "
        "asking, and {app.undo} takes either back."
    )
    BINDINGS = bindings("timeline")

    @dataclass
    class Loaded(Message):
        account_id: int | None
        card: AccountCard | None
        timeline: Timeline | None
        error: str | None = None
        #: The timeline holds only the events from this time on: the older ones are still to load.
        older_before: dt.datetime | None = None

    @dataclass
    class OlderLoaded(Message):
        """The events before `before`, to append to the first part `head`."""

        head: Timeline
        older: Timeline

    @dataclass
    class ContactsLoaded(Message):
        """The account's current contacts (id, name, role), to ask which one left."""

        people: list[tuple[int, str, str]]

    def __init__(self) -> None:
        super().__init__()
        self.card: AccountCard | None = None
        self.timeline: Timeline | None = None
        self.kind: str | None = None
        #: While only the first part of a long timeline is shown: where the older events start.
        self.older_before: dt.datetime | None = None
        #: Loads asked for so far: a first part's older events are fetched only if no load came after.
        self._loads = 0

    @property
    def capture_account(self) -> str | None:
        """The account quick capture (`n`) starts its line with: the one shown."""
        return self.card.name if self.card is not None else None

    def compose_body(self) -> ComposeResult:
        # Lines that repaint in place: an open or a filter lays the screen out again only when
        # the card's height changes (a layout is most of an open's frame).
        yield SummaryLine(id="timeline-card")
        yield SummaryLine(id="timeline-summary")
        yield VirtualTable(COLUMNS, empty_text="No events.", id="timeline-table")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#timeline-table", VirtualTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "selected_account_id", self._account_changed, init=False)

    def _account_changed(self, _account_id: int | None) -> None:
        self.kind = None
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    # -- loading ----------------------------------------------------------

    def refresh_data(self) -> None:
        self._loads += 1
        self.workers.cancel_group(self, "timeline-older")
        account_id = self.app.selected_account_id
        if account_id is None:
            self.card, self.timeline = None, None
            self._show()
            return
        self._release_collection()
        self._release_collection = memory.hold_collection(self.app)  # until the card and first part are painted
        self._load(account_id)

    def _release_collection(self) -> None:
        """Nothing is held (`memory.hold_collection`)."""

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _load(self, account_id: int) -> None:
        viewer = self.app.viewer
        try:
            with database.connection_context():
                card = account_card(viewer, account_id, rate_book(self.app.config.base_currency))
                since = head_start(account_id)
                timeline = build_timeline(viewer, account_id, since=since)
        except AcctError as exc:
            self.post_message(self.Loaded(account_id, None, None, str(exc)))
            return
        self.post_message(self.Loaded(account_id, card, timeline, older_before=since))

    @work(thread=True, exclusive=True, group="timeline-older", exit_on_error=False)
    def _load_older(self, head: Timeline, before: dt.datetime) -> None:
        worker = get_current_worker()
        try:
            with database.connection_context():
                older = build_timeline(self.app.viewer, head.account_id, before=before, stop=lambda: worker.is_cancelled)
        except AcctError as exc:
            self.post_message(self.Loaded(head.account_id, None, None, str(exc)))
            return
        if older is not None:
            self.post_message(self.OlderLoaded(head, older))

    def on_timeline_screen_loaded(self, message: Loaded) -> None:
        if message.account_id != self.app.selected_account_id:
            return  # an older load for another account
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        same_account = self.card is not None and message.card is not None and self.card.id == message.card.id
        self.card, self.timeline = message.card, message.timeline
        self.older_before = message.older_before if message.timeline is not None else None
        self._show(keep_cursor=same_account)
        self._show_pending_record()
        self.table.call_after_paint(self._release_collection)
        if self.older_before is not None:
            # Once the first part is drawn: the older events' build would slow that frame.
            self.table.call_after_paint(partial(self._start_older, self._loads, self.timeline, self.older_before))

    def _start_older(self, loads: int, head: Timeline, before: dt.datetime) -> None:
        if loads == self._loads and head is self.timeline:  # no other load asked for since
            self._load_older(head, before)

    def on_timeline_screen_older_loaded(self, message: OlderLoaded) -> None:
        if message.head is not self.timeline:
            return  # the account or the data changed since
        head = message.head
        self.timeline = Timeline(head.account_id, head.events + message.older.events, head.upcoming_count)
        self.older_before = None
        # Appended below what is shown: the cursor and the screen stay on the same rows.
        rows = self.rows()
        self.table.set_source(ListSource(rows), keep_cursor=True)
        self.query_one("#timeline-summary", SummaryLine).show(self._summary(rows))
        self._show_pending_record()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_pending_record()

    def _show_pending_record(self) -> None:
        """Put the cursor on the record the app was asked to open here (`app.open_record`, from a search)."""
        pending = self.app.pending_record
        if pending is None or self.card is None or self.card.id != pending[0]:
            return
        _, source, record_id = pending
        if self.kind or self.filter_text:
            self.kind = None
            self.filter_bar.action_clear()
            self._show()
        rows = self.rows()
        index = next((i for i, r in enumerate(rows) if isinstance(r, TimelineEvent) and (r.source, r.source_id) == (source, record_id)), None)
        if index is None and self.older_before is not None:
            return  # perhaps among the older events, still loading: asked again when they come
        self.app.pending_record = None
        if index is None:
            self.notify("That record is not in this timeline.", severity="warning")
            return
        self.table.move_cursor(index)

    # -- showing ----------------------------------------------------------

    def rows(self) -> list:
        """The table's rows: the filtered events with the TODAY rule between upcoming and past."""
        if self.timeline is None:
            return []
        needle = self.filter_text.lower()
        upcoming, past = [], []
        for event in self.timeline.events:
            if self.kind and event.kind != self.kind:
                continue
            if needle and needle not in event.title.lower() and needle not in event.detail.lower():
                continue
            (upcoming if event.upcoming else past).append(event)
        return [*upcoming, TodayRule(clock.today()), *past]

    def _show(self, keep_cursor: bool = False) -> None:
        self.query_one("#timeline-card", SummaryLine).show(card_view(self.card))
        rows = self.rows()
        # Kept: the cursor follows its event when a save adds lines above it (or stays at its place).
        self.table.set_source(ListSource(rows), keep_cursor=keep_cursor, key=row_key if keep_cursor else None)
        if not keep_cursor and rows:
            # Start on the TODAY rule's neighbour: the most recent past event (or the rule).
            rule = next(i for i, r in enumerate(rows) if isinstance(r, TodayRule))
            self.table.move_cursor(min(rule + 1, len(rows) - 1))
        self.query_one("#timeline-summary", SummaryLine).show(self._summary(rows))

    def _summary(self, rows: list) -> Text:
        if self.timeline is None:
            return Text("")
        events = [r for r in rows if not isinstance(r, TodayRule)]
        upcoming = sum(1 for e in events if e.upcoming)
        text = Text.assemble(("kind ", "dim"), (self.kind or "all", "bold"), f" · {plural(len(events), 'event')} · {upcoming} upcoming")
        if self.filter_text:
            text.append(f" · filter “{self.filter_text}”", style="yellow")
        if self.older_before is not None:
            text.append(f" · events before {self.older_before:%d %b %y} loading…", style="dim")
        return text

    # -- filtering --------------------------------------------------------

    def filter_changed(self, text: str) -> None:
        self._show()

    def action_cycle_kind(self) -> None:
        """Show one kind of event at a time: all → activity → case → ... → all."""
        order = (None, *EVENT_KINDS)
        self.kind = order[(order.index(self.kind) + 1) % len(order)]
        self._show()

    # -- opening ----------------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        # An anniversary is the account itself: its card is already on top.
        if isinstance(event.row, TimelineEvent) and event.row.source != "account":
            self.open_record(event.row.source, event.row.source_id)


    # -- actions ----------------------------------------------------------

    EDIT_HINT = "Put the cursor on a touch, commitment, milestone, planned visit or opportunity."

    def edit_target(self) -> tuple[str, int] | None:
        row = self.table.current_row
        if isinstance(row, TimelineEvent) and row.source in edits.BY_TABLE:
            return edits.BY_TABLE[row.source], row.source_id
        return None

    def action_edit_record(self) -> None:
        """Correct the entry under the cursor in the form that made it (a deal: the opportunity form)."""
        row = self.table.current_row
        if isinstance(row, TimelineEvent) and row.source == "opportunity":
            self.action_edit_opportunity()
        else:
            super().action_edit_record()

    def _need_account(self) -> AccountCard | None:
        if self.card is None:
            self.notify("Pick an account first (1 Today, 2 Portfolio, or ctrl+p).", severity="warning")
        return self.card

    def action_log_touch(self) -> None:
        """Open the visit record form for this account."""
        card = self._need_account()
        if card is not None:
            self.log_visit(card.id, card.name)

    def _entry(self, form: EntryForm) -> None:
        def finished(saved: object | None) -> None:
            if saved is not None:
                after_write(self.app, form.done)

        self.app.push_screen(EntryScreen(form), finished)

    def _account_form(self, build) -> None:
        """Open the form `build(viewer, account_id, name, owner)` makes, for the shown account."""
        card = self._need_account()
        if card is not None:
            self._entry(build(self.app.viewer, card.id, card.name, card.owner))

    def action_plan_visit(self) -> None:
        """Put a visit for this account on the plan."""
        self._account_form(entry_forms.plan_visit_form)

    def action_add_commitment(self) -> None:
        """Record a promise to this customer, with an owner and a due date."""
        self._account_form(entry_forms.commitment_form)

    def action_add_milestone(self) -> None:
        """Add a milestone (deliverable, renewal, QBR, deadline, contract) to the timeline."""
        self._account_form(entry_forms.milestone_form)

    def action_mark_done(self) -> None:
        """Mark the selected commitment or milestone done."""
        row = self.table.current_row
        if not isinstance(row, TimelineEvent) or row.source not in ("action_item", "milestone") or row.state == "done":
            self.notify("Put the cursor on an open commitment or milestone.", severity="warning")
            return
        complete = visits.complete_commitment if row.source == "action_item" else visits.complete_milestone
        self.write(complete, row.source_id, done=f"Done: {row.title.split(': ', 1)[-1]}")

    def action_contact_left(self) -> None:
        """Record that one of the account's contacts left (a champion leaving is a risk)."""
        card = self._need_account()
        if card is None:
            return
        self._pick_contact(card.id)

    @work(thread=True, exclusive=True, group="timeline-open", exit_on_error=False)
    def _pick_contact(self, account_id: int) -> None:
        self.post_message(self.ContactsLoaded(call(visits.current_contacts, self.app.viewer, account_id)))

    def on_timeline_screen_contacts_loaded(self, message: ContactsLoaded) -> None:
        people = message.people
        if not people:
            self.notify("No current contacts on record for this account.", severity="warning")
            return
        viewer = self.app.viewer

        def chosen(value: str | None) -> None:
            if value is not None:
                contact_id = int(value)
                name = next(p[1] for p in people if p[0] == contact_id)
                self._entry(entry_forms.contact_left_form(viewer, contact_id, name))

        self.app.push_screen(PickScreen("Who left?", [(str(i), f"{name} ({role})") for i, name, role in people]), chosen)

