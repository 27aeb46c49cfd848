"""KPIs over a period: `report()` is what `acct-tui report` prints and the Team pane's KPI tab shows.

One grouped query per fact (`kpi_facts`), over the accounts the viewer may
see, filled into one `Tally` per (owner, tier), then added up into the
groups asked for (by owner, team, tier or the whole book) and finished in
`core.kpi`, where every formula is defined once. A group is a set of
accounts: each figure counts what happened on them, whoever did it.

Money is in the base currency: each account's value and its cohort's
revenue at the period end's rate (today's, while the period runs), each won
opportunity at its close day's rate; what has no rate is left out and said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acct_tui.core.currency import RateBook
from acct_tui.core.kpi import FIGURES, KpiRow, Tally, finish
from acct_tui.core.periods import Period, revenue_months
from acct_tui.core.policy import Policy
from acct_tui.enums import TIERS
from acct_tui.services import kpi_facts as facts
from acct_tui.services.access import Viewer
from acct_tui.services.query import as_date

GROUPINGS = ("owner", "team", "tier", "book")
UNOWNED = "(unowned)"
NO_TEAM = "(no team)"
BOOK = "book"
TOTAL = "(all)"


@dataclass(frozen=True)
class KpiReport:
    """One period's figures per group, and for everything the viewer sees (`total`)."""

    period: Period
    by: str
    base: str
    rows: tuple[KpiRow, ...]
    total: KpiRow

    def row(self, group: str) -> KpiRow | None:
        return next((r for r in self.rows if r.group == group), None)


def tallies(viewer: Viewer, period: Period, today: dt.date, policy: Policy, group_of=None) -> dict:
    """Every fact of the period added up per group: `group_of(owner id, tier)` names the group
    of those accounts (default: the pair itself). The report's raw material."""
    found: dict = {}
    by_bucket: dict[tuple, Tally] = {}

    def at(owner, tier) -> Tally:
        tally = by_bucket.get((owner, tier))
        if tally is None:
            key = (owner, tier) if group_of is None else group_of(owner, tier)
            tally = by_bucket[(owner, tier)] = found.get(key) or found.setdefault(key, Tally())
        return tally

    def add(per_currency: dict, currency: str, *values) -> None:
        # Money stays a float here (SQLite sums a decimal column as one); it is rounded to
        # the cent once, when converted (`core.kpi.finish`).
        current = per_currency.get(currency)
        if current is None:
            per_currency[currency] = [v or 0 for v in values]
        else:
            for i, v in enumerate(values):
                current[i] += v or 0

    as_of = min(period.end, today)
    for owner, tier, currency, count, value, churned in facts.accounts(viewer, as_of, period):
        t = at(owner, tier)
        t.churned += churned
        if count:
            t.accounts += count
            add(t.value, currency, count, value)
    for owner, tier, due, renewed in facts.renewals(viewer, period, today):
        t = at(owner, tier)
        t.renewals_due += due
        t.renewed += renewed
    months = revenue_months(period, today)
    if months is not None:
        for owner, tier, currency, count, start, kept, end in facts.retention(viewer, period, months):
            add(at(owner, tier).retention, currency, count, start, kept, end)
    for owner, tier, currency, day, count, amount in facts.expansion_won(viewer, period):
        at(owner, tier).expansion.append((currency, as_date(day), count, amount or 0))
    for owner, tier, judged, covered in facts.coverage(viewer, policy, as_of):
        t = at(owner, tier)
        t.considered += judged
        t.covered += covered
    for owner, tier, planned, done in facts.visits(viewer, period, today):
        t = at(owner, tier)
        t.visits_planned += planned
        t.visits_done += done
    for owner, tier, due, on_time in facts.commitments(viewer, period, today):
        t = at(owner, tier)
        t.commitments_due += due
        t.commitments_on_time += on_time
    for owner, tier, count in facts.cases_opened(viewer, period):
        at(owner, tier).cases_opened += count
    for owner, tier, days in facts.case_days(viewer, period):
        at(owner, tier).case_days.append(days)
    for owner, tier, count in facts.escalations(viewer, period):
        at(owner, tier).escalations += count
    return found


def _group_of(by: str, owner: int | None, tier: str, people: dict) -> tuple[str, str]:
    """(group key, label) of the accounts of `owner` in `tier`."""
    if by == "book":
        return BOOK, "the whole book"
    if by == "tier":
        return tier, tier
    person = people.get(owner)
    if by == "team":
        team = person[3] if person else None
        return (team, team) if team else (NO_TEAM, NO_TEAM)
    if person is None or not person[2]:
        return UNOWNED, UNOWNED  # nobody, or someone deactivated: until a handover
    return person[0], person[1]


def _order(by: str, key: str, label: str) -> tuple:
    if by == "tier":
        return (-TIERS.index(key) if key in TIERS else 1, key)
    return (key in (UNOWNED, NO_TEAM), label.lower(), key)


def report(viewer: Viewer, period: Period, book: RateBook, *, by: str = "owner", today: dt.date,
           policy: Policy | None = None) -> KpiReport:
    """The figures of `period` for each group of the viewer's accounts, and for all of them."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; use one of {', '.join(GROUPINGS)}")
    policy = policy or Policy()
    people = facts.people() if by in ("owner", "team") else {}
    groups = tallies(viewer, period, today, policy, lambda owner, tier: _group_of(by, owner, tier, people))
    total = Tally()
    for tally in groups.values():
        total.add(tally)
    value_day = min(period.end, today)
    rows = [finish(key, label, tally, book, value_day) for (key, label), tally in groups.items()]
    rows.sort(key=lambda r: _order(by, r.group, r.label))
    return KpiReport(period, by, book.base, tuple(rows), finish(TOTAL, TOTAL, total, book, value_day))


__all__ = ["FIGURES", "GROUPINGS", "KpiReport", "KpiRow", "report", "tallies"]
