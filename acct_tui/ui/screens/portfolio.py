"""Portfolio: every account I may see, with health, cadence, visits, renewals and alerts.

The rows come from `services.portfolio` (loaded once per refresh in a thread
worker); sorting and filtering re-slice that in memory and the windowed
`VirtualTable` paints only what is on screen, so 100,000 accounts feel the
same as 20.
"""

from __future__ import annotations

import threading

from dataclasses import dataclass, replace
from typing import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message

from acct_tui import clock
from acct_tui.core.currency import short_amount, unrated_note
from acct_tui.core.text import noun_for
from acct_tui.db import database
from acct_tui.enums import TIERS
from acct_tui.services import money as money_service
from acct_tui.services import portfolio as service
from acct_tui.services.portfolio import Filters, Portfolio, PortfolioRow
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.base import FIRST_PAINT_WAIT, AcctScreen
from acct_tui.ui.screens.pick import pick_owner_filter
from acct_tui.ui.memory import give_back
from acct_tui.ui.screens.portfolio_columns import columns
from acct_tui.ui.widgets.summary_line import SummaryLine
from acct_tui.ui.widgets.virtual_table import VirtualTable

#: Sort columns in the order `s` cycles through them, with their header labels.
SORTS = (
    ("value", "value"),
    ("health", "health"),
    ("last_touch", "last touch"),
    ("renewal", "renewal"),
    ("alerts", "alerts"),
    ("next_visit", "next visit"),
    ("tier", "tier"),
    ("name", "name"),
    ("owner", "owner"),
    ("pipeline", "pipeline"),
)
SORT_LABELS = dict(SORTS)
#: Rows in the quick first screen, shown while the whole portfolio loads.
FIRST_SCREEN = 100
#: Sort key -> (the table column that shows it, whether its natural order is descending).
SORT_COLUMN = {
    "value": ("annual_value", True),
    "pipeline": ("pipeline", True),
    "health": ("health", False),
    "last_touch": ("days_since_touch", True),
    "renewal": ("days_to_renewal", False),
    "alerts": ("open_alerts", True),
    "next_visit": ("next_visit", False),
    "tier": ("tier", True),
    "name": ("name", False),
    "owner": ("owner", False),
}
BAND_CYCLE = (None, "red", "yellow", "green", "none")
TIER_CYCLE = (None, *reversed(TIERS))


class PortfolioSource:
    """The table's window onto the current sort and filter of a `Portfolio`."""

    def __init__(self, portfolio: Portfolio, positions: Sequence[int]):
        self.portfolio = portfolio
        self.positions = positions

    def count(self) -> int:
        return len(self.positions)

    def fetch(self, offset: int, limit: int) -> "LazyRows":
        return LazyRows(self.portfolio.row, self.positions[offset : offset + limit])


class LazyRows:
    """A page of rows, each built when first read: a keystroke builds the 50 on screen, not the page's 200."""

    __slots__ = ("_build", "_positions", "_rows")

    def __init__(self, build, positions):
        self._build, self._positions, self._rows = build, positions, {}

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, slot: int) -> PortfolioRow:
        row = self._rows.get(slot)
        if row is None:
            row = self._rows[slot] = self._build(self._positions[slot])  # IndexError past the end
        return row


