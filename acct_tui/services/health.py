"""Why an account scores what it scores: components, signals and trend.

`explain` recomputes from the account's facts (so it is always current, even
between scans) and takes the trend from the stored snapshots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acct_tui import clock
from acct_tui.core.assess import assess
from acct_tui.core.health import Cap, Component
from acct_tui.core.rules import Signal
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.db import database
from acct_tui.errors import NotFound
from acct_tui.models import Account, HealthSnapshot
from acct_tui.services.access import Viewer, account_visible
from acct_tui.services.facts import gather

__all__ = ["Cap", "Component", "Explanation", "Signal", "explain", "TREND_DAYS"]

#: The trend compares with the newest snapshot at least this many days older (kept beside the
#: query that reads it: Today and the Portfolio need not import the health engine for a number).
from acct_tui.services.portfolio_facts import TREND_DAYS  # noqa: E402


@dataclass(frozen=True)
class Explanation:
    """An account's health in full: score, band, trend, components and open signals."""

    account_id: int
    account_name: str
    score: int | None
    band: str | None
    trend: int | None
    components: tuple[Component, ...]
    signals: tuple[Signal, ...]
    #: Red signals held the score below what the components gave ("capped at 50: departure_intent").
    cap: Cap | None = None


def explain(
    viewer: Viewer,
    account_id: int,
    now: dt.datetime | None = None,
    settings: RiskSettings | None = None,
) -> Explanation:
    """Recompute one account's health and signals at `now` (default: the clock)
    with `settings` (default: the loaded ones); an account `viewer` may not
    see is `NotFound`."""
    now = now or clock.now()
    settings = settings or loaded()
    with database.connection_context():
        account = Account.get_or_none(Account.id == account_id)
        if account is None or not account_visible(viewer, account_id):
            raise NotFound(f"no account #{account_id}")
        facts = gather(now, [account_id], settings=settings)[account_id]
        judged = assess(facts, settings)
        result, signals = judged.health, judged.signals
        trend = None
        if result.score is not None:
            older = (
                HealthSnapshot.select(HealthSnapshot.score)
                .where((HealthSnapshot.account == account_id) & (HealthSnapshot.taken_on <= now.date() - dt.timedelta(days=TREND_DAYS)))
                .order_by(HealthSnapshot.taken_on.desc())
                .first()
            )
            if older is not None:
                trend = result.score - older.score
    return Explanation(
        account_id=account.id,
        account_name=account.name,
        score=result.score,
        band=result.band,
        trend=trend,
        components=result.components,
        signals=signals,
        cap=result.cap,
    )
