"""The health score: 0-100 per account, a weighted mean of components.

Each component scores 0-100 from the account's facts. A component with no
data (no sentiment ever recorded, under 6 months of usage, no commitments
or receivables due lately) is left out and the remaining weights renormalise,
so missing data neither helps nor hurts. Bands: red 0-50, yellow 51-75,
green 76-100. Churned and prospect accounts get no score.

The score then agrees with the alerts (`cap`): an account with a red signal
is at most yellow (75), and one with a departure intent or two or more red
signals is at most red (50), whatever its components say.
"""

from __future__ import annotations

from dataclasses import dataclass

from acct_tui.core.facts import AccountFacts
from acct_tui.core.settings import RiskSettings


@dataclass(frozen=True)
class Component:
    """One part of the score: its value (0-100), its share of the score after
    renormalisation (0-1), and value x share."""

    name: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Cap:
    """A ceiling on the score set by red signals: at most `limit`, because of `rules`."""

    limit: int
    rules: tuple[str, ...]
    #: The score the components gave, before the cap.
    uncapped: int

    def line(self) -> str:
        """"capped at 50: departure_intent": the words `explain` shows."""
        return f"capped at {self.limit}: {', '.join(self.rules)}"


@dataclass(frozen=True)
class Health:
    score: int | None
    band: str | None
    components: tuple[Component, ...]
    #: Set when red signals held the score below what the components gave.
    cap: Cap | None = None


#: The highest score an account with one red signal may have (the top of yellow) ...
YELLOW_CAP = 75
#: ... and with a departure intent or two or more red signals (the top of red).
RED_CAP = 50
#: Red signals that alone put the account in the red band.
RED_BAND_RULES = ("departure_intent",)


def cap_for(red_rules) -> tuple[int, tuple[str, ...]] | None:
    """The ceiling red signals put on the score, and the rules that set it; None without any."""
    red = tuple(sorted(set(red_rules)))
    if not red:
        return None
    decisive = tuple(r for r in red if r in RED_BAND_RULES)
    if decisive:
        return RED_CAP, decisive
    if len(red) >= 2:
        return RED_CAP, red
    return YELLOW_CAP, red


def capped(score: int | None, red_rules) -> tuple[int | None, tuple[int, tuple[str, ...]] | None]:
    """`score` held under the ceiling of `red_rules`; the cap when it took effect."""
    if score is None or not red_rules:
        return score, None
    found = cap_for(red_rules)
    if found is None or score <= found[0]:
        return score, None
    return found[0], found


def band(score: int | None) -> str | None:
    if score is None:
        return None
    if score <= 50:
        return "red"
    if score <= 75:
        return "yellow"
    return "green"


def _slide(x: float, points: list[tuple[float, float]]) -> float:
    """Piecewise-linear through `points` (x ascending), flat beyond both ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 != x0 else y1
    return points[-1][1]


def engagement(f: AccountFacts, s: RiskSettings) -> float | None:
    """100 within the contact target, 50 at the max, 0 at twice the max."""
    days = f.days_since(f.last_touch) if f.last_touch else f.days_since(f.since)
    if days is None:
        return None
    cadence = s.policy.contact(f.tier, f.contact_days)
    return _slide(days, [(cadence.target, 100), (cadence.max, 50), (2 * cadence.max, 0)])


def sentiment(f: AccountFacts, s: RiskSettings) -> float | None:
    """The mean of the recent sentiments (-2..2) mapped onto 0..100; never a confidential record's."""
    values = f.shared_sentiments[: s.thresholds.sentiment_touches]
    if not values:
        return None
    return (sum(values) / len(values) + 2) * 25


def cases(f: AccountFacts, s: RiskSettings) -> float:
    """100 with nothing open; each open case costs 15, escalated or severe ones 15 more."""
    penalty = 15 * f.open_cases + 15 * f.open_escalated_cases + (15 if f.oldest_open_severe_case else 0)
    return float(max(0, 100 - penalty))


