"""Today: one ranked list of who to contact next, and why.

Gathered over the accounts the viewer may see, one set-based query per
source, never one per account:

- open alerts (`services.alerts.list_alerts`), and alerts escalated to me;
- accounts past their contact or visit target (the last touch and the last
  visit from `services.touches`, the targets from the care policy);
- open commitments due within 7 days or late; planned visits this week (or
  late); planned milestones due within 14 days (or late);
- renewals within the renewal window with no touch in the last days the
  `renewal_risk` rule names (`thresholds.renewal_window_days`, `..._no_touch_days`);
- courtesy dates: birthdays of current contacts and contract anniversaries
  within 7 days (each can be turned off in `[courtesy]`).

The dated sources (commitments, visits, milestones, courtesy dates) are
`services.today_dated`; the account-level ones (alerts, cadence, renewals) are here.

Each item is one (account, reason) with an urgency score, the sum of the
terms of `core.urgency` (coefficients from `[urgency]`): what it is, how
late or how close, and the account's share of the viewer's portfolio
value, its health and its health trend (`portfolio_facts.health`).

An account-level reason an open, acknowledged or snoozed alert already
stands for (past the contact target: `overdue_update`; the visit target:
`visit_overdue`; a quiet renewal: `renewal_risk`) is left to the alert, so
acknowledging or snoozing it takes the reason off Today. Acknowledged and
snoozed alerts themselves are being handled: they leave Today too.

Confidentiality: a commitment made in a confidential record the viewer may
not read is named by whose record it is (`access.hidden_sources`); alert
reasons raised from such records never carry their words (`core.rules`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, Case

from acct_tui.core import collector

from acct_tui import clock
from acct_tui.core.currency import RateBook
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.core.text import in_days
from acct_tui.core.urgency import Term, due_soon_value, over_target_value, score
from acct_tui.models import Account, User
from acct_tui.services import alerts as alerts_service
from acct_tui.services import portfolio_facts, touches
from acct_tui.services import today_dated as dated
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids
from acct_tui.services.health import TREND_DAYS
from acct_tui.services.kpi_facts import active_at
from acct_tui.services.money import rate_book
from acct_tui.services.query import as_date, as_datetime, chunks, raw_rows
from acct_tui.services.today_dated import day_text

#: Every kind of item, in the order ties are broken.
KINDS = ("escalation", "alert", "commitment", "visit", "cadence", "renewal", "milestone", "courtesy")
#: Alert rules that stand for a Today reason on the same account.
COVERED_BY_ALERT = {"contact": "overdue_update", "visit": "visit_overdue", "renewal": "renewal_risk"}


@dataclass(frozen=True)
class TodayItem:
    """One thing to do: an account and one reason, with its score and the terms that make it."""

    account_id: int
    account_name: str
    account_external_id: str | None
    owner: str | None
    kind: str
    reason: str
    due: dt.date | None
    score: float
    terms: tuple[Term, ...]
    #: The record to act on: ("alert", id), ("action_item", id), ("planned_visit", id),
    #: ("milestone", id), ("contact", id) or ("account", id).
    source: str
    source_id: int


@dataclass(frozen=True)
class TodayRow:
    """An account's items on one line, the most urgent first; ranked by that item."""

    account_id: int
    account_name: str
    owner: str | None
    items: tuple[TodayItem, ...]

    @property
    def top(self) -> TodayItem:
        return self.items[0]

    @property
    def score(self) -> float:
        return self.items[0].score


@dataclass(frozen=True)
class Today:
    """The viewer's queue: every item ranked, and the same grouped by account."""

    day: dt.date
    items: tuple[TodayItem, ...]
    rows: tuple[TodayRow, ...] = field(default=())


@dataclass
class _Account:
    id: int
    name: str
    external_id: str | None
    owner: str | None
    tier: str
    customer: bool
    contact_days: int | None
    visit_days: int | None
    renewal: dt.date | None
    contract_start: dt.date | None
    since: dt.date | None
    share: float = 0.0  # percent of the viewer's portfolio value
    last_touch: dt.datetime | None = None
    last_visit: dt.datetime | None = None


def build_today(viewer: Viewer, *, settings: RiskSettings | None = None, book: RateBook | None = None,
                base_currency: str = "USD") -> Today:
    """The viewer's Today, ranked: highest score first, then the earliest due, then the account's name."""
    with collector.paused():
        return _build(viewer, settings or loaded(), book or rate_book(base_currency))


