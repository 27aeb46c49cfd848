"""The KPI view: a period's figures per person, how four of them moved, and the team's eight quarters.

The same `services.kpi.report` as `acct-tui report --by owner`, so the two
always agree. One row per person the viewer oversees (a lead's team, an
AM's own row) and an `(all)` row; beside renewal rate, NRR, coverage and
on-time rate a sparkline of the last six periods. Under the table, the
highlighted row's every figure, and the team's NRR and coverage over the
last eight quarters (Textual `Sparkline`s, with each quarter's value).

`[` and `]` move the period, `p` switches quarter, month, year. Reports are
computed in a thread worker, the shown period first, and posted back one
by one; they are kept until the data changes (`invalidate()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Sparkline, Static
from textual.worker import get_current_worker

from acct_tui import clock
from acct_tui.core.kpi import TRENDS, KpiRow, show
from acct_tui.core.text import plural
from acct_tui.core.periods import Period, period_of, quarter_of
from acct_tui.db import database
from acct_tui.services import kpi, money
from acct_tui.ui.keys import bindings, keys_by_id
from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable

#: Periods a sparkline covers, and quarters the team's plot covers.
SPARK_PERIODS = 6
PLOT_QUARTERS = 8
#: Columns per quarter in the plot (the Sparkline is PLOT_QUARTERS x this wide, see team.tcss).
PLOT_COLUMN = 7
BARS = "▁▂▃▄▅▆▇█"
KINDS = ("quarter", "month", "year")


def spark_text(values: list[float | None]) -> Text:
    """A one-line sparkline scaled to the series' own low and high; `·` where a period has no figure."""
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    span = high - low
    text = Text()
    for value in values:
        if value is None:
            text.append("·", style="dim")
        else:
            level = 3 if not span else round((value - low) / span * (len(BARS) - 1))
            text.append(BARS[level], style="cyan")
    return text


@dataclass(frozen=True)
class KpiLine:
    """A table row: this period's figures and the trend figures of the periods up to it."""

    row: KpiRow
    trends: dict


def _trend_cell(name: str):
    def render(line: KpiLine) -> Text:
        text = Text(f"{show(name, getattr(line.row, name)):>6} ")
        return text.append_text(spark_text(line.trends.get(name, [None] * SPARK_PERIODS)))

    return render


def _label(line: KpiLine) -> Text:
    if line.row.group == kpi.TOTAL:
        return Text("(all)", style="bold")
    return Text.assemble((line.row.label, "bold"), (f" {line.row.group}" if line.row.group != line.row.label else "", "dim"))


COLUMNS = [
    Column("label", "Person", 0, render=_label, min_width=20, max_width=36),
    # Customers (prospects are not), not the Portfolio's and Team's accounts: named apart.
    Column("accounts", "Cust.", 5, "right", render=lambda r: f"{r.row.accounts:,}"),
    Column("value", "Value", 7, "right", render=lambda r: show("value", r.row.value), priority=2),
    Column("renewal_rate", "Renewal", 13, render=_trend_cell("renewal_rate"), priority=3),
    Column("nrr", "NRR", 13, render=_trend_cell("nrr"), priority=4),
    Column("grr", "GRR", 6, "right", render=lambda r: show("grr", r.row.grr), priority=5),
    Column("expansion_won", "Exp. won", 8, "right", render=lambda r: show("expansion_won", r.row.expansion_won), priority=6),
    Column("coverage", "Coverage", 13, render=_trend_cell("coverage")),
    Column("on_time_rate", "On time", 13, render=_trend_cell("on_time_rate")),
    Column("visit_plan_rate", "Visits", 6, "right", render=lambda r: show("visit_plan_rate", r.row.visit_plan_rate), priority=8),
    Column("cases_opened", "Cases", 5, "right", render=lambda r: f"{r.row.cases_opened:,}", priority=9),
    Column("escalations", "Esc.", 4, "right", render=lambda r: f"{r.row.escalations:,}", priority=7),
]