def usage_trend(f: AccountFacts, s: RiskSettings) -> float | None:
    """100 when usage holds or grows, 0 at the red drop, linear between."""
    change = percent_change(f.usage_recent, f.usage_prior)
    if change is None:
        return None
    return _slide(change, [(-s.thresholds.drop_red_pct, 0), (0, 100)])


def revenue_trend(f: AccountFacts, s: RiskSettings) -> float | None:
    """The same as usage trend, on revenue."""
    change = percent_change(f.revenue_recent, f.revenue_prior)
    if change is None:
        return None
    return _slide(change, [(-s.thresholds.drop_red_pct, 0), (0, 100)])


def relationship(f: AccountFacts, s: RiskSettings) -> float | None:
    """100 with an active champion or sponsor; 0 when the last one left lately
    (within `champion_left_days`), 30 when the account has gone without one longer.
    No champion or sponsor ever on record: no data."""
    if f.active_champions > 0:
        return 100.0
    if not f.champions_on_record:
        return None
    days = f.days_since(f.champion_left_on)
    if days is not None and 0 <= days <= s.thresholds.champion_left_days:
        return 0.0
    return 30.0


def commitments(f: AccountFacts, s: RiskSettings) -> float | None:
    """The share of recent commitments kept by their due date."""
    if f.commitments_due == 0:
        return 0.0 if f.overdue_commitments else None
    return 100.0 * f.commitments_kept / f.commitments_due


def payments(f: AccountFacts, s: RiskSettings) -> float | None:
    """100 when nothing is overdue, 50 at the yellow threshold, 0 at the red one."""
    if not f.receivables_recent and not f.unpaid_overdue:
        return None
    late = f.days_since(f.oldest_unpaid_due)
    if late is None or late <= 0:
        return 100.0
    t = s.thresholds
    return _slide(late, [(0, 100), (t.payment_yellow_days, 50), (t.payment_red_days, 0)])


def percent_change(recent: float | None, prior: float | None) -> float | None:
    """Percent change from `prior` to `recent`; None without a positive baseline."""
    if recent is None or prior is None or prior <= 0:
        return None
    return (recent - prior) / prior * 100


COMPONENTS = {
    "engagement": engagement,
    "sentiment": sentiment,
    "cases": cases,
    "usage_trend": usage_trend,
    "revenue_trend": revenue_trend,
    "relationship": relationship,
    "commitments": commitments,
    "payments": payments,
}


def weighted(s: RiskSettings) -> tuple[tuple[str, object, float], ...]:
    """(name, function, weight) of each component with a positive weight, in `COMPONENTS`' order:
    what `score` runs, worked out once for many accounts."""
    return tuple((name, function, weight) for name, function in COMPONENTS.items()
                 if (weight := s.weights.get(name, 0)) > 0)


def score(f: AccountFacts, s: RiskSettings, components: tuple | None = None) -> tuple[int | None, str | None, dict[str, float]]:
    """The score, band and component values alone: the scan's fast path (no
    `Component` objects for 100,000 accounts). `components`: `weighted(s)`, when the caller
    scores many accounts with the same settings."""
    if not f.watched:
        return None, None, {}
    values, total, weighted_sum = {}, 0.0, 0.0
    for name, function, weight in weighted(s) if components is None else components:
        value = function(f, s)
        if value is not None:
            values[name] = round(value, 1)
            total += weight
            weighted_sum += value * weight
    if not total:
        return None, None, {}
    result = round(weighted_sum / total)
    return result, band(result), values


def compute(f: AccountFacts, s: RiskSettings) -> Health:
    """The account's score, band and the components that had data."""
    if not f.watched:
        return Health(None, None, ())
    raw = []
    for name, function in COMPONENTS.items():
        weight = float(s.weights.get(name, 0))
        if weight <= 0:
            continue
        value = function(f, s)
        if value is not None:
            raw.append((name, value, weight))
    total = sum(w for _, _, w in raw)
    if not total:
        return Health(None, None, ())
    components = tuple(
        Component(name, round(value, 1), round(w / total, 4), round(value * w / total, 1)) for name, value, w in raw
    )
    score = round(sum(value * w for _, value, w in raw) / total)
    return Health(score, band(score), components)