def _build(viewer: Viewer, settings: RiskSettings, book: RateBook) -> Today:
    now = clock.now()
    today = now.date()
    accounts = _accounts(viewer, today, book)
    if not accounts:
        return Today(today, ())
    _touches(accounts, viewer, now)
    found: list[tuple[int, str, str, dt.date | None, list[tuple[str, float]], str, int]] = []
    covered = _alerts(viewer, found)
    _cadence(accounts, settings, today, covered, found)
    _renewals(accounts, settings, today, covered, found)
    dated.commitments(viewer, today, found)
    dated.visits(viewer, today, found)
    dated.milestones(viewer, today, found)
    if settings.courtesy.birthdays:
        dated.birthdays(viewer, today, found)
    if settings.courtesy.anniversaries:
        dated.anniversaries(viewer, today, found)
    health = _health({entry[0] for entry in found if entry[0] in accounts})
    items = []
    for account_id, kind, reason, due, measured, source, source_id in found:
        account = accounts.get(account_id)
        if account is None:  # churned: nothing to do today
            continue
        points, _band, trend = health.get(account_id, (None, None, None))
        measured = measured + [
            ("value_share", round(account.share, 4)),
            ("health", 100 - points if points is not None else 0),
            ("health_trend", max(0, -trend) if trend is not None else 0),
        ]
        total, terms = score(measured, settings.urgency)
        items.append(TodayItem(account_id, account.name, account.external_id, account.owner, kind, reason, due, total, terms,
                               source, source_id))
    far = dt.date.max
    items.sort(key=lambda i: (-i.score, i.due or far, i.account_name.lower(), KINDS.index(i.kind), i.source_id))
    return Today(today, tuple(items), _rows(items))


def _rows(items: list[TodayItem]) -> tuple[TodayRow, ...]:
    grouped: dict[int, list[TodayItem]] = {}
    for item in items:  # already ranked: each account's first item is its top one
        grouped.setdefault(item.account_id, []).append(item)
    return tuple(TodayRow(group[0].account_id, group[0].account_name, group[0].owner, tuple(group)) for group in grouped.values())


# -- the accounts and their facts --------------------------------------------------