def detail(row: KpiRow | None, base: str) -> Text:
    """Every figure of one row, in words, and what had no rate."""
    if row is None:
        return Text("")
    text = Text.assemble(
        ("(all you see)" if row.group == kpi.TOTAL else row.label, "bold"),
        f"  {plural(row.accounts, 'customer')} · value {show('value', row.value)} {base} · renewals {row.renewed}/{row.renewals_due} "
        f"({show('renewal_rate', row.renewal_rate)}) · churned {row.churned} · GRR {show('grr', row.grr)} · "
        f"NRR {show('nrr', row.nrr)} · expansion won {show('expansion_won', row.expansion_won)} {base}\n",
        f"coverage {show('coverage', row.coverage)} · visits {row.visits_done}/{row.visits_planned} "
        f"({show('visit_plan_rate', row.visit_plan_rate)}) · commitments on time {row.commitments_on_time}/"
        f"{row.commitments_due} ({show('on_time_rate', row.on_time_rate)}) · cases {row.cases_opened} "
        f"({show('cases_per_account', row.cases_per_account)} per account), median "
        f"{show('median_case_days', row.median_case_days)} days open · escalations {row.escalations}",
    )
    if row.without_rate:
        text.append(f"\nleft out: {row.without_rate}", style="bold yellow")
    return text


