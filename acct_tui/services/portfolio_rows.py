"""What the Portfolio hands the screen: a row, the filters in force, the summary line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acct_tui.core.currency import unrated_note
from acct_tui.enums import TIERS

TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}


@dataclass(frozen=True)
class PortfolioRow:
    """One account as the portfolio table shows it."""

    id: int
    name: str
    tier: str
    owner: str | None
    #: In the base currency; None when the account's currency has no rate today.
    annual_value: float | None
    own_value: float  # in the account's own currency
    currency: str
    share: float | None  # of the whole portfolio's value, 0..1; None without a rate
    top: bool  # among the accounts making up the top 80% of value
    #: Open opportunities weighted by probability, in the base currency; None with none.
    pipeline: float | None
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
    total_value: float  # base currency, rated accounts only
    #: Accounts left out of the total: (currency, count).
    unrated: tuple[tuple[str, int], ...]
    pipeline: float
    #: Share of the customers shown (accounts active today) touched within cadence:
    #: `kpi_facts.coverage`'s definition; None with no customers.
    coverage: float | None
    red: int  # accounts in the red health band
    yellow: int
    #: Open and acknowledged alerts on the accounts shown (`kpi_facts.live_alert`).
    alerts: int
    filters: str

    @property
    def unrated_note(self) -> str:
        return unrated_note(self.unrated)