def _accounts(viewer: Viewer, today: dt.date, book: RateBook) -> dict[int, _Account]:
    """Every account in the viewer's book (not churned), with its share of the book's value."""
    customer = Case(None, [(active_at(today), 1)], 0)
    query = (
        Account.select(
            Account.id, Account.name, Account.external_id, User.login, Account.tier, customer, Account.contact_days,
            Account.visit_days, Account.renewal_date, Account.contract_start, Account.created_at, Account.annual_value,
            Account.currency,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .where(Account.status != "churned")
    )
    found: dict[int, _Account] = {}
    worth: dict[int, tuple[str, float]] = {}
    per_currency: dict[str, list] = {}
    for (aid, name, external, owner, tier, is_customer, contact_days, visit_days, renewal, start, created, value,
         currency) in raw_rows(scope_accounts(query, viewer)):
        start = as_date(start)
        starts = [d for d in (as_date(created), start) if d is not None]
        found[aid] = _Account(aid, name, external, owner, tier, bool(is_customer), contact_days, visit_days, as_date(renewal),
                              start, min(starts) if starts else None)
        worth[aid] = (currency, float(value or 0))
        part = per_currency.setdefault(currency, [currency, 0, 0.0])
        part[1] += 1
        part[2] += float(value or 0)
    total = float(book.total([tuple(p) for p in per_currency.values()], today).amount)
    if total > 0:
        rates = {code: float(rate) for code, rate in book.rates_on(today, per_currency).items()}
        for aid, (currency, value) in worth.items():
            if currency in rates:  # an account without a rate has no share (it is never added at face value)
                found[aid].share = 100.0 * value * rates[currency] / total
    return found


def _touches(accounts: dict[int, _Account], viewer: Viewer, now: dt.datetime) -> None:
    """Each account's last touch and last visit: one grouped query (`touches.last_touch_and_visit`)."""
    # The whole book: no id filter (the accounts not in it are skipped below), which SQLite answers
    # by walking one index instead of probing it account by account.
    visible = None if viewer.sees_everything else visible_account_ids(viewer).where(Account.status != "churned")
    for aid, touch, visit in raw_rows(touches.last_touch_and_visit(visible, until=now)):
        account = accounts.get(aid)
        if account is not None:
            account.last_touch = as_datetime(touch)
            account.last_visit = as_datetime(visit)


def _health(account_ids: set[int]) -> dict[int, tuple[int, str, int | None]]:
    """Newest health and its trend for the accounts with an item (the Portfolio's query)."""
    found: dict[int, tuple] = {}
    for part in chunks(sorted(account_ids)):
        found.update(portfolio_facts.health(part, TREND_DAYS))
    return found


# -- the sources --------------------------------------------------------------------


def _alerts(viewer: Viewer, found: list) -> set[tuple[int, str]]:
    """Open alerts and alerts escalated to me; returns (account, rule) of every alert still active,
    whatever its status: the Today reasons those stand for are left to them."""
    covered: set[tuple[int, str]] = set()
    for alert in alerts_service.list_alerts(viewer, statuses=alerts_service.ACTIVE_STATUSES):
        covered.add((alert.account_id, alert.rule))
        mine = viewer.user_id is not None and alert.escalated_to == viewer.login
        if mine and alert.status != "snoozed":
            on = f" on {day_text(alert.escalated_at.date())}" if alert.escalated_at else ""
            reason = f"escalated to you{on}: {alert.severity}: {alert.reason}"
            found.append((alert.account_id, "escalation", reason, None, [("escalated", 1), (alert.severity, 1)], "alert", alert.id))
        elif alert.status == "open":
            found.append((alert.account_id, "alert", f"{alert.severity}: {alert.reason}", None, [(alert.severity, 1)], "alert", alert.id))
    return covered


def _cadence(accounts: dict[int, _Account], settings: RiskSettings, today: dt.date, covered: set, found: list) -> None:
    """Customers past their contact target, and past their visit target."""
    policy = settings.policy
    for account in accounts.values():
        if not account.customer:
            continue
        for what, last, cadence in (
            ("contact", account.last_touch, policy.contact(account.tier, account.contact_days)),
            ("visit", account.last_visit, policy.visit(account.tier, account.visit_days)),
        ):
            if (account.id, COVERED_BY_ALERT[what]) in covered:
                continue
            anchor = last.date() if last is not None else account.since
            if anchor is None:
                continue
            days = (today - anchor).days
            over = over_target_value(days, cadence.target)
            if not over:
                continue
            noun = "touch" if what == "contact" else "visit"
            if last is not None:
                reason = f"{days} days since the last {noun}, target {cadence.target}"
            else:
                reason = f"no {noun} on record in the {days} days since it started, target {cadence.target}"
            due = anchor + dt.timedelta(days=cadence.target)
            found.append((account.id, "cadence", reason, due, [("cadence", 1), ("over_target", over)], "account", account.id))


def _renewals(accounts: dict[int, _Account], settings: RiskSettings, today: dt.date, covered: set, found: list) -> None:
    """Renewals within the window whose account has had no touch in the last N days (the renewal rule's numbers)."""
    window = settings.thresholds.renewal_window_days
    quiet_days = settings.thresholds.renewal_no_touch_days
    for account in accounts.values():
        renewal = account.renewal
        if renewal is None or not account.customer or (account.id, COVERED_BY_ALERT["renewal"]) in covered:
            continue
        left = (renewal - today).days
        if not 0 <= left <= window:
            continue
        since = (today - account.last_touch.date()).days if account.last_touch is not None else None
        if since is not None and since <= quiet_days:
            continue
        touch = f"no touch in {since} days" if since is not None else "no touch on record"
        reason = f"renewal {in_days(left)} ({day_text(renewal)}), {touch}"
        found.append((account.id, "renewal", reason, renewal, [("renewal", 1), ("due_soon", due_soon_value(left, window))],
                      "account", account.id))


def explain(row: TodayRow):
    """A row's items with every term (value x coefficient = contribution), as the record view shows it."""
    from acct_tui.services.account_card import RecordDetail

    fields: list[tuple[str, str]] = []
    for item in row.items:
        due = f" · due {item.due.isoformat()}" if item.due else ""
        fields.append((f"{item.kind} {item.score:g}", f"{item.reason}{due}"))
        for term in item.terms:
            fields.append((f"  {term.term}", f"{term.value:g} × {term.coefficient:g} = {term.contribution:g}"))
    owner = f" (owner {row.owner})" if row.owner else ""
    return RecordDetail(f"Why {row.account_name}{owner} is on Today", tuple(fields), ())
