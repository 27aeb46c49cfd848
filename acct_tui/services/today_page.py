"""Today's first rows, found without ranking the whole book.

An account's row is ranked by its most urgent item, and an item's score is
its own terms (what it is, how late or how close: `core.urgency`) plus the
account's (its share of the book's value, its health, its health trend).
Every coefficient is at least 0, so no term takes anything away. The first
`n` rows are then exactly the queue's first `n` (`services.today.build`)
found in three set-based steps:

1. a floor `T` under the `n`-th row's score: the exact rows of the accounts
   whose items alone (their own terms) reach a cutoff, lowered until there
   are `n` rows;
2. a ceiling `S` over any account's terms: the book's largest share, and the
   lowest health and largest drop in `account_pulse` (migration 0011: kept
   by the database), two index seeks;
3. every account with an item whose own terms reach `T - S`: an account
   without one scores under `T`, below the `n`-th row. Their exact rows,
   ranked, cut at `n`.

Each source answers step 1 and 3 with one query for "the accounts with an
item whose own terms reach c": a due day on or before a cutoff (the own
terms only fall as the day moves out), an alert's severity, a cadence
overdue by a share of its target (from the pulse's newest touch, or, when
that touch is dated after now, unconditionally). A candidate too many is
only slower, never wrong: the rows themselves always come from
`today.build`, restricted to the candidates. When the candidates grow past
`MAX_CANDIDATES` the whole queue is built instead.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from functools import reduce

from peewee import JOIN, SQL, Case, Cast, fn

from acct_tui import clock
from acct_tui.core.currency import RateBook
from acct_tui.core.settings import RiskSettings
from acct_tui.db import database
from acct_tui.core.urgency import (COMMITMENT_WINDOW, LATE_CAP, MILESTONE_WINDOW, OVER_TARGET_CAP, VISIT_WINDOW,
                                   coefficients_of, contributions, due_soon_value)
from acct_tui.models import Account, AccountPulse, ActionItem, Alert, Milestone, PlannedVisit
from acct_tui.services import today as today_service
from acct_tui.services import today_dated, today_facts
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.alerts import ACTIVE_STATUSES
from acct_tui.services.kpi_facts import active_at, in_book
from acct_tui.services.query import is_postgres, raw_rows

#: Past this many candidate accounts the whole queue is built (a book where most accounts are that urgent).
MAX_CANDIDATES = 5_000
#: A book this small is ranked whole: quicker than the steps' queries.
SMALL_BOOK = 2_000
#: The cutoffs of step 1, highest first (an item's own terms: a red alert escalated to me is 100 by default).
CUTOFFS = (100.0, 80.0, 60.0, 40.0, 20.0, 0.0)
#: Room for the rounding of each contribution to cents.
SLACK = 0.05
#: The pulse's lowest health and largest drop: one subquery each, so that each is one index seek
#: (SQLite takes the min/max shortcut only for a lone aggregate: both in one SELECT scanned the
#: whole pulse, 7 ms of CPU at 100k accounts).
CEILING_SQL = ("SELECT (SELECT MIN(health_score) FROM account_pulse), "
               "(SELECT MAX(health_drop) FROM account_pulse)")


def first_rows(viewer: Viewer, n: int, settings: RiskSettings, book: RateBook) -> today_service.Today:
    """The first `n` rows of `viewer`'s Today, each with all its items; `complete` is False."""
    today = clock.now().date()
    value = today_facts.book_value(viewer, today, book)

    def rows_of(accounts: set[int] | None) -> today_service.Today:
        return today_service.build(viewer, settings, book, None if accounts is None else sorted(accounts), value)

    if value.accounts <= SMALL_BOOK:
        return _cut(rows_of(None), n)
    sources = _Sources(viewer, settings, today)
    for cutoff in CUTOFFS:
        accounts = sources.accounts_reaching(cutoff)
        if len(accounts) > MAX_CANDIDATES:
            return _cut(rows_of(None), n)
        if len(accounts) >= n or cutoff == CUTOFFS[-1]:
            queue = rows_of(accounts)
            if len(queue.rows) >= n:
                break
    else:  # the last cutoff reaches every item: that was the whole queue
        return _cut(queue, n)
    reach = queue.rows[n - 1].score - _ceiling(settings, value) - SLACK
    if reach < cutoff:
        accounts = sources.accounts_reaching(reach)
        queue = rows_of(None if len(accounts) > MAX_CANDIDATES else accounts)
    return _cut(queue, n)


def _cut(queue: today_service.Today, n: int) -> today_service.Today:
    rows = queue.rows[:n]
    return today_service.Today(queue.day, tuple(item for row in rows for item in row.items), rows, complete=False)