class PortfolioScreen(AcctScreen):
    """The viewer's accounts, sortable and filterable, with a summary line."""

    MODE = "portfolio"
    MAIN = "portfolio-table"
    ROW_ACCOUNT = "id"
    TITLE = "Portfolio"
    CSS_PATH = "portfolio.tcss"
    FIRST_SCREENFUL = True
    HELP = (
        "Your accounts (a lead: the team's). ★ marks the accounts that make up 80% of the value; "
        "Touch is days since the last touch, coloured against the tier's cadence; Health shows the "
        "score in its band colour with the change over the last week. {portfolio.sort}/{portfolio.reverse} "
        "sort, {screen.filter} {portfolio.tier} {portfolio.band} {portfolio.owner} filter, {portfolio.clear} "
        "clears the filters, {table.select} opens the timeline. Columns that do not fit the terminal are "
        "hidden, least useful first; the header ends with how many (\"+4 hidden\"): widen it to see them."
    )
    BINDINGS = bindings("portfolio")

    @dataclass
    class Loaded(Message):
        """A fresh `Portfolio` from the loading worker; `warm_rest`: its other sort orders are still to compute."""

        portfolio: Portfolio
        warm_rest: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.portfolio: Portfolio | None = None
        self.sort = "value"
        self.reverse = False
        self.filters = Filters()
        self.positions: Sequence[int] = ()
        #: (portfolio, filters, their summary): a new sort shows the same rows, so the same totals.
        self._summary: tuple | None = None
        #: Set once the first screenful is painted: the loading worker then loads the whole book.
        self._first_painted = threading.Event()

    def compose_body(self) -> ComposeResult:
        yield SummaryLine("Loading accounts…", id="portfolio-summary")
        yield VirtualTable(
            columns(clock.today(), self.app.viewer.leads_people, self.app.config.base_currency),
            id="portfolio-table",
            empty_text="No accounts match.",
        )

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#portfolio-table", VirtualTable)

    # -- loading ----------------------------------------------------------

    def refresh_data(self) -> None:
        if self.portfolio is not None and self.portfolio.complete:
            # Swap, then free (after every scan and save): the old portfolio keeps only what
            # this view needs while the new one loads, and the new one first computes only
            # what it shows (`_load`); 100k accounts: the app's peak over a reload 229 -> 217 MB.
            self.portfolio.shed(self.sort)
        self._load()

    def action_reload(self) -> None:
        self.refresh_data()

    @work(thread=True, exclusive=True, group="portfolio", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        today = clock.today()
        give_back()  # what the last screen's load freed, before this one's peak lands on top
        with database.connection_context():
            book = money_service.rate_book(app.config.base_currency)
            if self.portfolio is None:
                # The first screenful at once; the whole portfolio once that is on the terminal:
                # loading it (a second of Python at 100k) beside the paint competed for the GIL.
                painted = self._first_painted = threading.Event()
                self.post_message(self.Loaded(service.load(app.viewer, app.policy, today, book, first=FIRST_SCREEN)))
                painted.wait(FIRST_PAINT_WAIT)
            reloading = self.portfolio is not None and self.portfolio.complete
            portfolio = service.load(app.viewer, app.policy, today, book)
        if reloading:
            self.post_message(self.Loaded(portfolio.warm(self.sort, self.filters), warm_rest=True))
        else:
            self.post_message(self.Loaded(portfolio.warm()))

    # A description of its own: Textual's default is the repr of the arguments, all 97k rows of a portfolio (30 MB).
    @work(thread=True, exclusive=True, group="portfolio-warm", exit_on_error=False, description="portfolio warm")
    def _warm(self, portfolio: Portfolio) -> None:
        give_back()  # the old portfolio, just let go
        portfolio.warm()

    def on_portfolio_screen_loaded(self, message: Loaded) -> None:
        # The quick first screen's cursor means nothing in the whole book's order.
        first_full = self.portfolio is not None and not self.portfolio.complete
        self.portfolio = message.portfolio
        self._show(to_top=first_full)
        if message.warm_rest:
            self._warm(message.portfolio)
        if not message.portfolio.complete:
            self.call_after_refresh(self._first_painted.set)
        self.call_after_refresh(self.first_screenful_painted)

    # -- sorting and filtering -------------------------------------------

    def _show(self, keep_id: int | None = None, *, to_top: bool = False) -> None:
        """Re-slice the loaded portfolio for the current sort and filters and repaint.

        After a new sort the cursor goes to the top (sorting is for seeing the
        extremes); otherwise it stays on the account it was on (`keep_id`,
        default: the current row) when that account is still shown.
        """
        portfolio = self.portfolio
        if portfolio is None:
            return
        if not to_top and keep_id is None and self.table.current_row is not None:
            keep_id = self.table.current_row.id
        table = self.table
        old_index = table.cursor
        if portfolio.complete:
            # Found as far as read: the keystroke pays for the rows on screen and the count only.
            self.positions = portfolio.shown(self.sort, self.reverse, self.filters)
            column, descending = SORT_COLUMN[self.sort]
        else:
            self.positions = portfolio.shown("value")
            column, descending = SORT_COLUMN["value"]
        table.sort_indicator = (column, descending != self.reverse)
        # The rows of one Portfolio are immutable and kept (`Portfolio.row`): a row the last
        # filter or sort showed too is not drawn again.
        table.set_source(PortfolioSource(portfolio, self.positions), keep_drawn=True)
        if keep_id is not None:
            position = portfolio.position_of(keep_id)
            index = None if position is None else self._index_in_view(position)
            # Gone from the view (handed over, filtered out by a change): stay at the same place.
            table.move_cursor(old_index if index is None else index)
        # The totals in the same frame as the rows: one refresh a key, not one for each.
        self._show_summary()

    def _index_in_view(self, position: int) -> int | None:
        # A linear scan, only as far as the row (none when the filters leave it out), beats
        # keeping a reverse index per view.
        try:
            return self.positions.index(position)
        except ValueError:
            return None

    def _show_summary(self) -> None:
        portfolio = self.portfolio
        if not portfolio.complete:
            text = Text.assemble(
                (f"{portfolio.total_accounts:,}", "bold"), f" {noun_for(portfolio.total_accounts, 'account')} · ",
                (f"{short_amount(portfolio.total_value)} {portfolio.base}", "bold"), " value · ",
            )
            if portfolio.total_unrated:
                text.append(unrated_note(portfolio.total_unrated) + " · ", style="bold yellow")
            text.append("loading the rest…")
            self.query_one("#portfolio-summary", SummaryLine).show(text)
            return
        summary = self._totals()
        text = Text()
        text.append(f"{summary.accounts:,}", style="bold")
        accounts = noun_for(summary.accounts, "account")
        text.append(f" {accounts} of {len(self.portfolio):,} · " if self.filters != Filters() else f" {accounts} · ")
        text.append(f"{short_amount(summary.total_value)} {portfolio.base}", style="bold")
        text.append(" value")
        if summary.unrated:
            text.append(f" ({summary.unrated_note})", style="bold yellow")
        if summary.pipeline or portfolio.unrated_pipeline:
            text.append(" · pipeline ")
            text.append(short_amount(summary.pipeline), style="bold")
            if portfolio.unrated_pipeline and not summary.filters:
                text.append(f" ({unrated_note(portfolio.unrated_pipeline, 'opportunity')})", style="bold yellow")
        text.append(" · coverage ")
        if summary.coverage is None:
            text.append("–")
        else:
            pct = summary.coverage * 100
            text.append(f"{pct:.0f}%", style="bold green" if pct >= 80 else "bold yellow" if pct >= 60 else "bold red")
        text.append(" · health ")
        text.append(f"{summary.red:,} red", style="bold red")
        text.append(" · ")
        text.append(f"{summary.yellow:,} yellow", style="bold yellow")
        text.append(f" · sorted by {SORT_LABELS[self.sort]}{' (reversed)' if self.reverse else ''}", style="dim")
        if summary.filters:
            text.append(" · filter: ", style="dim")
            text.append(summary.filters, style="bold")
        self.query_one("#portfolio-summary", SummaryLine).show(text)

    def _totals(self):
        cached = self._summary
        if cached is None or cached[0] is not self.portfolio or cached[1] != self.filters:
            cached = self._summary = (self.portfolio, self.filters, self.portfolio.totals(self.filters))
        return cached[2]

    def _set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._show()

    def filter_changed(self, text: str) -> None:
        self._set_filters(replace(self.filters, text=text))

    def action_cycle_sort(self) -> None:
        keys = [key for key, _label in SORTS if key != "owner" or self.app.viewer.leads_people]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.reverse = False
        self._show(to_top=True)

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._show(to_top=True)

    def action_cycle_tier(self) -> None:
        current = next(iter(self.filters.tiers)) if len(self.filters.tiers) == 1 else None
        nxt = TIER_CYCLE[(TIER_CYCLE.index(current) + 1) % len(TIER_CYCLE)] if current in TIER_CYCLE else None
        self._set_filters(replace(self.filters, tiers=frozenset({nxt}) if nxt else frozenset()))

    def action_cycle_band(self) -> None:
        current = next(iter(self.filters.bands)) if len(self.filters.bands) == 1 else None
        nxt = BAND_CYCLE[(BAND_CYCLE.index(current) + 1) % len(BAND_CYCLE)] if current in BAND_CYCLE else None
        self._set_filters(replace(self.filters, bands=frozenset({nxt}) if nxt else frozenset()))

    def action_pick_owner(self) -> None:
        if self.portfolio is None:
            return
        pick_owner_filter(self, self.portfolio.owner_logins)

    def action_clear_filters(self) -> None:
        self.filter_bar.value = ""
        self.filter_bar.close()
        self._set_filters(Filters())

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.app.open_account(event.row.id)
