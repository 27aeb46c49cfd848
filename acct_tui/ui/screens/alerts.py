"""Risk alerts (mode 5): my alerts (a lead: the team's), and what I do about them.

Sorted red first, then oldest first (the service's order). `u` rule, `l`
severity, `t` status and `w` owner filter (they combine with `/` text); the
selected alert's reason and evidence show in the side pane. `a`
acknowledge, `s` snooze, `r` resolve, `e` escalate act on the marked alerts
(`v`/space marks), else the one under the cursor; each goes through
`services/alerts` (access-checked and audited) in a thread worker, then the
app's data version is bumped so the list, the header counts and the other
screens refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from acct_tui import clock
from acct_tui.core.text import noun_for, plural
from acct_tui.db import database
from acct_tui.errors import AcctError
from acct_tui.services import entry_forms
from acct_tui.services.entry_forms import SnoozeRequest
from acct_tui.ui.keys import bindings
from acct_tui.ui.screens.base import AcctScreen
from acct_tui.ui.screens.form import EntryScreen
from acct_tui.ui.screens.pick import PickScreen, pick_owner_filter
from acct_tui.ui.widgets.virtual_table import Column, ListSource, VirtualTable

SEVERITY_STYLE = {"red": "bold red", "yellow": "bold yellow"}
STATUS_STYLE = {"open": "", "acknowledged": "cyan", "snoozed": "dim", "resolved": "green"}
#: The status filter cycles through these; "active" is what still needs someone now
#: (a snoozed alert is silenced until its date; resolved ones are history).
STATUS_CHOICES = {
    "active": ("open", "acknowledged"),
    "open": ("open",),
    "acknowledged": ("acknowledged",),
    "snoozed": ("snoozed",),
    "resolved": ("resolved",),
    "all": ("open", "acknowledged", "snoozed", "resolved"),
}
SEVERITY_CYCLE = (None, "red", "yellow")
PAST = {"acknowledge": "acknowledged", "snooze": "snoozed", "resolve": "resolved", "escalate": "escalated"}


def age_days(first_seen: dt.datetime) -> int:
    return max(0, (clock.today() - first_seen.date()).days)


def detail_text(alert, escalations=()) -> Text:
    """The side pane: reason, evidence and what people did about it, every escalation included."""
    out = Text()
    out.append(f"{alert.account_name}\n", style="bold")
    out.append(alert.severity, style=SEVERITY_STYLE.get(alert.severity, ""))
    out.append(f" {alert.rule} · {alert.status}\n\n")
    out.append(alert.reason + "\n\n")
    if alert.evidence:
        out.append("Evidence\n", style="bold")
        for key, value in alert.evidence.items():
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            out.append(f"  {str(key).replace('_', ' ')}: ", style="dim")
            out.append(f"{value}\n")
        out.append("\n")
    out.append(f"first seen {alert.first_seen:%Y-%m-%d} ({plural(age_days(alert.first_seen), 'day')})\n", style="dim")
    out.append(f"last seen {alert.last_seen:%Y-%m-%d}\n", style="dim")
    out.append(f"owner {alert.owner or '(none)'}\n", style="dim")
    if alert.acknowledged_by:
        out.append(f"acknowledged by {alert.acknowledged_by}\n")
    if alert.snoozed_until:
        out.append(f"snoozed until {alert.snoozed_until:%Y-%m-%d}: {alert.snooze_reason or ''}\n")
    for step in escalations:
        by = "the scan" if step.auto else step.by
        out.append(f"escalated by {by} to {step.to} on {step.at:%Y-%m-%d %H:%M}\n", style="bold")
        if step.note:
            out.append(f"  {step.note}\n")
    if alert.escalated_to and not escalations:  # escalated before the audit trail said by whom
        when = f" on {alert.escalated_at:%Y-%m-%d}" if alert.escalated_at else ""
        out.append(f"escalated to {alert.escalated_to}{when}\n", style="bold")
    if alert.resolved_by:
        out.append(f"resolved by {alert.resolved_by}: {alert.resolution_note or ''}\n")
    if alert.reopen_note:
        out.append(f"{alert.reopen_note}\n", style="bold")
    return out


def alert_columns(marked: set[int], with_owner: bool) -> list[Column]:
    cols = [
        Column("mark", "", 1, render=lambda r: Text("●", style="bold magenta") if r.id in marked else Text(" ")),
        Column("account_name", "Account", 0, min_width=20, max_width=36),
        Column("rule", "Rule", 18),
        Column("severity", "Sev", 6, render=lambda r: Text(r.severity, style=SEVERITY_STYLE.get(r.severity, ""))),
        Column("age", "Age", 4, justify="right", render=lambda r: f"{age_days(r.first_seen)}d"),
        Column("status", "Status", 12, render=lambda r: Text(r.status, style=STATUS_STYLE.get(r.status, "")), priority=2),
        Column("owner", "Owner", 13, render=lambda r: r.owner or "-", priority=1),
        Column("reason", "Reason", 0, min_width=12),
    ]
    return cols if with_owner else [c for c in cols if c.key != "owner"]


@dataclass(frozen=True)
class AlertFilters:
    status: str = "active"
    rule: str | None = None
    severity: str | None = None
    owner: str | None = None

    def describe(self) -> str:
        parts = [] if self.status == "active" else [f"status {self.status}"]
        parts += [f"{name} {value}" for name, value in (("rule", self.rule), ("severity", self.severity), ("owner", self.owner)) if value]
        return ", ".join(parts)


class AlertsScreen(AcctScreen):
    """Mode 5: the risk alerts I may see, and the actions on them."""

    MODE = "alerts"
    MAIN = "alerts-table"
    ROW_ACCOUNT = "account_id"
    TITLE = "Risk alerts"
    CSS_PATH = "alerts.tcss"
    HELP = (
        "Your alerts (a lead: the team's), red first, then the oldest. The side pane shows the selected "
        "alert's reason and evidence. {alerts.acknowledge} acknowledge, {alerts.snooze} snooze (until a date, "
        "with a reason), {alerts.resolve} resolve (with a note), {alerts.escalate} escalate (to the owner's "
        "manager unless you name someone), {alerts.open} open the account's timeline. {alerts.mark} marks "
        "several alerts for one action. Filters: {alerts.rule} rule, {alerts.severity} severity, {alerts.status} "
        "status, {alerts.owner} owner, {screen.filter} text, {alerts.clear} clears them."
    )
    BINDINGS = bindings("alerts")

    @dataclass
    class Loaded(Message):
        rows: list
        rules: list[str]
        error: str | None = None
        #: alert id -> its escalations, oldest first (who to whom, when, why).
        escalations: dict = field(default_factory=dict)

    @dataclass
    class Acted(Message):
        verb: str
        done: int
        errors: list[str]
        failed: list[int] = field(default_factory=list)

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list = []
        self.rows: list = []
        self.rules: list[str] = []
        self.marked: set[int] = set()
        self.escalations: dict = {}
        self.filters = AlertFilters()
        self.loaded = False

    def compose_body(self) -> ComposeResult:
        yield Static("Loading alerts…", id="alerts-summary")
        with Horizontal(id="alerts-body"):
            yield VirtualTable(
                alert_columns(self.marked, self.app.viewer.leads_people),
                id="alerts-table",
                empty_text="No alerts match. Nothing needs you here.",
            )
            with VerticalScroll(id="alerts-side"):
                yield Static("", id="alerts-detail")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#alerts-table", VirtualTable)

    # -- loading ----------------------------------------------------------

    def refresh_data(self) -> None:
        self._load(self.filters)

    @work(thread=True, exclusive=True, group="alerts-load", exit_on_error=False)
    def _load(self, filters: AlertFilters) -> None:
        from acct_tui.services import alerts

        viewer = self.app.viewer
        try:
            with database.connection_context():
                rows = alerts.list_alerts(
                    viewer, statuses=STATUS_CHOICES[filters.status], rule=filters.rule,
                    severity=filters.severity, owner=filters.owner,
                )
                rules = rows if not (filters.rule or filters.severity or filters.owner) else alerts.list_alerts(
                    viewer, statuses=STATUS_CHOICES[filters.status])
                # Only the escalated ones have any: one read over those.
                escalations = alerts.escalations(viewer, [r.id for r in rows if r.escalated_to])
        except AcctError as exc:
            self.post_message(self.Loaded([], [], str(exc)))
            return
        self.post_message(self.Loaded(rows, sorted({r.rule for r in rules}), escalations=escalations))

    def on_alerts_screen_loaded(self, message: Loaded) -> None:
        if message.error:
            self.notify(message.error, severity="error", markup=False)
        self.all_rows = message.rows
        self.escalations = message.escalations
        self.rules = sorted(set(message.rules) | ({self.filters.rule} if self.filters.rule else set()))
        self.loaded = True
        self._show()

    def _show(self) -> None:
        needle = self.filter_text.lower()
        self.rows = [r for r in self.all_rows if not needle or needle in f"{r.account_name} {r.rule} {r.reason} {r.owner or ''}".lower()]
        self.marked.intersection_update(r.id for r in self.rows)
        # The cursor stays on the alert it was on, or where it was when that one left the list.
        self.table.set_source(ListSource(self.rows), key=lambda row: row.id)
        self._show_summary()
        self._show_detail()

    def _show_summary(self) -> None:
        red = sum(1 for r in self.rows if r.severity == "red")
        text = Text()
        text.append(f"{len(self.rows)}", style="bold")
        text.append(f" {noun_for(len(self.rows), 'alert')} · ")
        text.append(f"{red} red", style="bold red")
        text.append(" ")
        text.append(f"{len(self.rows) - red} yellow", style="bold yellow")
        text.append(f" · {self.filters.status}", style="dim")
        described = ", ".join(p for p in (self.filters.describe(), f"text {self.filter_text!r}" if self.filter_text else "") if p)
        if described:
            text.append(" · filter: ", style="dim")
            text.append(described, style="bold")
        if self.marked:
            text.append(f" · {len(self.marked)} marked", style="bold magenta")
        self.query_one("#alerts-summary", Static).update(text)

    def _show_detail(self) -> None:
        alert = self.table.current_row
        self.query_one("#alerts-detail", Static).update(
            detail_text(alert, self.escalations.get(alert.id, ())) if alert is not None else "")

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._show_detail()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.app.open_account(event.row.account_id)

    # -- filters ----------------------------------------------------------

    def filter_changed(self, text: str) -> None:
        self._show()

    def _set_filters(self, filters: AlertFilters) -> None:
        self.filters = filters
        self.marked.clear()
        self._load(filters)

    def action_pick_rule(self) -> None:
        choices = [("", "any rule")] + [(rule, rule) for rule in self.rules]

        def chosen(rule: str | None) -> None:
            if rule is not None:
                self._set_filters(replace(self.filters, rule=rule or None))

        self.app.push_screen(PickScreen("Filter by rule", choices, current=self.filters.rule or ""), chosen)

    def action_cycle_severity(self) -> None:
        nxt = SEVERITY_CYCLE[(SEVERITY_CYCLE.index(self.filters.severity) + 1) % len(SEVERITY_CYCLE)]
        self._set_filters(replace(self.filters, severity=nxt))

    def action_cycle_status(self) -> None:
        names = list(STATUS_CHOICES)
        self._set_filters(replace(self.filters, status=names[(names.index(self.filters.status) + 1) % len(names)]))

    def action_pick_owner(self) -> None:
        pick_owner_filter(self, {r.owner for r in self.all_rows if r.owner})

    def action_clear_filters(self) -> None:
        self.filter_bar.value = ""
        self.filter_bar.remove_class("-active")
        self._set_filters(AlertFilters())

    # -- actions ----------------------------------------------------------

    def action_mark(self) -> None:
        alert = self.table.current_row
        if alert is None:
            return
        self.marked.symmetric_difference_update({alert.id})
        self.table.refresh_rows()
        self.table.action_cursor_down()
        self._show_summary()

    def targets(self) -> list[int]:
        """The marked alerts, else the one under the cursor."""
        if self.marked:
            return [r.id for r in self.rows if r.id in self.marked]
        alert = self.table.current_row
        return [alert.id] if alert is not None else []

    def _targets_or_say(self) -> list[int]:
        ids = self.targets()
        if not ids:
            self.notify("No alert selected.", severity="warning")
        return ids

    def action_acknowledge(self) -> None:
        if ids := self._targets_or_say():
            self._act("acknowledge", ids)

    def action_snooze(self) -> None:
        if not (ids := self._targets_or_say()):
            return

        def done(request: SnoozeRequest | None) -> None:
            if request is not None:
                self._act("snooze", ids, until=request.until, reason=request.reason)

        self.app.push_screen(EntryScreen(entry_forms.snooze_form(len(ids))), done)

    def action_resolve(self) -> None:
        if not (ids := self._targets_or_say()):
            return

        def done(note: str | None) -> None:
            if note:
                self._act("resolve", ids, note=note)

        self.app.push_screen(EntryScreen(entry_forms.resolve_alerts_form(self.app.viewer, ids)), done)

    def action_escalate(self) -> None:
        if not (ids := self._targets_or_say()):
            return

        def done(request: entry_forms.EscalateRequest | None) -> None:
            if request is not None:
                self._act("escalate", ids, to_login=request.to or None, note=request.note or None)

        self.app.push_screen(EntryScreen(entry_forms.escalate_alerts_form(self.app.viewer, ids)), done)

    def action_open_account(self) -> None:
        alert = self.table.current_row
        if alert is not None:
            self.app.open_account(alert.account_id)

    @work(thread=True, exclusive=True, group="alerts-act", exit_on_error=False)
    def _act(self, verb: str, ids: list[int], **kwargs) -> None:
        from acct_tui.services import alerts

        call = getattr(alerts, verb)
        names = {r.id: f"{r.account_name} ({r.rule})" for r in self.all_rows}
        done, errors, failed = 0, [], []
        with database.connection_context():
            for alert_id in ids:
                try:
                    call(self.app.viewer, alert_id, **kwargs)
                    done += 1
                except AcctError as exc:
                    # Named as people know it, never by an internal id.
                    errors.append(f"{names.get(alert_id, 'an alert')}: {exc}")
                    failed.append(alert_id)
        self.post_message(self.Acted(verb, done, errors, failed))

    def on_alerts_screen_acted(self, message: Acted) -> None:
        if message.done:
            self.notify(f"{PAST[message.verb].capitalize()} {message.done} alert{'s' if message.done != 1 else ''}.")
        for error in message.errors[:3]:
            self.notify(error, severity="error", timeout=8, markup=False)
        # What failed stays marked, to act on again; what was done is unmarked.
        self.marked.intersection_update(message.failed)
        # Bumps the data version: this list, the header counts and the other screens reload.
        self.app.data_changed()
