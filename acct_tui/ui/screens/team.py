"""Team (mode 6): for leads, one row per account manager, my escalation inbox, and the KPIs tab.

People tab: `s`/`S` sort by any column, `enter` opens that person's
accounts and alerts (as the lead sees them), `R` hands some or all of their
accounts (or the unowned row's) to someone else, `i` moves to the inbox of
alerts escalated to me, oldest first, where `enter` opens the account's
timeline. `K` switches to the KPIs tab (`widgets/kpi_view.py`), which is
all an account manager sees here: their own row. In the inbox `a`
acknowledges and `r` resolves (with a note) the alert under the cursor.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane

from acct_tui.db import database
from acct_tui.core.currency import merge_unrated, short_amount, unrated_note
from acct_tui.core.text import noun_for
from acct_tui.services import money, team
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.alerts import PAST, SEVERITY_STYLE, STATUS_STYLE, age_days
from acct_tui.ui.screens.base import AcctScreen
from acct_tui.ui.screens.member import MemberScreen
from acct_tui.ui.screens.reassign import open_reassign
from acct_tui.ui.widgets.kpi_view import KpiView
from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable


def _value(row: team.TeamRow) -> Text:
    text = Text(short_amount(row.total_value))
    if row.unrated:
        # Some of their accounts could not be added in: say so beside the sum.
        text.append(f" +{sum(n for _, n in row.unrated)}?", style="bold yellow")
    return text


def _coverage(row: team.TeamRow) -> Text:
    if row.coverage is None:
        return Text("–", style="dim")
    pct = row.coverage * 100
    return Text(f"{pct:.0f}%", style="green" if pct >= 80 else "yellow" if pct >= 60 else "bold red")


def _count(value: int, style: str) -> Text:
    return Text(str(value), style=style if value else "dim")


def _quiet(row: team.TeamRow) -> Text:
    if row.is_unowned:
        return Text("")
    if row.days_since_touch is None:
        return Text("never", style="bold red")
    days = row.days_since_touch
    return Text(f"{days}d", style="bold red" if days > 14 else "yellow" if days > 7 else "")


def _name(row: team.TeamRow) -> Text:
    if row.is_unowned:
        return Text(row.name, style="bold magenta")
    return Text.assemble((row.name, "bold"), (f" {row.login}", "dim"))


TEAM_COLUMNS = [
    Column("name", "Person", 0, render=_name, min_width=20, max_width=36),
    Column("role", "Role", 7, priority=3),
    Column("accounts", "Accts", 6, justify="right"),
    Column("total_value", "Value", 12, justify="right", render=_value, priority=2),
    Column("red", "Red", 5, justify="right", render=lambda r: _count(r.red, "bold red")),
    Column("yellow", "Yellow", 7, justify="right", render=lambda r: _count(r.yellow, "bold yellow")),
    Column("snoozed_red", "Snz red", 8, justify="right", render=lambda r: _count(r.snoozed_red, "red"), priority=1),
    Column("coverage", "Coverage", 9, justify="right", render=_coverage),
    Column("late_commitments", "Late", 5, justify="right", render=lambda r: _count(r.late_commitments, "bold red")),
    Column("escalations_waiting", "Escal.", 7, justify="right", render=lambda r: _count(r.escalations_waiting, "bold")),
    Column("days_since_touch", "Quiet", 7, justify="right", render=_quiet, priority=1),
]
#: Sort keys in `s` order, with the first direction (True: largest first).
SORTS = [
    ("name", False), ("accounts", True), ("total_value", True), ("red", True), ("yellow", True),
    ("coverage", False), ("late_commitments", True), ("escalations_waiting", True), ("days_since_touch", True),
]


def sort_rows(rows: list[team.TeamRow], key: str, descending: bool) -> list[team.TeamRow]:
    """People sorted by `key` (missing values last either way); the unowned row stays last."""
    people = [r for r in rows if not r.is_unowned]
    unowned = [r for r in rows if r.is_unowned]

    def value(row):
        v = getattr(row, key)
        if key == "name":
            return v.lower()
        if key == "days_since_touch" and v is None:
            return 10**6  # never touched is the quietest of all
        return v

    present = [r for r in people if value(r) is not None]
    missing = [r for r in people if value(r) is None]
    present.sort(key=lambda r: (value(r), r.name.lower()), reverse=descending)
    return present + missing + unowned


INBOX_COLUMNS = [
    Column("waiting", "Waiting", 8, justify="right",
           render=lambda a: f"{age_days(a.escalated_at or a.first_seen)}d"),
    Column("account_name", "Account", 0, min_width=20, max_width=36),
    Column("severity", "Sev", 6, render=lambda a: Text(a.severity, style=SEVERITY_STYLE.get(a.severity, ""))),
    Column("rule", "Rule", 18, priority=2),
    Column("owner", "Owner", 14, render=lambda a: a.owner or "-", priority=1),
    Column("reason", "Reason", 0, min_width=16),
]

#: How the inbox marks an alert someone already took up, beside its rule.
INBOX_STATUS = {"acknowledged": "ack", "snoozed": "snz"}


def _rule_and_status(alert) -> Text:
    """The rule; an acknowledged (or snoozed) alert says so beside it, an open one is the rule alone."""
    mark = INBOX_STATUS.get(alert.status)
    return Text.assemble(alert.rule, (f" {mark}", STATUS_STYLE.get(alert.status, "")) if mark else "")


def inbox_columns() -> list[Column]:
    """`INBOX_COLUMNS`, the rule column showing whether the alert was already acknowledged."""
    return [dataclasses.replace(c, render=_rule_and_status) if c.key == "rule" else c for c in INBOX_COLUMNS]


class TeamScreen(AcctScreen):
    """Mode 6: the people I lead, their numbers, and what was escalated to me."""

    MODE = "team"
    MAIN = "team-table"
    TITLE = "Team"
    CSS_PATH = "team.tcss"
    HELP = (
        "People: one row per account manager you lead: accounts, value, red and yellow alerts, coverage "
        "(customers touched within their cadence), late commitments, escalations waiting on their accounts, "
        "and days since their last logged touch. Accounts of deactivated people show as (unowned) until "
        "reassigned. {team.sort}/{team.reverse} sort, {table.select} opens the person's accounts and alerts, "
        "{team.reassign} hands accounts over (a preview first), {team.inbox} moves to the inbox of alerts "
        "escalated to you, oldest first. {team.kpis}: the KPIs of a period per person (the same figures as "
        "acct-tui report) with sparklines of the last six periods; {kpi.earlier} and {kpi.later} move the "
        "period, {kpi.kind} switches quarter, month and year."
    )
    BINDINGS = bindings("team")
    #: Actions that belong to the People tab (an AM has none of them).
    PEOPLE_ACTIONS = ("cycle_sort", "reverse_sort", "reassign", "focus_inbox", "toggle_kpis")
    #: Actions on the alert under the cursor in "Escalated to me" (only while it has the focus).
    INBOX_ACTIONS = ("inbox_acknowledge", "inbox_resolve")

    @dataclass
    class Acted(Message):
        """An action on an escalated alert is done (`error` None) or was refused."""

        verb: str
        account: str
        error: str | None = None

    @dataclass
    class Loaded(Message):
        rows: list
        inbox: list

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[team.TeamRow] = []
        self.shown: list[team.TeamRow] = []
        self.inbox: list = []
        self.sort_key, self.descending = SORTS[0]

    @property
    def leads(self) -> bool:
        return self.app.viewer.leads_people

    def compose_body(self) -> ComposeResult:
        if not self.leads:
            yield KpiView(id="kpi-view")  # an account manager: their own figures
            return
        with TabbedContent(id="team-tabs", initial="tab-people"):
            with TabPane("People", id="tab-people"):
                yield Static("Loading the team…", id="team-summary")
                yield VirtualTable(TEAM_COLUMNS, id="team-table", empty_text="Nobody reports to you.")
                yield Static("Escalated to me", id="inbox-title")
                yield VirtualTable(inbox_columns(), id="inbox-table", empty_text="Nothing escalated to you.")
            with TabPane("KPIs", id="tab-kpis"):
                yield KpiView(id="kpi-view")

    @property
    def kpi_view(self) -> KpiView:
        return self.query_one("#kpi-view", KpiView)

    def focus_main(self) -> None:
        if not self.leads or self.query_one("#team-tabs", TabbedContent).active == "tab-kpis":
            self.set_focus(self.kpi_view.table)
        else:
            super().focus_main()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-kpis":
            self.kpi_view.load()  # computes only the periods it does not hold
            self.kpi_view.table.focus()
        else:
            self.table.focus()

    def action_toggle_kpis(self) -> None:
        """Switch between the People and the KPIs tabs."""
        tabs = self.query_one("#team-tabs", TabbedContent)
        tabs.active = "tab-people" if tabs.active == "tab-kpis" else "tab-kpis"

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#team-table", VirtualTable)

    @property
    def inbox_table(self) -> VirtualTable:
        return self.query_one("#inbox-table", VirtualTable)

    def refresh_data(self) -> None:
        if not self.leads:
            self.kpi_view.invalidate() if self.kpi_view.loaded else self.kpi_view.load()
            return
        self._load()
        # Recomputed now only when shown; otherwise when the KPIs tab is next opened.
        self.kpi_view.invalidate(shown=self.query_one("#team-tabs", TabbedContent).active == "tab-kpis")

    @work(thread=True, exclusive=True, group="team-load", exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        with database.connection_context():
            rows = team.team_rows(app.viewer, app.policy, money.rate_book(app.config.base_currency))
            inbox = team.escalation_inbox(app.viewer)
        self.post_message(self.Loaded(rows, inbox))

    def on_team_screen_loaded(self, message: Loaded) -> None:
        self.rows, self.inbox = message.rows, message.inbox
        self.inbox_table.set_source(ListSource(self.inbox), key=lambda alert: alert.id)
        self._show()

    def _show(self) -> None:
        needle = self.filter_text.lower()
        rows = [r for r in self.rows if not needle or needle in f"{r.name} {r.login or ''}".lower()]
        self.shown = sort_rows(rows, self.sort_key, self.descending)
        table = self.table
        table.sort_indicator = (self.sort_key, self.descending)
        table.set_source(ListSource(self.shown), key=lambda row: row.login)
        self._show_summary()

    def _show_summary(self) -> None:
        people = [r for r in self.rows if not r.is_unowned]
        accounts = sum(r.accounts for r in self.rows)
        covered = sum(r.covered for r in self.rows)
        judged = sum(r.judged for r in self.rows)
        text = Text()
        text.append(f"{len(people)}", style="bold")
        text.append(f" {noun_for(len(people), 'person', 'people')} · ")
        text.append(f"{accounts:,}", style="bold")
        text.append(f" {noun_for(accounts, 'account')} · ")
        value = sum(r.total_value for r in self.rows)
        text.append(f"{short_amount(value)} {self.app.config.base_currency}", style="bold")
        text.append(" value")
        unrated = merge_unrated(*(r.unrated for r in self.rows))
        if unrated:
            text.append(f" ({unrated_note(unrated)})", style="bold yellow")
        text.append(" · coverage ")
        text.append(f"{covered / judged * 100:.0f}%" if judged else "–", style="bold")
        text.append(" · ")
        text.append(f"{sum(r.red for r in self.rows)} red", style="bold red")
        text.append(" ")
        text.append(f"{sum(r.yellow for r in self.rows)} yellow", style="bold yellow")
        text.append(f" · {len(self.inbox)} escalated to me", style="bold" if self.inbox else "dim")
        unowned = next((r for r in self.rows if r.is_unowned), None)
        if unowned:
            text.append(f" · {unowned.accounts} unowned", style="bold magenta")
        label = next(c.label for c in TEAM_COLUMNS if c.key == self.sort_key)
        text.append(f" · sorted by {label.lower()}", style="dim")
        if self.filter_text:
            text.append(f" · filter: {self.filter_text}", style="bold")
        self.query_one("#team-summary", Static).update(text)
        self.query_one("#inbox-title", Static).update(
            Text.assemble(("Escalated to me", "bold"), (f"  {len(self.inbox)}, the longest waiting first", "dim"))
        )

    def filter_changed(self, text: str) -> None:
        self._show()

    def action_cycle_sort(self) -> None:
        keys = [k for k, _ in SORTS]
        self.sort_key, self.descending = SORTS[(keys.index(self.sort_key) + 1) % len(SORTS)]
        self._show()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self._show()

    def action_focus_inbox(self) -> None:
        (self.table if self.inbox_table.has_focus else self.inbox_table).focus()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        if event.table.id == "inbox-table":
            self.app.open_account(event.row.account_id)
            return
        row = event.row
        self.app.push_screen(MemberScreen(row.login, row.name))

    def action_available(self, action: str) -> bool:
        if action in self.INBOX_ACTIONS:
            return self.leads and self.inbox_table.has_focus
        return self.leads or action not in self.PEOPLE_ACTIONS

    def action_reassign(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        open_reassign(self, row.login, row.name if row.is_unowned else f"{row.name} ({row.login})")

    # -- acting on what was escalated to me ------------------------------------

    def _inbox_alert(self):
        return self.inbox_table.current_row if self.inbox_table.has_focus else None

    def action_inbox_acknowledge(self) -> None:
        """Acknowledge the escalated alert under the cursor: seen, being handled."""
        if (alert := self._inbox_alert()) is not None:
            self._inbox_act("acknowledge", alert)

    def action_inbox_resolve(self) -> None:
        """Resolve the escalated alert under the cursor, with a note (checked before the form closes)."""
        from acct_tui.services import entry_forms
        from acct_tui.ui.screens.form import EntryScreen

        if (alert := self._inbox_alert()) is None:
            return

        def done(note: str | None) -> None:
            if note:
                self._inbox_act("resolve", alert, note=note)

        self.app.push_screen(EntryScreen(entry_forms.resolve_alerts_form(self.app.viewer, [alert.id])), done)

    @work(thread=True, exclusive=True, group="team-inbox-act", exit_on_error=False)
    def _inbox_act(self, verb: str, alert, **kwargs) -> None:
        from acct_tui.errors import AcctError
        from acct_tui.services import alerts

        try:
            with database.connection_context():
                getattr(alerts, verb)(self.app.viewer, alert.id, **kwargs)
        except AcctError as exc:
            self.post_message(self.Acted(verb, alert.account_name, str(exc)))
            return
        self.post_message(self.Acted(verb, alert.account_name))

    def on_team_screen_acted(self, message: Acted) -> None:
        what = f"{message.account}: {message.error}" if message.error else f"{PAST[message.verb].capitalize()}: {message.account}."
        self.notify(what, severity="error" if message.error else "information", markup=False)
        self.app.data_changed()  # the inbox, the header counts and the Risk alerts reload
