"""One person's accounts and alerts, as their lead sees them (pushed from the Team pane).

`enter` opens an account's timeline (from either list), `p` shows the
person in the Portfolio with its owner filter, `R` hands accounts over.
The unowned pool (`login=None`) works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from acct_tui import clock
from acct_tui.core.currency import merge_unrated, money, short_amount, unrated_note
from acct_tui.core.text import plural
from acct_tui.services import team
from acct_tui.services.money import rate_book
from acct_tui.ui.background import call
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.alerts import SEVERITY_STYLE, STATUS_STYLE, age_days
from acct_tui.ui.screens.base import AcctScreen
from acct_tui.ui.screens.reassign import open_reassign
from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable
from acct_tui.ui.safe import plain


def _touch(row: team.MemberAccount) -> str:
    return "never" if row.last_touch is None else f"{(clock.today() - row.last_touch.date()).days}d ago"


def _value(row: team.MemberAccount) -> Text:
    return Text("no rate", style="dim italic") if row.base_value is None else Text(short_amount(row.base_value))


def _own(row: team.MemberAccount) -> Text:
    # Blank where it is the base amount again; every row is in the same base.
    if row.base_value is not None and row.base_value == row.annual_value:
        return Text("")
    return Text(money(row.annual_value, row.currency), style="dim")


ACCOUNT_COLUMNS = [
    Column("name", "Account", 0, min_width=20, max_width=44),
    Column("tier", "Tier", 10),
    Column("base_value", "Value", 12, justify="right", render=_value),
    Column("annual_value", "Own", 13, justify="right", render=_own, priority=3),
    Column("owner", "Owner", 14, render=lambda r: r.owner or "-", priority=2),
    Column("renewal_date", "Renewal", 11, render=lambda r: r.renewal_date.isoformat() if r.renewal_date else "", priority=1),
    Column("last_touch", "Last touch", 10, render=_touch),
]
ALERT_COLUMNS = [
    Column("account_name", "Account", 0, min_width=20, max_width=36),
    Column("rule", "Rule", 18, priority=2),
    Column("severity", "Sev", 6, render=lambda a: Text(a.severity, style=SEVERITY_STYLE.get(a.severity, ""))),
    Column("age", "Age", 5, justify="right", render=lambda a: f"{age_days(a.first_seen)}d"),
    Column("status", "Status", 12, render=lambda a: Text(a.status, style=STATUS_STYLE.get(a.status, "")), priority=1),
    Column("reason", "Reason", 0, min_width=16),
]


class MemberScreen(AcctScreen):
    """A person's portfolio and open alerts, scoped by the viewer's access."""

    MODE = "team"
    MAIN = "member-accounts"
    CSS_PATH = "member.tcss"
    HELP = (
        "One person's accounts and open alerts, as you see them. {table.select} opens the account's timeline, "
        "tab switches lists, {member.portfolio} shows them in the Portfolio, {member.reassign} hands accounts "
        "over, {screen.back} goes back."
    )
    BINDINGS = bindings("member")

    @dataclass
    class Loaded(Message):
        accounts: list
        alerts: list

    def __init__(self, login: str | None, name: str) -> None:
        super().__init__()
        self.login = login
        self.person = name
        self.accounts: list = []
        self.alerts: list = []

    def compose_body(self) -> ComposeResult:
        yield Static(plain(f"{self.person}: loading…"), id="member-summary")
        yield VirtualTable(ACCOUNT_COLUMNS, id="member-accounts", empty_text="No accounts.")
        yield Static("Open alerts", id="member-alerts-title")
        yield VirtualTable(ALERT_COLUMNS, id="member-alerts", empty_text="No open alerts.")

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="member-load", exit_on_error=False)
    def _load(self) -> None:
        book = call(rate_book, self.app.config.base_currency)
        self.post_message(self.Loaded(*call(team.member_portfolio, self.app.viewer, self.login, book)))

    def on_member_screen_loaded(self, message: Loaded) -> None:
        self.accounts, self.alerts = message.accounts, message.alerts
        self._show()

    def _show(self) -> None:
        needle = self.filter_text.lower()
        accounts = [a for a in self.accounts if needle in a.name.lower()]
        alerts = [a for a in self.alerts if needle in f"{a.account_name} {a.rule} {a.reason}".lower()]
        self.query_one("#member-accounts", VirtualTable).set_source(ListSource(accounts), key=lambda row: row.id)
        self.query_one("#member-alerts", VirtualTable).set_source(ListSource(alerts), key=lambda row: row.id)
        figures = team.member_figures(accounts, alerts)
        value = sum(a.base_value for a in accounts if a.base_value is not None)
        unrated = merge_unrated((a.currency, 1) for a in accounts if a.base_value is None)
        base = self.app.config.base_currency
        self.query_one("#member-summary", Static).update(
            Text.assemble(
                (self.person, "bold"), f" · {plural(figures.accounts, 'account')} · {short_amount(value)} {base} value",
                (f" ({unrated_note(unrated)})" if unrated else "", "bold yellow"), " · ",
                (f"{figures.red} red", "bold red"), " ", (f"{figures.yellow} yellow", "bold yellow"),
                (f" +{figures.snoozed_red} snoozed red" if figures.snoozed_red else "", "red"),
                (f" · {plural(figures.escalations_waiting, 'escalation')} waiting" if figures.escalations_waiting else "", "bold"),
                (f" · filter: {self.filter_text}" if self.filter_text else "", "bold"),
            )
        )

    def filter_changed(self, text: str) -> None:
        self._show()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        row = event.row
        self.app.open_account(row.account_id if event.table.id == "member-alerts" else row.id)

    def action_available(self, action: str) -> bool:
        return not (action == "in_portfolio" and self.login is None)  # the unowned accounts have no portfolio

    def action_reassign(self) -> None:
        open_reassign(self, self.login, self.person if self.login is None else f"{self.person} ({self.login})")

    def action_in_portfolio(self) -> None:
        """Switch to the Portfolio with its owner filter set to this person."""
        login = self.login
        app = self.app
        app.pop_screen()
        app.action_mode("portfolio")

        def set_owner() -> None:
            screen = app.screen
            filters = getattr(screen, "filters", None)
            if filters is not None and hasattr(filters, "owner") and hasattr(screen, "_set_filters"):
                screen._set_filters(replace(filters, owner=login))

        app.call_after_refresh(set_owner)
