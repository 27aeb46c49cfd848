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
from typing import NamedTuple

from acct_tui import clock
from acct_tui.core import collector
from acct_tui.core.currency import RateBook
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.core.text import in_days
from acct_tui.core.urgency import (Term, Urgency, coefficients_of, contributions, due_soon_value, over_target_value,
                                   terms_of)
from acct_tui.services import portfolio_facts, today_facts
from acct_tui.services import today_dated as dated
from acct_tui.services.access import Viewer
from acct_tui.services.portfolio_facts import TREND_DAYS
from acct_tui.services.money import rate_book
from acct_tui.services.query import chunks, ids_in, page_cache_at_most
from acct_tui.services.today_dated import day_text

#: Every kind of item, in the order ties are broken.
KINDS = ("escalation", "alert", "commitment", "visit", "cadence", "renewal", "milestone", "courtesy")
_KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
#: Alert rules that stand for a Today reason on the same account.
COVERED_BY_ALERT = {"contact": "overdue_update", "visit": "visit_overdue", "renewal": "renewal_risk"}
#: SQLite's page cache while the queue is built: its passes read each page about once.
PAGE_CACHE_KIB = 8_000
#: The terms every item of an account shares, after its own.
ACCOUNT_TERMS = ("value_share", "health", "health_trend")


class TodayItem(NamedTuple):
    """One thing to do: an account and one reason, with its score and the terms that make it.

    A named tuple, its terms built only when asked for (`terms`): an admin's queue at 100,000
    accounts holds tens of thousands of items, and a screen shows a few dozen."""

    account_id: int
    account_name: str
    account_external_id: str | None
    owner: str | None
    kind: str
    reason: str
    due: dt.date | None
    score: float
    #: The record to act on: ("alert", id), ("action_item", id), ("planned_visit", id),
    #: ("milestone", id), ("contact", id) or ("account", id).
    source: str
    source_id: int
    #: What was measured: the item's own (term, value) pairs, then the account's values of
    #: `ACCOUNT_TERMS` (one tuple shared by the account's items).
    own: tuple[tuple[str, float], ...]
    account_values: tuple[float, float, float]
    urgency: Urgency

    @property
    def measured(self) -> tuple[tuple[str, float], ...]:
        return self.own + tuple(zip(ACCOUNT_TERMS, self.account_values))

    @property
    def terms(self) -> tuple[Term, ...]:
        """Each term: value x coefficient = contribution (`core.urgency.terms_of`); they sum to `score`."""
        return terms_of(self.measured, self.urgency)


class TodayRow(NamedTuple):
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
    #: False for a first page (`build_today(first=N)`): `rows` are the queue's first N, `items` theirs.
    complete: bool = True


def build_today(viewer: Viewer, *, settings: RiskSettings | None = None, book: RateBook | None = None,
                base_currency: str = "USD", first: int | None = None) -> Today:
    """The viewer's Today, ranked: highest score first, then the earliest due, then the account's name.

    `first`: only the first rows (`services.today_page`, without ranking the whole book);
    `Today.complete` says which."""
    settings, book = settings or loaded(), book or rate_book(base_currency)
    with collector.paused(), page_cache_at_most(PAGE_CACHE_KIB):
        if first is not None:
            from acct_tui.services import today_page

            return today_page.first_rows(viewer, first, settings, book)
        return build(viewer, settings, book)


def build(viewer: Viewer, settings: RiskSettings, book: RateBook, accounts: list[int] | None = None,
          value: today_facts.BookValue | None = None) -> Today:
    """The queue of `viewer`, every item ranked; only the rows of `accounts` when given (with
    `value`, the whole book's `today_facts.book_value`)."""
    now = clock.now()
    today = now.date()
    if value is None:
        value = today_facts.book_value(viewer, today, book)
    found: list[tuple[int, str, str, dt.date | None, tuple[tuple[str, float], ...], str, int]] = []
    covered = _alerts(viewer, found, accounts)
    dated.commitments(viewer, today, found, accounts)
    dated.visits(viewer, today, found, accounts)
    dated.milestones(viewer, today, found, accounts)
    if settings.courtesy.birthdays:
        dated.birthdays(viewer, today, found, accounts)
    if settings.courtesy.anniversaries:
        dated.anniversaries(viewer, today, found, accounts)

    def reasons(customer: today_facts.Customer) -> list:
        return _cadence(customer, settings, today, covered) + _renewal(customer, settings, today, covered)

    # Last: the pass over the book keeps only the accounts with an item.
    named, account_level = today_facts.book(viewer, now, value, {entry[0] for entry in found}, reasons, accounts)
    if not named:
        return Today(today, ())
    found += account_level
    health = _health({entry[0] for entry in found if entry[0] in named})
    urgency = settings.urgency
    coefficients = coefficients_of(urgency)
    per_account: dict[int, tuple] = {}  # account id -> (its values of ACCOUNT_TERMS, their contributions)
    items = []
    for account_id, kind, reason, due, own, source, source_id in found:
        account = named.get(account_id)
        if account is None:  # churned: nothing to do today
            continue
        shared = per_account.get(account_id)
        if shared is None:
            points, _band, trend = health.get(account_id, (None, None, None))
            values = (round(account.share, 4), 100 - points if points is not None else 0,
                      max(0, -trend) if trend is not None else 0)
            shared = per_account[account_id] = (values, contributions(zip(ACCOUNT_TERMS, values), coefficients))
        own = tuple(own)
        # `core.urgency.score`'s sum: the rounded contributions, in the terms' order.
        score = round(sum(contributions(own, coefficients) + shared[1]), 2)
        items.append(TodayItem(account_id, account.name, account.external_id, account.owner, kind, reason, due,
                               score, source, source_id, own, shared[0], urgency))
    far = dt.date.max
    lowered = {aid: named[aid].name.lower() for aid in per_account}
    items.sort(key=lambda i: (-i.score, i.due or far, lowered[i.account_id], _KIND_ORDER[i.kind], i.source_id))
    return Today(today, tuple(items), _rows(items))


