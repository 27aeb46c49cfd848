"""The figures account managers are judged on, each defined once, as arithmetic over a `Tally`.

`services.kpi` fills one `Tally` per (owner, tier) from one grouped query
per fact, adds them up into the groups a report asks for, and calls
`finish` here. The README ("KPIs") has every formula in words; this is the
same, in code. Pure: no I/O.

A ratio with nothing to divide by is None ("empty"), never 0 or 100%:
no renewals due means no renewal rate.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field, fields
from decimal import Decimal

from acct_tui.core.currency import RateBook, merge_unrated, short_amount
from acct_tui.core.text import plural

#: The report's figures, in order: the JSON keys and the CSV columns.
FIGURES = (
    "accounts", "value", "renewals_due", "renewed", "churned", "renewal_rate", "grr", "nrr", "expansion_won",
    "coverage", "visits_planned", "visits_done", "visit_plan_rate", "commitments_due", "commitments_on_time",
    "on_time_rate", "cases_opened", "cases_per_account", "median_case_days", "escalations",
)
#: The figures a KPI view draws over time (sparklines).
TRENDS = ("renewal_rate", "nrr", "coverage", "on_time_rate")
#: Figures that are shares (shown as percentages) and money (in the base currency).
RATES = frozenset({"renewal_rate", "grr", "nrr", "coverage", "visit_plan_rate", "on_time_rate"})
MONEY = frozenset({"value", "expansion_won"})


@dataclass
class Tally:
    """What one set of accounts did in one period: counts, and money per currency, not yet divided."""

    accounts: int = 0
    #: currency -> [accounts, annual value] of the accounts counted in `accounts`
    value: dict[str, list] = field(default_factory=dict)
    renewals_due: int = 0
    renewed: int = 0
    churned: int = 0
    #: currency -> [accounts, start revenue, revenue kept (at most the start), end revenue]
    retention: dict[str, list] = field(default_factory=dict)
    #: (currency, close day, opportunities, amount) of won expansion and cross-sell
    expansion: list = field(default_factory=list)
    considered: int = 0  # accounts judged for coverage
    covered: int = 0
    visits_planned: int = 0
    visits_done: int = 0
    commitments_due: int = 0
    commitments_on_time: int = 0
    cases_opened: int = 0
    case_days: list = field(default_factory=list)
    escalations: int = 0

    def add(self, other: "Tally") -> "Tally":
        """Add `other` into this tally (returns self)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _PER_CURRENCY:
            mine = getattr(self, name)
            for key, values in getattr(other, name).items():
                current = mine.get(key)
                if current is None:
                    mine[key] = list(values)
                else:
                    for i, v in enumerate(values):
                        current[i] += v
        self.expansion.extend(other.expansion)
        self.case_days.extend(other.case_days)
        return self


_PER_CURRENCY = ("value", "retention")
_COUNTS = tuple(f.name for f in fields(Tally) if f.name not in (*_PER_CURRENCY, "expansion", "case_days"))


@dataclass(frozen=True)
class KpiRow:
    """One group's figures for one period; money in the base currency."""

    group: str
    label: str
    accounts: int
    value: Decimal
    renewals_due: int
    renewed: int
    churned: int
    renewal_rate: float | None
    grr: float | None
    nrr: float | None
    expansion_won: Decimal
    coverage: float | None
    visits_planned: int
    visits_done: int
    visit_plan_rate: float | None
    commitments_due: int
    commitments_on_time: int
    on_time_rate: float | None
    cases_opened: int
    cases_per_account: float | None
    median_case_days: float | None
    escalations: int
    #: What was left out of the money figures for want of an exchange rate ("" when nothing).
    without_rate: str = ""


def ratio(part, whole, places: int = 4) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return round(float(part) / float(whole), places) if whole else None


def median_days(days: list[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def retention(parts: dict[str, list], book: RateBook, day: dt.date) -> tuple[float | None, float | None, tuple]:
    """(GRR, NRR, currencies left out) over the cohort's revenue, every currency at `day`'s rate.

    GRR = sum over the cohort of min(end, start) / sum of start: what was kept,
    growth not counted. NRR = sum of end / sum of start: kept plus growth.
    Both months convert at the same rate, so a currency's move is neither
    churn nor growth.
    """
    start = kept = end = Decimal(0)
    unrated = []
    for currency, (count, first, held, last) in sorted(parts.items()):
        rate = book.rate(currency, day)
        if rate is None:
            unrated.append((currency, count))
            continue
        start += Decimal(str(first)) * rate
        kept += Decimal(str(held)) * rate
        end += Decimal(str(last)) * rate
    return ratio(kept, start), ratio(end, start), tuple(unrated)


def finish(group: str, label: str, t: Tally, book: RateBook, value_day: dt.date) -> KpiRow:
    """The figures from a tally: money converted, ratios divided, what had no rate said."""
    value = book.total(((c, n, amount) for c, (n, amount) in sorted(t.value.items())), value_day)
    grr, nrr, unrated_cohort = retention(t.retention, book, value_day)
    won = Decimal(0)
    unrated_deals = []
    for currency, day, count, amount in t.expansion:
        converted = book.convert(amount, currency, day)
        if converted is None:
            unrated_deals.append((currency, count))
        else:
            won += converted
    notes = []
    # Mostly the same accounts on both sides: the larger count per currency, never their sum.
    accounts_left_out = sorted({c: max(n, dict(unrated_cohort).get(c, 0)) for c, n in value.unrated}.items())
    accounts_left_out += [(c, n) for c, n in unrated_cohort if c not in dict(value.unrated)]
    if accounts_left_out:
        notes.append("; ".join(f"{plural(n, 'account')} without a rate for {c}" for c, n in sorted(accounts_left_out)))
    for currency, count in merge_unrated(unrated_deals):
        notes.append(f"{plural(count, 'won opportunity')} without a rate for {currency}")
    return KpiRow(
        group=group, label=label, accounts=t.accounts, value=value.amount,
        renewals_due=t.renewals_due, renewed=t.renewed, churned=t.churned, renewal_rate=ratio(t.renewed, t.renewals_due),
        grr=grr, nrr=nrr, expansion_won=won,
        coverage=ratio(t.covered, t.considered),
        visits_planned=t.visits_planned, visits_done=t.visits_done, visit_plan_rate=ratio(t.visits_done, t.visits_planned),
        commitments_due=t.commitments_due, commitments_on_time=t.commitments_on_time,
        on_time_rate=ratio(t.commitments_on_time, t.commitments_due),
        cases_opened=t.cases_opened, cases_per_account=ratio(t.cases_opened, t.accounts, 3),
        median_case_days=median_days(t.case_days), escalations=t.escalations,
        without_rate="; ".join(notes),
    )


def show(name: str, value) -> str:
    """A figure as people read it: `93.1%` for a share, `1.20M` for money, `-` for empty."""
    if value is None:
        return "-"
    if name in RATES:
        return f"{value * 100:.1f}%"
    if name in MONEY:
        return short_amount(value)
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}" if isinstance(value, int) else str(value)
