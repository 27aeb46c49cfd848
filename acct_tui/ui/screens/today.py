"""Today (mode 1): who to contact next and why, and the actions to handle it from the row.

The queue is `services.today.build_today`, loaded in a thread worker: its
first `FIRST_ROWS` rows at once (found without ranking the whole book), then
the whole queue. Shown one row per account, its most urgent reason first (the side pane
lists the others). `enter`/`w` shows every term of the score. The actions
work on the highlighted account: `l` log a touch, `n` quick capture with
the account filled in, `p` plan a visit, `d` mark its commitment (or
milestone) done, `a`/`s` acknowledge/snooze its alert, `o` its timeline.
Every write goes through the same services as elsewhere, in a worker; the
app's data version then reloads Today, so a handled row goes away or
re-ranks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from acct_tui.core.text import plural
from acct_tui.db import database
from acct_tui.errors import AcctError
from acct_tui.services.today import Today, TodayItem, TodayRow
from acct_tui.ui.keys import bindings, keys_by_id
from acct_tui.ui.screens.base import FIRST_PAINT_WAIT, AcctScreen
from acct_tui.ui.screens.pick import PickScreen
from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable
from acct_tui.ui.writes import after_write

#: Rows shown before the whole queue is ranked: a tall terminal's screenful, and the next.
FIRST_ROWS = 100

KIND_STYLE = {
    "escalation": "bold magenta", "alert": "bold red", "commitment": "yellow", "visit": "cyan", "cadence": "",
    "renewal": "bold yellow", "milestone": "", "courtesy": "green",
}


def _kind(item: TodayItem) -> Text:
    style = KIND_STYLE.get(item.kind, "")
    if item.kind == "alert" and item.reason.startswith("yellow"):
        style = "bold yellow"
    return Text(item.kind, style=style)


def _why(row: TodayRow) -> Text:
    text = Text(row.top.reason)
    if len(row.items) > 1:
        text.append(f"  +{len(row.items) - 1} more", style="dim")
    return text


def today_columns(with_owner: bool) -> list[Column]:
    """The queue's columns. When they do not fit, Due goes first, then Kind, then Owner (the
    side pane and `enter` still show them); the account (20 cells at least) and the reason stay."""
    cols = [
        Column("score", "Score", 6, justify="right", render=lambda r: Text(f"{r.score:.0f}", style="bold")),
        Column("account_name", "Account", 0, min_width=20, max_width=36),
        Column("owner", "Owner", 13, render=lambda r: r.owner or "-", priority=2),
        Column("kind", "Kind", 10, render=lambda r: _kind(r.top), priority=3),
        Column("due", "Due", 7, render=lambda r: Text(f"{r.top.due:%d %b}" if r.top.due else "", style="dim"), priority=4),
        Column("why", "Why", 0, min_width=20, render=_why, priority=1),
    ]
    return cols if with_owner else [c for c in cols if c.key != "owner"]


def side_text(row: TodayRow | None, why_keys: str = "enter") -> Text:
    """The highlighted account's every reason, most urgent first; `why_keys` open the terms."""
    if row is None:
        return Text("")
    out = Text(f"{row.account_name}\n", style="bold")
    if row.owner:
        out.append(f"owner {row.owner}\n", style="dim")
    out.append("\n")
    for item in row.items:
        out.append(f"{item.score:>5.0f} ", style="bold")
        out.append_text(_kind(item))
        out.append(f"\n      {item.reason}\n")
    out.append(f"\n{why_keys}: why (every term)", style="dim")
    return out