def _rows(items: list[TodayItem]) -> tuple[TodayRow, ...]:
    grouped: dict[int, list[TodayItem]] = {}
    for item in items:  # already ranked: each account's first item is its top one
        grouped.setdefault(item.account_id, []).append(item)
    return tuple(TodayRow(group[0].account_id, group[0].account_name, group[0].owner, tuple(group)) for group in grouped.values())


def _health(account_ids: set[int]) -> dict[int, tuple[int, str, int | None]]:
    """Newest health and its trend for the accounts with an item (the Portfolio's query)."""
    from acct_tui.models import Account

    found: dict[int, tuple] = {}
    for part in chunks(sorted(account_ids)):
        found.update(portfolio_facts.health(Account.select(Account.id).where(ids_in(Account.id, part)), TREND_DAYS))
    return found


# -- the sources --------------------------------------------------------------------


def _alerts(viewer: Viewer, found: list, accounts: list[int] | None = None) -> set[tuple[int, str]]:
    """Open alerts and alerts escalated to me; returns (account, rule) of every alert still active,
    whatever its status: the Today reasons those stand for are left to them."""
    covered: set[tuple[int, str]] = set()
    for alert in today_facts.active_alerts(viewer, accounts):
        covered.add((alert.account_id, alert.rule))
        if alert.mine and alert.status != "snoozed":
            on = f" on {day_text(alert.escalated_at.date())}" if alert.escalated_at else ""
            reason = f"escalated to you{on}: {alert.severity}: {alert.reason}"
            found.append((alert.account_id, "escalation", reason, None, (("escalated", 1), (alert.severity, 1)), "alert", alert.id))
        elif alert.status == "open":
            found.append((alert.account_id, "alert", f"{alert.severity}: {alert.reason}", None, ((alert.severity, 1),), "alert", alert.id))
    return covered


def _cadence(account: today_facts.Customer, settings: RiskSettings, today: dt.date, covered: set) -> list:
    """A customer past its contact target, and past its visit target."""
    found = []
    policy = settings.policy
    for what, last, cadence in (
        ("contact", account.last_touch, policy.contact(account.tier, account.contact_days)),
        ("visit", account.last_visit, policy.visit(account.tier, account.visit_days)),
    ):
        if (account.id, COVERED_BY_ALERT[what]) in covered:
            continue
        anchor = last if last is not None else account.since
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
        found.append((account.id, "cadence", reason, due, (("cadence", 1), ("over_target", over)), "account", account.id))
    return found


def _renewal(account: today_facts.Customer, settings: RiskSettings, today: dt.date, covered: set) -> list:
    """A renewal within the window on an account with no touch in the last N days (the renewal rule's numbers)."""
    renewal = account.renewal
    if renewal is None or (account.id, COVERED_BY_ALERT["renewal"]) in covered:
        return []
    window = settings.thresholds.renewal_window_days
    left = (renewal - today).days
    if not 0 <= left <= window:
        return []
    since = (today - account.last_touch).days if account.last_touch is not None else None
    if since is not None and since <= settings.thresholds.renewal_no_touch_days:
        return []
    touch = f"no touch in {since} days" if since is not None else "no touch on record"
    reason = f"renewal {in_days(left)} ({day_text(renewal)}), {touch}"
    return [(account.id, "renewal", reason, renewal, (("renewal", 1), ("due_soon", due_soon_value(left, window))),
             "account", account.id)]


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