def _ceiling(settings: RiskSettings, value: today_facts.BookValue) -> float:
    """The most any account's own terms (share, health, trend) can add to an item's score: the
    book's largest share, and the lowest health and largest drop of any pulse (two index seeks;
    every account's, a bound all the same: on PostgreSQL the rows the viewer may read)."""
    lowest, drop = database.execute_sql(CEILING_SQL).fetchone()
    urgency = settings.urgency
    return (value.largest_share * urgency.value_share + (100.0 - lowest if lowest is not None else 0.0) * urgency.health
            + float(drop or 0) * urgency.health_trend)


class _Sources:
    """The accounts with an item whose own terms reach a cutoff, per source, as `today.build` finds items."""

    def __init__(self, viewer: Viewer, settings: RiskSettings, today: dt.date) -> None:
        self.viewer, self.settings, self.today = viewer, settings, today
        self.coefficients = coefficients_of(settings.urgency)
        self.seen: dict[float, set[int]] = {}

    def own(self, measured) -> float:
        return sum(contributions(measured, self.coefficients))

    def accounts_reaching(self, cutoff: float) -> set[int]:
        found = self.seen.get(cutoff)
        if found is None:
            found = self.seen[cutoff] = (self._alerts(cutoff) | self._dated(cutoff) | self._courtesy(cutoff)
                                         | self._cadence(cutoff) | self._renewals(cutoff))
        return found

    def _ids(self, query) -> set[int]:
        return {aid for (aid,) in raw_rows(scope_accounts(query, self.viewer))}

    # -- alerts: open ones, and those escalated to me (not snoozed) -------------------

    def _alerts(self, cutoff: float) -> set[int]:
        found: set[int] = set()
        for severity in ("red", "yellow"):
            open_own = self.own(((severity, 1),))
            mine_own = self.own((("escalated", 1), (severity, 1)))
            query = Alert.select(Alert.account).join(Account, on=(Alert.account == Account.id))
            if open_own >= cutoff:
                condition = Alert.status == "open"
                if mine_own >= cutoff and self.viewer.user_id is not None:
                    condition |= (Alert.escalated_to == self.viewer.user_id) & (Alert.status != "snoozed")
            elif mine_own >= cutoff and self.viewer.user_id is not None:
                condition = (Alert.escalated_to == self.viewer.user_id) & (Alert.status != "snoozed")
            else:
                continue
            found |= self._ids(query.where((Alert.severity == severity) & Alert.status.in_(ACTIVE_STATUSES) & condition))
        return found

    # -- commitments, planned visits, milestones: a due day on or before a cutoff -------

    def _last_day(self, kind: str, window: int, cutoff: float) -> dt.date | None:
        """The latest due day whose item's own terms reach `cutoff`: they only fall as the day moves
        out, and stop rising `LATE_CAP` days late."""
        reaching = [days for days in range(-LATE_CAP - 1, window + 1)
                    if self.own(today_dated.item_terms(kind, days, window)) >= cutoff]
        return self.today + dt.timedelta(days=max(reaching)) if reaching else None

    def _dated(self, cutoff: float) -> set[int]:
        found: set[int] = set()
        for model, kind, window, due in (
            (ActionItem, "commitment", COMMITMENT_WINDOW, lambda last: today_dated.commitment_due(self.today, last)),
            (PlannedVisit, "visit", VISIT_WINDOW, today_dated.visit_due),
            (Milestone, "milestone", MILESTONE_WINDOW, today_dated.milestone_due),
        ):
            last = self._last_day(kind, window, cutoff)
            if last is not None:
                found |= self._ids(model.select(model.account).join(Account, on=(model.account == Account.id)).where(due(last)))
        return found

    def _courtesy(self, cutoff: float) -> set[int]:
        """Courtesy dates weigh little: all of them when the cutoff is that low."""
        courtesy = self.settings.courtesy
        if self.own(today_dated.item_terms("courtesy", 0, 1)) < cutoff or not (courtesy.birthdays or courtesy.anniversaries):
            return set()
        found: list = []
        if courtesy.birthdays:
            today_dated.birthdays(self.viewer, self.today, found)
        if courtesy.anniversaries:
            today_dated.anniversaries(self.viewer, self.today, found)
        return {entry[0] for entry in found if self.own(entry[4]) >= cutoff}

    # -- account-level: past the contact or visit target, a quiet renewal ---------------

    def _cadence(self, cutoff: float) -> set[int]:
        """Customers past a target by enough, held to their own target: the day per tier compared
        as stored, or an account's own target, or none on record, in days; a newest touch (visit)
        dated after now, unconditionally. Read only where the pulse's indexes point (`_near`)."""
        urgency = self.settings.urgency
        base = self.own((("cadence", 1),))
        if base + OVER_TARGET_CAP * urgency.over_target < cutoff - 0.01:
            past = None  # no cadence reaches it; only a touch dated after now leaves it open
        else:
            past = max(0.0, (cutoff - 0.01 - base) / urgency.over_target) if urgency.over_target > 0 else 0.0
        now = clock.now()
        tiers = self.settings.policy.tiers
        near, conditions = [], []
        for column, override, cadence in ((AccountPulse.last_touch_at, Account.contact_days, lambda t: t.contact),
                                          (AccountPulse.last_visit_at, Account.visit_days, lambda t: t.visit)):
            unknown = column > now
            near += self._near(column, override, cadence, past, now)
            if past is None:
                conditions.append(unknown)
                continue
            by_tier = Case(Account.tier, [(tier, column < self._day_after_reaching(cadence(p).target, past))
                                          for tier, p in tiers.items()], False)
            target = fn.COALESCE(fn.NULLIF(override, 0), Case(Account.tier, [(tier, cadence(p).target) for tier, p in tiers.items()], None))
            days = _days_since(fn.COALESCE(_day(column), _since()), self.today)
            counted = (days > target) & (days >= target * (1 + past) - 0.001)
            conditions.append(unknown | Case(None, [((fn.COALESCE(override, 0) == 0) & column.is_null(False), by_tier)], counted))
        # CROSS JOIN: SQLite reads the pulse first, one row per account `near` names, then that
        # account (an inner join lets it walk every active account by status instead); PostgreSQL
        # plans it freely.
        query = (AccountPulse.select(AccountPulse.account).join(Account, JOIN.CROSS)
                 .where((Account.id == AccountPulse.account) & AccountPulse.account.in_(reduce(operator.add, near))
                        & in_book() & active_at(self.today) & (conditions[0] | conditions[1])))
        return self._ids(query)

    def _near(self, column, override, cadence, past: float | None, now: dt.datetime) -> list:
        """Queries of the accounts `_cadence` must look at for `column`, each an index range or
        seek: every account it holds, read from the pulse's indexes alone, where a scan of the
        pulse and a look-up of each account a lenient day let through (25,000 at 100k) cost 30 ms.

        A newest touch dated after now, none at all, and per tier, the touches before the day its
        target is `past` over (the tier with the shortest target reaches furthest back, so it is
        walked from its own accounts: the fewest, as a book usually has it; the others from
        the pulse's range, each account's tier checked). An account with its own target: before
        the most lenient day of all, as the condition counts it. Only a narrowing of the
        lenient day's rows: the condition itself decides."""
        pulse, account = AccountPulse.alias("near_pulse"), Account.alias("near_account")
        kept, own = getattr(pulse, column.name), getattr(account, override.name)
        parts = [pulse.select(pulse.account).where(kept > now)]
        if past is None:
            return parts
        parts.append(pulse.select(pulse.account).where(kept.is_null()))
        targets = {tier: cadence(p).target for tier, p in self.settings.policy.tiers.items()}
        shortest = min(targets.values())
        parts.append(account.select(pulse.account).join(pulse, JOIN.CROSS).where(
            account.tier.in_([tier for tier, target in targets.items() if target == shortest])
            & (pulse.account == account.id) & (kept < self._day_after_reaching(shortest, past))))
        for tier, target in targets.items():
            if target != shortest:
                of_tier = account.select(SQL("1")).where((account.id == pulse.account) & (account.tier == tier))
                parts.append(pulse.select(pulse.account).where(
                    (kept < self._day_after_reaching(target, past)) & fn.EXISTS(of_tier)))
        (lowest_own,) = Account.select(fn.MIN(override)).where(override > 0).scalar(as_tuple=True)
        lenient = min([shortest] + ([lowest_own] if lowest_own else []))
        parts.append(account.select(pulse.account).join(pulse, JOIN.CROSS).where(
            ((own > 0) | (own < 0)) & (pulse.account == account.id) & (kept < self._day_after_reaching(lenient, past))))
        return parts

    def _day_after_reaching(self, target: int, past: float) -> dt.date:
        """The day after the last day a touch may be on for a `target`-day cadence to be `past` targets over."""
        days = max(target + 1, math.ceil(target * (1 + past) - 0.001))
        return self.today - dt.timedelta(days=days - 1)

    def _renewals(self, cutoff: float) -> set[int]:
        window = self.settings.thresholds.renewal_window_days
        reaching = [left for left in range(0, window + 1)
                    if self.own((("renewal", 1), ("due_soon", due_soon_value(left, window)))) >= cutoff]
        if not reaching:
            return set()
        last = self.today + dt.timedelta(days=max(reaching))
        return self._ids(Account.select(Account.id).where(
            in_book() & active_at(self.today) & Account.renewal_date.between(self.today, last)))


def _day(column):
    """SQL for the day of a timestamp column."""
    return Cast(column, "date") if is_postgres() else fn.date(column)


def _since():
    """SQL for `today_facts.Customer.since`: the earlier of the contract start and the record's creation."""
    created = _day(Account.created_at)
    return Case(None, [(Account.contract_start.is_null(), created), (Account.created_at.is_null(), Account.contract_start),
                       (Account.contract_start < created, Account.contract_start)], created)


def _days_since(day, today: dt.date):
    """SQL for the whole days from `day` to `today`."""
    if is_postgres():
        return Cast(today.isoformat(), "date") - day
    return fn.julianday(today.isoformat()) - fn.julianday(day)