class TodayScreen(AcctScreen):
    """Mode 1: the ranked queue of what to do today, and the keys to do it."""

    MODE = "today"
    MAIN = "today-table"
    ROW_ACCOUNT = "account_id"
    TITLE = "Today"
    CSS_PATH = "today.tcss"
    FIRST_SCREENFUL = True
    HELP = (
        "Who to contact today and why: open alerts, escalations to you, accounts past their contact or visit "
        "target, commitments due within 7 days or late, visits planned this week, milestones within 14 days, "
        "quiet renewals and courtesy dates, one row per account ranked by urgency (the config's [urgency]). "
        "enter or w shows every term of the score. From the row: l log a touch, n quick capture, p plan a "
        "visit, d mark the commitment done, a acknowledge and s snooze the alert, o the timeline; O filters "
        "by owner (leads). The row goes away or re-ranks once handled."
    )
    BINDINGS = bindings("today")

    @dataclass
    class Loaded(Message):
        today: Today | None
        error: str | None = None

    @dataclass
    class Done(Message):
        """An action from the row finished: what to say, or the error."""

        message: str | None
        error: str | None = None
        rescan: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.queue: Today | None = None
        self._first_load_asked = False
        self.rows: list[TodayRow] = []
        self.owner: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading today…", id="today-summary")
        with Horizontal(id="today-body"):
            yield VirtualTable(today_columns(self.app.viewer.leads_people), id="today-table", empty_text="Loading…")
            with VerticalScroll(id="today-side"):
                yield Static("", id="today-detail")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#today-table", VirtualTable)

    # -- loading ----------------------------------------------------------

    def refresh_data(self) -> None:
        if self.queue is None and not self._first_load_asked:
            # The first load starts once the screen's first frame is painted: started at mount, its
            # page build (twenty queries, thousands of rows, the GIL let go and taken back at each)
            # was starved by that frame's styling and layout on the event loop, and came later.
            self._first_load_asked = True
            self.call_after_refresh(self._load)
            return
        self._load()

    @work(thread=True, exclusive=True, group="today-load", exit_on_error=False)
    def _load(self) -> None:
        from acct_tui.services import today
        from acct_tui.services.money import rate_book

        app = self.app
        worker = get_current_worker()
        try:
            with database.connection_context():
                book = rate_book(app.config.base_currency)
                # The first screenful at once (found without ranking the whole book), then the whole
                # queue once that is on the terminal: ranking it beside the paint competed for the GIL.
                painted = self._first_painted = threading.Event()
                self.post_message(self.Loaded(today.build_today(app.viewer, settings=app.risk_settings, book=book,
                                                                first=FIRST_ROWS)))
                painted.wait(FIRST_PAINT_WAIT)
                if worker.is_cancelled:
                    return
                queue = today.build_today(app.viewer, settings=app.risk_settings, book=book)
        except AcctError as exc:
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(queue))

    def on_today_screen_loaded(self, message: Loaded) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        self.queue = message.today
        self.table.empty_text = "Nothing needs you today."
        if message.today is not None and not message.today.complete:
            self.table.call_after_paint(self._first_painted.set)
        self.table.call_after_paint(self.first_screenful_painted)
        self._show()
        if message.today is not None and message.today.complete:
            self.app.settle_load(len(message.today.items) + len(message.today.rows))

    def _show(self) -> None:
        needle = self.filter_text.lower()
        rows = list(self.queue.rows) if self.queue else []
        if self.owner:
            rows = [r for r in rows if r.owner == self.owner]
        if needle:
            rows = [r for r in rows if needle in f"{r.account_name} {r.owner or ''} {' '.join(i.reason for i in r.items)}".lower()]
        self.rows = rows
        # The cursor stays on the same account when it is still there, else on the row that took its place.
        self.table.set_source(ListSource(rows), key=lambda row: row.account_id)
        self._show_summary()
        self._show_detail()

    def _show_summary(self) -> None:
        if self.queue is None:
            return
        text = Text()
        if self.queue.complete:
            text.append(f"{len(self.rows):,}", style="bold")
            text.append(f" accounts · {sum(len(r.items) for r in self.rows):,} things to do · {self.queue.day:%A %d %B %Y}")
        else:
            text.append(f"The first {plural(len(self.rows), 'account')}", style="bold")
            text.append(f" · counting the rest… · {self.queue.day:%A %d %B %Y}")
        described = ", ".join(p for p in (f"owner {self.owner}" if self.owner else "", f"text {self.filter_text!r}" if self.filter_text else "") if p)
        if described:
            text.append(" · filter: ", style="dim")
            text.append(described, style="bold")
        self.query_one("#today-summary", Static).update(text)

    def _show_detail(self) -> None:
        self.query_one("#today-detail", Static).update(side_text(self.table.current_row, self._why_keys()))

    def _why_keys(self) -> str:
        """The keys that open the terms now (enter and `today.why`, remapped ones as they are)."""
        keys = keys_by_id(self)
        return " or ".join(k for k in (keys.get("table.select"), keys.get("today.why")) if k)

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._show_detail()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.action_why()

    def filter_changed(self, text: str) -> None:
        self._show()

    # -- the row ----------------------------------------------------------

    def _row(self) -> TodayRow | None:
        row = self.table.current_row
        if row is None:
            self.notify("Nothing selected.", severity="warning")
        return row

    def _item(self, kinds: tuple[str, ...], what: str) -> tuple[TodayRow, TodayItem] | None:
        """The highlighted account's most urgent item of `kinds`, or a warning saying there is none."""
        row = self._row()
        if row is None:
            return None
        item = next((i for i in row.items if i.kind in kinds), None)
        if item is None:
            self.notify(f"{row.account_name} has no {what} on Today.", severity="warning", markup=False)
            return None
        return row, item

    def action_why(self) -> None:
        """Show every term of the highlighted account's scores."""
        from acct_tui.services.today import explain
        from acct_tui.ui.screens.dialogs import RecordScreen

        row = self._row()
        if row is not None:
            self.app.push_screen(RecordScreen(explain(row)))

    def action_log_touch(self) -> None:
        """Open the visit record form on the highlighted account."""
        row = self._row()
        if row is not None:
            self.log_visit(row.account_id, row.account_name)

    def action_capture(self) -> None:
        """Quick capture with the highlighted account filled in."""
        from acct_tui.ui.screens.quick_capture import QuickCaptureScreen, account_prefix

        row = self.table.current_row
        line = account_prefix(row.account_name) if row is not None else ""

        def saved(activity_id: int | None) -> None:
            if activity_id is not None:
                after_write(self.app, "Logged.")

        self.app.push_screen(QuickCaptureScreen(line), saved)

    def action_plan_visit(self) -> None:
        """Put a visit to the highlighted account on the plan."""
        from acct_tui.services import entry_forms
        from acct_tui.ui.screens.form import EntryScreen

        row = self._row()
        if row is None:
            return
        form = entry_forms.plan_visit_form(self.app.viewer, row.account_id, row.account_name, row.owner)

        def finished(saved: object | None) -> None:
            if saved is not None:
                after_write(self.app, form.done)

        self.app.push_screen(EntryScreen(form), finished)

    def action_mark_done(self) -> None:
        """Mark the highlighted account's most urgent commitment (or milestone) done."""
        found = self._item(("commitment", "milestone"), "commitment or milestone")
        if found is not None:
            _row, item = found
            self._act("done", item)

    def action_acknowledge(self) -> None:
        """Acknowledge the highlighted account's most urgent alert."""
        found = self._item(("escalation", "alert"), "open alert")
        if found is not None:
            self._act("acknowledge", found[1])

    def action_snooze(self) -> None:
        """Snooze the highlighted account's most urgent alert until a date, for a reason."""
        from acct_tui.services import entry_forms
        from acct_tui.services.entry_forms import SnoozeRequest
        from acct_tui.ui.screens.form import EntryScreen

        found = self._item(("escalation", "alert"), "open alert")
        if found is None:
            return
        item = found[1]

        def chosen(request: SnoozeRequest | None) -> None:
            if request is not None:
                self._act("snooze", item, until=request.until, reason=request.reason)

        self.app.push_screen(EntryScreen(entry_forms.snooze_form(1)), chosen)

    def action_open_account(self) -> None:
        """Open the highlighted account's timeline."""
        row = self._row()
        if row is not None:
            self.app.open_account(row.account_id)

    def action_pick_owner(self) -> None:
        """Show one owner's accounts only (leads)."""
        owners = sorted({r.owner for r in (self.queue.rows if self.queue else ()) if r.owner} | ({self.owner} if self.owner else set()))
        choices = [("", "everyone")] + [(login, login) for login in owners]

        def chosen(login: str | None) -> None:
            if login is not None:
                self.owner = login or None
                self._show()

        self.app.push_screen(PickScreen("Filter by owner", choices, current=self.owner or ""), chosen)

    @work(thread=True, exclusive=True, group="today-act", exit_on_error=False)
    def _act(self, verb: str, item: TodayItem, **kwargs) -> None:
        from acct_tui.services import alerts, visits

        viewer = self.app.viewer
        try:
            with database.connection_context():
                if verb == "done" and item.source == "action_item":
                    visits.complete_commitment(viewer, item.source_id)
                elif verb == "done":
                    visits.complete_milestone(viewer, item.source_id)
                elif verb == "acknowledge":
                    alerts.acknowledge(viewer, item.source_id)
                else:
                    alerts.snooze(viewer, item.source_id, **kwargs)
        except AcctError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        said = {"done": "Done", "acknowledge": "Acknowledged", "snooze": "Snoozed"}[verb]
        self.post_message(self.Done(f"{said}: {item.account_name}, {item.reason}", rescan=verb == "done"))

    def on_today_screen_done(self, message: Done) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        elif message.rescan:
            after_write(self.app, message.message or "")
        else:  # an alert's status changed: reload (the header's counts too); nothing for the scan to see
            self.notify(message.message or "", timeout=4, markup=False)
            self.app.data_changed()
