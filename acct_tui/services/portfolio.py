"""The portfolio: every account a viewer may see, with its derived columns.

`load(viewer, policy)` runs one grouped query per fact (last touch, newest
health and the one a week older, next planned visit, open alerts) over the
viewer's accounts and keeps the result in columns (plain tuples), not one
object per account: at 100,000 accounts that is the difference between
about a second and several. `Portfolio.view(...)` then sorts and filters in
memory (cached sort orders, a mask per filter) and `Portfolio.row(i)` builds
the `PortfolioRow` for the few rows on screen.

Why in memory rather than ORDER BY ... LIMIT per keystroke: sorting by a
derived column in SQL means recomputing every aggregate per query (hundreds
of ms at 100k); here a refresh pays once and each sort or filter costs tens
of milliseconds at most (see scripts/bench_ui.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

import peewee
from peewee import JOIN, SQL, fn

from acct_tui.core.policy import Policy
from acct_tui.db import database
from acct_tui.enums import TIERS, TOUCH_KINDS
from acct_tui.models import Account, Activity, Alert, HealthSnapshot, PlannedVisit, User
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids

#: Share of the portfolio's value that the "top accounts" mark covers.
TOP_SHARE = 0.8
#: Days back the health trend compares against.
TREND_DAYS = 7
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
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def owner_logins(self) -> list[str]:
        return sorted({o for o in self.owners if o})

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
        """Positions to show, sorted by `sort` (its natural direction, or `reverse`), filtered."""
        positions = self.order(sort)
        if reverse:
            positions = positions[::-1]
        keep = self._mask(filters)
        if keep is None:
            return list(positions)
        return [i for i in positions if keep[i]]

    def _mask(self, filters: Filters) -> list[bool] | None:
        tests = []
        if filters.text:
            needle = filters.text.lower()
            names = self._lowered()
            tests.append(lambda i: needle in names[i])
        if filters.tiers:
            tests.append(lambda i: self.tiers[i] in filters.tiers)
        if filters.bands:
            tests.append(lambda i: (self.bands[i] or "none") in filters.bands)
        if filters.owner:
            tests.append(lambda i: self.owners[i] == filters.owner)
        if not tests:
            return None
        if len(tests) == 1:
            test = tests[0]
            return [test(i) for i in range(len(self.ids))]
        return [all(t(i) for t in tests) for i in range(len(self.ids))]

    def summary(self, positions: Sequence[int], filters: Filters = Filters()) -> Summary:
        """Totals over `positions` (what is shown)."""
        total = 0.0
        covered = red = yellow = 0
        values, statuses, bands = self.values, self.touch_status, self.bands
        for i in positions:
            total += values[i]
            if statuses[i] == "green":
                covered += 1
            band = bands[i]
            if band == "red":
                red += 1
            elif band == "yellow":
                yellow += 1
        count = len(positions)
        return Summary(
            accounts=count,
            total_value=total,
            coverage=covered / count if count else None,
            red=red,
            yellow=yellow,
            filters=filters.describe(),
        )


def load(viewer: Viewer, policy: Policy, today: dt.date) -> Portfolio:
    """The viewer's active and prospect accounts with every derived column (one query per fact)."""
    visible = visible_account_ids(viewer).where(Account.status != "churned")
    base = (
        Account.select(
            Account.id, Account.name, Account.tier, User.login, Account.annual_value, Account.renewal_date, Account.contact_days
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .where(Account.status != "churned")
        .order_by(Account.name, Account.id)
    )
    accounts = _rows(scope_accounts(base, viewer))
    touches = dict(
        _rows(
            Activity.select(Activity.account, fn.MAX(Activity.occurred_at))
            .where(Activity.kind.in_(TOUCH_KINDS), Activity.account.in_(visible))
            .group_by(Activity.account)
        )
    )
    visits = dict(
        _rows(
            PlannedVisit.select(PlannedVisit.account, fn.MIN(PlannedVisit.scheduled_for))
            .where(PlannedVisit.status == "planned", PlannedVisit.account.in_(visible))
            .group_by(PlannedVisit.account)
        )
    )
    alerts = dict(
        _rows(
            Alert.select(Alert.account, fn.COUNT(Alert.id))
            .where(Alert.status.in_(("open", "acknowledged")), Alert.account.in_(visible))
            .group_by(Alert.account)
        )
    )
    health = _health(visible)

    today_ord = today.toordinal()
    n = len(accounts)
    ids, names, tiers, owners, values = [], [], [], [], []
    scores, bands, trends, touch_days, touch_status, next_visits, renewals, alert_counts = ([] for _ in range(8))
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
        touched = touches.get(account_id)
        days = today_ord - _as_date(touched).toordinal() if touched is not None else None
        touch_days.append(days)
        touch_status.append(policy.contact(tier, contact_days).status(days))
        visit = visits.get(account_id)
        next_visits.append(_as_date(visit).toordinal() if visit is not None else None)
        renewals.append(_as_date(renewal).toordinal() if renewal is not None else None)
        alert_counts.append(alerts.get(account_id, 0))
    total = sum(values)
    top: set[int] = set()
    if total > 0:
        running = 0.0
        for i in sorted(range(n), key=lambda i: -values[i]):
            if running >= TOP_SHARE * total:
                break
            top.add(i)
            running += values[i]
    return Portfolio(
        today=today,
        ids=tuple(ids),
        names=tuple(names),
        tiers=tuple(tiers),
        owners=tuple(owners),
        values=tuple(values),
        health=tuple(scores),
        bands=tuple(bands),
        trends=tuple(trends),
        touch_days=tuple(touch_days),
        touch_status=tuple(touch_status),
        next_visits=tuple(next_visits),
        renewals=tuple(renewals),
        alerts=tuple(alert_counts),
        top=frozenset(top),
        total_value=total,
    )


def _health(visible) -> dict[int, tuple[int, str, int | None]]:
    """Per account: newest score and band, and the change since the newest snapshot >= 7 days older."""
    newest = (
        HealthSnapshot.select(HealthSnapshot.account.alias("account_id"), fn.MAX(HealthSnapshot.taken_on).alias("taken_on"))
        .where(HealthSnapshot.account.in_(visible))
        .group_by(HealthSnapshot.account)
        .alias("newest")
    )
    current = {
        account_id: (score, band, _as_date(taken_on))
        for account_id, score, band, taken_on in _rows(
            HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.score, HealthSnapshot.band, HealthSnapshot.taken_on).join(
                newest, on=((newest.c.account_id == HealthSnapshot.account) & (newest.c.taken_on == HealthSnapshot.taken_on))
            )
        )
    }
    if not current:
        return {}
    # The newest snapshot at least TREND_DAYS older than each account's newest one.
    cutoff = _days_before(newest.c.taken_on, TREND_DAYS)
    older_date = (
        HealthSnapshot.select(HealthSnapshot.account.alias("account_id"), fn.MAX(HealthSnapshot.taken_on).alias("taken_on"))
        .join(newest, on=(newest.c.account_id == HealthSnapshot.account))
        .where(HealthSnapshot.taken_on <= cutoff)
        .group_by(HealthSnapshot.account)
        .alias("older")
    )
    older = dict(
        _rows(
            HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.score).join(
                older_date, on=((older_date.c.account_id == HealthSnapshot.account) & (older_date.c.taken_on == HealthSnapshot.taken_on))
            )
        )
    )
    result = {}
    for account_id, (score, band, _taken) in current.items():
        before = older.get(account_id)
        result[account_id] = (score, band, score - before if before is not None else None)
    return result


def _days_before(column, days: int):
    """`column - days` for a date column, on SQLite (text dates) and PostgreSQL."""
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        return column - SQL(f"INTERVAL '{int(days)} days'")
    return fn.date(column, f"-{int(days)} days")


def _rows(query) -> list[tuple]:
    # Raw cursor rows: peewee's per-row model conversion is most of the cost at 100k rows.
    return list(database.execute(query).fetchall())


def _as_date(value) -> dt.date:
    # Raw SQLite rows give ISO text; PostgreSQL gives date/datetime objects.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Decimal):  # pragma: no cover - defensive
        raise TypeError("not a date")
    return dt.date.fromisoformat(str(value)[:10])
