"""The portfolio: every account a viewer may see, with its derived columns.

`load(viewer, policy)` runs one grouped query per fact (last touch, newest
health and the one a week older, next planned visit, open alerts) over the
viewer's accounts and keeps the result in columns (plain tuples), not one
object per account: at 100,000 accounts that is the difference between
about a second and several. `Portfolio.view(...)` then sorts and filters in
memory (cached sort orders, a mask per filter) and `Portfolio.row(i)` builds
the `PortfolioRow` for the few rows on screen.

The per-fact queries live in `portfolio_facts`.

Why in memory rather than ORDER BY ... LIMIT per keystroke: sorting by a
derived column in SQL means recomputing every aggregate per query (hundreds
of ms at 100k); here a refresh pays once and each sort or filter costs tens
of milliseconds at most (see scripts/bench_ui.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from typing import Sequence

from peewee import JOIN, fn

from acct_tui.core.policy import Policy
from acct_tui.enums import TIERS
from acct_tui.models import Account, User
from acct_tui.services import portfolio_facts as facts
from acct_tui.services import touches
from acct_tui.services.query import as_date, raw_rows
from acct_tui.services.health import TREND_DAYS
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids

#: Share of the portfolio's value that the "top accounts" mark covers.
TOP_SHARE = 0.8
TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
BAND_RANK = {"red": 0, "yellow": 1, "green": 2}
#: Sort keys: column key -> how it sorts (None sorts last).
SORT_COLUMNS = (
    "tier",
    "name",
    "owner",
    "value",
    "share",
    "health",
    "last_touch",
    "next_visit",
    "renewal",
    "alerts",
)


@dataclass(frozen=True)
class PortfolioRow:
    """One account as the portfolio table shows it."""

    id: int
    name: str
    tier: str
    owner: str | None
    annual_value: float
    share: float  # of the whole portfolio's value, 0..1
    top: bool  # among the accounts making up the top 80% of value
    health: int | None
    band: str | None
    trend: int | None  # score change vs the newest snapshot >= 7 days older
    days_since_touch: int | None
    touch_status: str  # green / yellow / red against the contact cadence
    next_visit: dt.date | None
    days_to_renewal: int | None
    open_alerts: int


@dataclass(frozen=True)
class Filters:
    """What the table is narrowed to; empty means everything."""

    text: str = ""
    tiers: frozenset[str] = frozenset()
    bands: frozenset[str] = frozenset()  # "none" matches accounts without a score
    owner: str | None = None

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f'"{self.text}"')
        if self.tiers:
            parts.append("tier " + "+".join(sorted(self.tiers, key=TIER_RANK.get)))
        if self.bands:
            parts.append("band " + "+".join(sorted(self.bands)))
        if self.owner:
            parts.append(f"owner {self.owner}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Summary:
    """The line above the table, for the rows currently shown."""

    accounts: int
    total_value: float
    coverage: float | None  # share touched within cadence; None with no accounts
    red: int  # accounts in the red health band
    yellow: int
    filters: str


@dataclass(frozen=True)
class Portfolio:
    """The viewer's accounts in columns, by position; build with `load()`.

    Holds no ORM rows. Sort orders are computed once and cached inside.
    """

    today: dt.date
    ids: tuple[int, ...]
    names: tuple[str, ...]
    tiers: tuple[str, ...]
    owners: tuple[str | None, ...]
    values: tuple[float, ...]
    health: tuple[int | None, ...]
    bands: tuple[str | None, ...]
    trends: tuple[int | None, ...]
    touch_days: tuple[int | None, ...]
    touch_status: tuple[str, ...]
    next_visits: tuple[int | None, ...]  # date ordinals
    renewals: tuple[int | None, ...]  # date ordinals
    alerts: tuple[int, ...]
    top: frozenset[int] = frozenset()  # positions
    total_value: float = 0.0
    #: Accounts in the whole portfolio (more than `len()` when not `complete`).
    total_accounts: int = 0
    #: False for the quick first screen (`load(first=N)`): only the top accounts by value.
    complete: bool = True
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def owner_logins(self) -> list[str]:
        return sorted({o for o in self.owners if o})

    def warm(self) -> "Portfolio":
        """Compute every sort order and index now (in the loading thread), so each sort is instant later."""
        self._lowered()
        self.position_of(-1)  # builds the id -> position index the screen keeps the cursor with
        for column in SORT_COLUMNS:
            self.order(column)
        return self

    def position_of(self, account_id: int) -> int | None:
        """The position of an account, or None when it is not in this portfolio."""
        if "positions" not in self._cache:
            self._cache["positions"] = {account_id: i for i, account_id in enumerate(self.ids)}
        return self._cache["positions"].get(account_id)

    def row(self, i: int) -> PortfolioRow:
        """The row at position `i` (a position from `view`)."""
        today = self.today.toordinal()
        value = self.values[i]
        nv, rn = self.next_visits[i], self.renewals[i]
        return PortfolioRow(
            id=self.ids[i],
            name=self.names[i],
            tier=self.tiers[i],
            owner=self.owners[i],
            annual_value=value,
            share=value / self.total_value if self.total_value else 0.0,
            top=i in self.top,
            health=self.health[i],
            band=self.bands[i],
            trend=self.trends[i],
            days_since_touch=self.touch_days[i],
            touch_status=self.touch_status[i],
            next_visit=dt.date.fromordinal(nv) if nv is not None else None,
            days_to_renewal=rn - today if rn is not None else None,
            open_alerts=self.alerts[i],
        )

    # -- sorting and filtering --------------------------------------------

    def _sort_key(self, column: str):
        big = 1 << 40
        if column == "tier":
            return lambda i: (-TIER_RANK[self.tiers[i]], -self.values[i])
        if column == "name":
            names = self._lowered()
            return names.__getitem__
        if column == "owner":
            return lambda i: self.owners[i] or "\uffff"
        if column in ("value", "share"):
            return lambda i: -self.values[i]
        if column == "health":
            return lambda i: (self.health[i] if self.health[i] is not None else big)
        if column == "last_touch":
            # Longest untouched first; never touched before everything.
            return lambda i: -(self.touch_days[i] if self.touch_days[i] is not None else big)
        if column == "next_visit":
            return lambda i: self.next_visits[i] if self.next_visits[i] is not None else big
        if column == "renewal":
            return lambda i: self.renewals[i] if self.renewals[i] is not None else big
        if column == "alerts":
            return lambda i: -self.alerts[i]
        raise ValueError(f"cannot sort by {column!r}; use one of {', '.join(SORT_COLUMNS)}")

    def _lowered(self) -> tuple[str, ...]:
        if "names" not in self._cache:
            self._cache["names"] = tuple(n.lower() for n in self.names)
        return self._cache["names"]

    def order(self, column: str) -> list[int]:
        """Positions in the natural order of `column` (cached: a re-sort is free)."""
        key = ("order", column)
        if key not in self._cache:
            self._cache[key] = sorted(range(len(self.ids)), key=self._sort_key(column))
        return self._cache[key]

    def view(self, sort: str = "value", reverse: bool = False, filters: Filters = Filters()) -> list[int]:
        """Positions to show, sorted by `sort` (its natural direction, or `reverse`), filtered.

        Each filter is a cached boolean mask over positions, applied with
        C-level `compress`: about 10 ms per filter at 100k accounts.
        """
        positions = self.order(sort)
        if reverse:
            positions = positions[::-1]
        for mask in self._masks(filters):
            positions = list(compress(positions, map(mask.__getitem__, positions)))
        return list(positions)

    def _masks(self, filters: Filters) -> list[list[bool]]:
        masks = []
        if filters.tiers:
            masks.append(self._cached_mask(("tiers", filters.tiers), lambda: [t in filters.tiers for t in self.tiers]))
        if filters.bands:
            masks.append(self._cached_mask(("bands", filters.bands), lambda: [(b or "none") in filters.bands for b in self.bands]))
        if filters.owner:
            masks.append(self._cached_mask(("owner", filters.owner), lambda: [o == filters.owner for o in self.owners]))
        if filters.text:
            needle = filters.text.lower()
            # Typed text changes with every key: not worth caching.
            masks.append([needle in name for name in self._lowered()])
        return masks

    def _cached_mask(self, key, build) -> list[bool]:
        key = ("mask", key)
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def summary(self, positions: Sequence[int], filters: Filters = Filters()) -> Summary:
        """Totals over `positions` (what is shown); C-level gathers, a few ms at 100k."""
        if len(positions) == len(self.ids):
            values, statuses, bands = self.values, self.touch_status, self.bands
        elif positions:
            pick = itemgetter(*positions)
            gathered = [pick(column) for column in (self.values, self.touch_status, self.bands)]
            if len(positions) == 1:
                gathered = [(value,) for value in gathered]
            values, statuses, bands = gathered
        else:
            values, statuses, bands = (), (), ()
        total = float(sum(values))
        covered = statuses.count("green")
        red = bands.count("red")
        yellow = bands.count("yellow")
        count = len(positions)
        return Summary(
            accounts=count,
            total_value=total,
            coverage=covered / count if count else None,
            red=red,
            yellow=yellow,
            filters=filters.describe(),
        )


def load(viewer: Viewer, policy: Policy, today: dt.date, *, first: int | None = None) -> Portfolio:
    """The viewer's active and prospect accounts with every derived column (one query per fact).

    `first=N` loads only the N most valuable accounts, with the derived
    columns for just those (a few ms at any size): a first screen to show
    while the whole portfolio loads. Its `total_value` and `total_accounts`
    still cover everything; `complete` is False.
    """
    accounts, visible, total_accounts, total_value = _accounts(viewer, first)
    columns = _columns(accounts, visible, policy, today)
    values = columns["values"]
    total = sum(values) if total_value is None else total_value
    return Portfolio(
        today=today,
        **{name: tuple(column) for name, column in columns.items()},
        top=_top(values, total),
        total_value=total,
        total_accounts=total_accounts,
        complete=first is None,
    )


def _accounts(viewer: Viewer, first: int | None):
    """(account rows, the ids the facts cover, accounts in the book, the book's value or None to sum)."""
    base = (
        Account.select(
            Account.id, Account.name, Account.tier, User.login, Account.annual_value, Account.renewal_date, Account.contact_days
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .where(Account.status != "churned")
    )
    if first is None:
        visible = visible_account_ids(viewer).where(Account.status != "churned")
        # No ORDER BY: sorting 100k names in SQL costs more than the cached sort orders.
        accounts = raw_rows(scope_accounts(base, viewer))
        return accounts, visible, len(accounts), None
    accounts = raw_rows(scope_accounts(base.order_by(Account.annual_value.desc(), Account.name, Account.id).limit(first), viewer))
    # A literal id list: with a subquery here SQLite prefers the status
    # indexes and scans every planned visit (0.7 s for 100 accounts).
    visible = [row[0] for row in accounts] or [0]
    totals = scope_accounts(
        Account.select(fn.COUNT(Account.id), fn.SUM(Account.annual_value)).where(Account.status != "churned"), viewer
    )
    total_accounts, total_value = raw_rows(totals)[0]
    return accounts, visible, total_accounts, float(total_value or 0)


#: The `Portfolio` fields `_columns` fills, in its order.
_COLUMNS = ("ids", "names", "tiers", "owners", "values", "health", "bands", "trends", "touch_days", "touch_status",
            "next_visits", "renewals", "alerts")


def _columns(accounts, visible, policy: Policy, today: dt.date) -> dict[str, list]:
    """The portfolio's columns (by `Portfolio` field name), one derived-fact query each."""
    touched_at = touches.last_touches(visible)
    visits = facts.next_planned_visits(visible)
    alerts = facts.open_alert_counts(visible)
    health = facts.health(visible, TREND_DAYS)
    today_ord = today.toordinal()
    columns: dict[str, list] = {name: [] for name in _COLUMNS}
    ids, names, tiers, owners, values, scores, bands, trends, touch_days, touch_status, next_visits, renewals, alert_counts = (
        columns.values()
    )
    for account_id, name, tier, owner, value, renewal, contact_days in accounts:
        ids.append(account_id)
        names.append(name)
        tiers.append(tier)
        owners.append(owner)
        values.append(float(value or 0))
        score, band, trend = health.get(account_id, (None, None, None))
        scores.append(score)
        bands.append(band)
        trends.append(trend)
        touched = touched_at.get(account_id)
        days = today_ord - as_date(touched).toordinal() if touched is not None else None
        touch_days.append(days)
        touch_status.append(policy.contact(tier, contact_days).status(days))
        visit = visits.get(account_id)
        next_visits.append(as_date(visit).toordinal() if visit is not None else None)
        renewals.append(as_date(renewal).toordinal() if renewal is not None else None)
        alert_counts.append(alerts.get(account_id, 0))
    return columns


def _top(values: list[float], total: float) -> frozenset[int]:
    """Positions of the most valuable accounts that together make up `TOP_SHARE` of `total`."""
    top: set[int] = set()
    if total > 0:
        running = 0.0
        for i in sorted(range(len(values)), key=lambda i: -values[i]):
            if running >= TOP_SHARE * total:
                break
            top.add(i)
            running += values[i]
    return frozenset(top)