class KpiView(Vertical):
    """Figures per person for one period, with trends; `[` `]` move the period."""

    BINDINGS = bindings("kpi")

    @dataclass
    class Computed(Message):
        """One period's report, from the worker."""

        report: kpi.KpiReport

    @dataclass
    class Failed(Message):
        error: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.period: Period = quarter_of(clock.today())
        self.reports: dict[str, kpi.KpiReport] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("", id="kpi-title")
        yield VirtualTable(COLUMNS, id="kpi-table", empty_text="Computing…")
        yield Static("", id="kpi-detail")
        with Horizontal(id="kpi-plot"):
            for key, title in (("nrr", "NRR"), ("coverage", "Coverage")):
                with Vertical(id=f"chart-{key}", classes="kpi-chart"):
                    yield Static(title, id=f"plot-{key}-title", classes="kpi-chart-title")
                    yield Sparkline([], id=f"plot-{key}")
                    yield Static("", id=f"plot-{key}-axis", classes="kpi-chart-axis")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#kpi-table", VirtualTable)

    # -- loading ----------------------------------------------------------

    def wanted(self) -> list[Period]:
        """The periods this screen needs, the shown one first."""
        periods = [self.period] + [self.period.shift(-k) for k in range(1, SPARK_PERIODS)]
        last_quarter = quarter_of(min(self.period.end, clock.today()))
        periods += [last_quarter.shift(-k) for k in range(PLOT_QUARTERS)]
        return list({p.label: p for p in periods}.values())

    def load(self) -> None:
        """Compute what is missing for the shown period (and its history) in the background."""
        self.loaded = True
        missing = [p for p in self.wanted() if p.label not in self.reports]
        self._show_report()
        if missing:
            self._compute(missing)

    def invalidate(self, *, shown: bool = True) -> None:
        """The data changed: forget every report; compute again now if `shown`, else when next `load()`ed."""
        self.reports.clear()
        if self.loaded and shown:
            self.load()

    @work(thread=True, exclusive=True, group="kpi", exit_on_error=False)
    def _compute(self, periods: list[Period]) -> None:
        app, worker = self.app, get_current_worker()
        try:
            with database.connection_context():
                book = money.rate_book(app.config.base_currency)
                for period in periods:
                    if worker.is_cancelled:  # a newer period was asked for: it computes what is still missing
                        return
                    report = kpi.report(app.viewer, period, book, by="owner", today=clock.today(), policy=app.policy)
                    self.post_message(self.Computed(report))
        except Exception as exc:  # said on screen; the view stays usable
            self.post_message(self.Failed(str(exc)))

    def on_kpi_view_computed(self, message: Computed) -> None:
        self.reports[message.report.period.label] = message.report
        self._show_report()

    def on_kpi_view_failed(self, message: Failed) -> None:
        self.notify(f"KPIs could not be computed: {message.error}", severity="error", markup=False)

    # -- showing ------------------------------------------------------------

    def _series(self, group: str, periods: list[Period], name: str) -> list[float | None]:
        values = []
        for period in periods:
            report = self.reports.get(period.label)
            row = None if report is None else (report.total if group == kpi.TOTAL else report.row(group))
            values.append(None if row is None else getattr(row, name))
        return values

    def lines(self) -> list[KpiLine]:
        """The table's rows for the shown period (empty until its report is in)."""
        report = self.reports.get(self.period.label)
        if report is None:
            return []
        history = [self.period.shift(-k) for k in range(SPARK_PERIODS - 1, -1, -1)]
        rows = list(report.rows) + ([report.total] if len(report.rows) > 1 else [])
        return [KpiLine(row, {name: self._series(row.group, history, name) for name in TRENDS}) for row in rows]

    def _show_report(self) -> None:
        today = clock.today()
        base = self.app.config.base_currency
        pending = sum(1 for p in self.wanted() if p.label not in self.reports)
        keys = keys_by_id(self.screen)
        title = Text.assemble((self.period.describe(today), "bold"), f" · {base} · trends: the last {SPARK_PERIODS} "
                              f"{self.period.kind}s · ", (f"{keys.get('kpi.earlier', '?')}\u00a0{keys.get('kpi.later', '?')}", "bold"),
                              " period · ", (keys.get("kpi.kind", "?"), "bold"), f" by {_next_kind(self.period.kind)}")
        if pending:
            title.append(f" · computing {pending} period{'s' if pending > 1 else ''}…", style="dim")
        self.query_one("#kpi-title", Static).update(title)
        self.table.set_source(ListSource(self.lines()), keep_cursor=True)
        self._show_detail()
        self._plot()

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        line = self.table.current_row
        self.query_one("#kpi-detail", Static).update(detail(line.row if line else None, self.app.config.base_currency))

    def _plot(self) -> None:
        """The whole team's (or the AM's own) NRR and coverage over the last eight quarters."""
        quarters = [quarter_of(min(self.period.end, clock.today())).shift(-k) for k in range(PLOT_QUARTERS - 1, -1, -1)]
        reports = [self.reports.get(q.label) for q in quarters]
        for key in ("nrr", "coverage"):
            values = [None if r is None else getattr(r.total, key) for r in reports]
            known = [v for v in values if v is not None]
            floor = min(known) if known else 0.0
            # Each quarter repeated once per column: one bar per column, under its label.
            bars = [floor if v is None else v for v in values for _ in range(PLOT_COLUMN)] if known else []
            self.query_one(f"#plot-{key}", Sparkline).data = bars
            axis = Text()
            for quarter in quarters:
                axis.append(f"{quarter.short_label:<{PLOT_COLUMN}}", style="dim")
            axis.append("\n")
            for value in values:
                axis.append(f"{show(key, value) if value is not None else '–':<{PLOT_COLUMN}}")
            self.query_one(f"#plot-{key}-axis", Static).update(axis)
            who = "Team" if len(reports[-1].rows if reports[-1] else ()) > 1 else "Yours"
            self.query_one(f"#plot-{key}-title", Static).update(
                Text.assemble((f"{who}: {key.upper() if key == 'nrr' else key}", "bold"), " over the last eight quarters", style="")
            )

    # -- keys -----------------------------------------------------------------

    def action_move(self, steps: int) -> None:
        """Show the period before (`[`) or after (`]`)."""
        self.period = self.period.shift(steps)
        self.load()

    def action_kind(self) -> None:
        """Quarter → month → year: the period holding today (or the shown period's end, if past)."""
        self.period = period_of(_next_kind(self.period.kind), min(self.period.end, clock.today()))
        self.load()


def _next_kind(kind: str) -> str:
    return KINDS[(KINDS.index(kind) + 1) % len(KINDS)] if kind in KINDS else "quarter"
