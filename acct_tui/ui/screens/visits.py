"""Visit log: the visit plan (upcoming and missed, late ones in red) over the visit records.

The plan is loaded in a thread worker; the records page straight from SQL
through `services.visit_log` (a `VirtualTable` source: count + one page at a
time), so a lead's thousands of records open at once. `f` sets the record
filters (account, kind, who logged it, dates, sentiment) in a small form;
`/` narrows by words in the account or subject.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from acct_tui import clock
from acct_tui.db import database
from acct_tui.services import entry_forms, visit_log
from acct_tui.services.timeline import EDITED
from acct_tui.services.visit_log import PlannedVisitRow, VisitFilter, VisitRecordRow
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.base import AcctScreen
from acct_tui.ui.screens.record_edits import RecordEdits
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.widgets.virtual_table import PAGE_SIZE, Column, ListSource, VirtualTable

SENTIMENT_MARK = {-2: (":((", "bold red"), -1: (":(", "red"), 0: (":|", "dim"), 1: (":)", "green"), 2: (":D", "bold green")}


#: How many records saved above it the records cursor follows its row past.
RECORDS_FOLLOW = 8


class RecordsSource:
    """The records table's window: a count and one page at a time, from SQL.

    `prime()` runs the count and the first page (in a worker thread), so
    showing a new filter never blocks the screen; later pages are one
    indexed `LIMIT/OFFSET` query each, fetched as they scroll into view.
    """

    def __init__(self, viewer, flt: VisitFilter) -> None:
        self.viewer = viewer
        self.flt = flt
        self._count: int | None = None
        self._first: tuple[int, list[VisitRecordRow]] | None = None

    def prime(self) -> "RecordsSource":
        self.count()
        self._first = (PAGE_SIZE, visit_log.visit_records(self.viewer, self.flt, offset=0, limit=PAGE_SIZE))
        return self

    def count(self) -> int:
        if self._count is None:
            self._count = visit_log.count_visit_records(self.viewer, self.flt)
        return self._count

    def fetch(self, offset: int, limit: int) -> list[VisitRecordRow]:
        if offset == 0 and self._first is not None and self._first[0] >= limit:
            return self._first[1][:limit]
        return visit_log.visit_records(self.viewer, self.flt, offset=offset, limit=limit)


def _plan_date(row: PlannedVisitRow) -> Text:
    return Text(f"{row.scheduled_for:%a %d %b %y}", style="bold red" if row.late else "")


def _plan_state(row: PlannedVisitRow) -> Text:
    if row.late:
        return Text(f"{row.days_late}d late" if row.status == "planned" else f"missed {row.days_late}d", style="bold red")
    days = (row.scheduled_for - clock.today()).days
    return Text("today" if days == 0 else f"in {days}d", style="cyan")


def _sentiment(row: VisitRecordRow) -> Text:
    if row.sentiment is None:
        return Text("·", style="dim")
    mark, style = SENTIMENT_MARK.get(row.sentiment, (str(row.sentiment), ""))
    return Text(mark, style=style)


def _subject(row: VisitRecordRow) -> Text:
    text = Text(row.subject)
    if row.intent_to_leave:
        text = Text.assemble(("LEAVING ", "bold red"), text)
    if row.confidential:
        text.append(" (confidential)", style="dim italic")
    return _edited(text, row.edited)


def _purpose(row: PlannedVisitRow) -> Text:
    return _edited(Text(row.purpose), row.edited)


def _edited(text: Text, edited: bool) -> Text:
    """Mark a corrected record as the timeline does (`services.timeline.EDITED`)."""
    if edited:
        text.append(f" · {EDITED}", style="dim")
    return text


PLAN_COLUMNS = [
    Column("scheduled_for", "Planned", 13, render=_plan_date),
    Column("state", "When", 11, render=_plan_state),
    Column("account_name", "Account", 0, min_width=20, max_width=40),
    Column("owner", "Owner", 16, priority=1),
    Column("purpose", "Purpose", 0, render=_purpose, min_width=12),
]
RECORD_COLUMNS = [
    Column("occurred_at", "When", 16, render=lambda r: f"{r.occurred_at:%d %b %y %H:%M}"),
    Column("kind", "Kind", 8),
    Column("account_name", "Account", 0, min_width=20, max_width=40),
    Column("author", "By", 16, priority=1),
    Column("sentiment", "Mood", 4, render=_sentiment, priority=2),
    Column("duration_min", "Min", 4, justify="right", render=lambda r: str(r.duration_min or ""), priority=3),
    Column("subject", "Subject", 0, render=_subject, min_width=12),
]


class VisitLogScreen(RecordEdits, AcctScreen):
    """The visit plan and the visit records of the accounts I may see."""

    MODE = "visits"
    MAIN = "records-table"
    ROW_ACCOUNT = "account_id"
    TITLE = "Visit log"
    CSS_PATH = "visits.tcss"
    HELP = (
        "Top: the visit plan, upcoming and missed planned visits by date (late ones in red). "
        "Bottom: every logged touch, newest first; {visits.filter} filters by account, kind, who logged it, dates and sentiment, "
        "{screen.filter} by words. tab switches pane; {table.select} opens a record (or a planned visit's "
        "account); {visits.log} logs a visit in the full form, {app.capture} in one line; {visits.edit} corrects the "
        "record or planned visit under the cursor, {visits.delete} deletes it after asking, {app.undo} takes either back."
    )
    BINDINGS = bindings("visits")

    @dataclass
    class PlanLoaded(Message):
        rows: list[PlannedVisitRow]

    @dataclass
    class RecordsLoaded(Message):
        source: RecordsSource
        keep_cursor: bool

    def __init__(self) -> None:
        super().__init__()
        self.filters = VisitFilter()
        self.plan: list[PlannedVisitRow] = []

    def compose_body(self) -> ComposeResult:
        yield Static(id="plan-summary", classes="pane-title")
        yield VirtualTable(PLAN_COLUMNS, empty_text="No visits planned or missed.", id="plan-table")
        yield Static(id="records-summary", classes="pane-title")
        yield VirtualTable(RECORD_COLUMNS, empty_text="No visit records match.", id="records-table")

    @property
    def plan_table(self) -> VirtualTable:
        return self.query_one("#plan-table", VirtualTable)

    @property
    def records_table(self) -> VirtualTable:
        return self.query_one("#records-table", VirtualTable)

    # -- loading ----------------------------------------------------------

    def refresh_data(self) -> None:
        self._load_plan()
        self._show_records(keep_cursor=True)

    @work(thread=True, exclusive=True, group="visit-plan", exit_on_error=False)
    def _load_plan(self) -> None:
        with database.connection_context():
            rows = visit_log.visit_plan(self.app.viewer)
        self.post_message(self.PlanLoaded(rows))

    def on_visit_log_screen_plan_loaded(self, message: PlanLoaded) -> None:
        self.plan = message.rows
        self.plan_table.set_source(ListSource(self.plan), key=lambda row: row.id)  # follows its visit, else stays put
        late = sum(1 for r in self.plan if r.late)
        text = Text.assemble(("Visit plan ", "bold"), f"{len(self.plan)} planned")
        if late:
            text.append(f" · {late} late or missed", style="bold red")
        self.query_one("#plan-summary", Static).update(text)

    def _show_records(self, keep_cursor: bool = False) -> None:
        self._load_records(replace(self.filters, text=self.filter_text), keep_cursor)

    @work(thread=True, exclusive=True, group="visit-records", exit_on_error=False)
    def _load_records(self, flt: VisitFilter, keep_cursor: bool) -> None:
        with database.connection_context():
            source = RecordsSource(self.app.viewer, flt).prime()
        self.post_message(self.RecordsLoaded(source, keep_cursor))

    def on_visit_log_screen_records_loaded(self, message: RecordsLoaded) -> None:
        source = message.source
        table = self.records_table
        before = table.current_row if message.keep_cursor else None
        table.set_source(source, keep_cursor=message.keep_cursor)
        if before is not None:
            # Newest first: records saved since come above the cursor's; follow it down a few
            # rows (within the first page, already read), else stay at the same place.
            last = min(table.cursor + RECORDS_FOLLOW, table.row_count, PAGE_SIZE)
            for index in range(table.cursor, last):
                if table.row_at(index).id == before.id:
                    table.move_cursor(index)
                    break
        text = Text.assemble(("Visit records ", "bold"), f"{source.count():,} newest first")
        described = source.flt.describe()
        text.append(f" · {described}" if described else " · all", style="yellow" if described else "dim")
        self.query_one("#records-summary", Static).update(text)

    # -- selection --------------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        if isinstance(event.row, VisitRecordRow):
            self.open_record("activity", event.row.id)
        elif isinstance(event.row, PlannedVisitRow):
            self.app.open_account(event.row.account_id)


    def _focused_row(self):
        table = self.focused if isinstance(self.focused, VirtualTable) else self.records_table
        return table.current_row

    def action_open_account(self) -> None:
        """Open the timeline of the account under the cursor."""
        row = self._focused_row()
        if row is not None:
            self.app.open_account(row.account_id)

    # -- actions ----------------------------------------------------------

    def edit_target(self) -> tuple[str, int] | None:
        row = self._focused_row()
        if isinstance(row, VisitRecordRow):
            return "touch", row.id
        if isinstance(row, PlannedVisitRow):
            return "plan", row.id
        return None

    def action_log_visit(self) -> None:
        """Log a visit in the full form (for the account under the cursor, if any)."""
        row = self._focused_row()
        if row is not None:
            self.log_visit(row.account_id, row.account_name, done="Visit record saved.")
        else:
            self.log_visit(done="Visit record saved.")

    def filter_changed(self, text: str) -> None:
        self._show_records()

    def action_clear_filters(self) -> None:
        self.filters = VisitFilter()
        self._show_records()

    def action_filter_records(self) -> None:
        """Narrow the records by account, kind, who logged them, dates and sentiment."""
        def done(chosen: VisitFilter | None) -> None:
            if chosen is not None:
                self.filters = chosen
                self._show_records()

        self.app.push_screen(EntryScreen(entry_forms.record_filter_form(self.app.viewer, self.filters)), done)
