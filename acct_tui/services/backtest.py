"""Replaying the rules over history: how early would churn have been flagged?

At each step the facts are gathered as they were on that day (end of day),
the rules run in memory, and nothing is written. For every account that
churned after the first step, the first step at which it had a red signal
gives the lead time; the number of accounts that did not churn but were red
on that same step says what the alarm cost in attention.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.db import database
from acct_tui.models import Account
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.facts import gather
from acct_tui.services.query import as_date
from acct_tui.services.scan import evaluate_all


@dataclass(frozen=True)
class BacktestRow:
    """One churned account: when it first went red, and how many others were red then."""

    account_id: int
    account_external_id: str | None
    account_name: str
    churned_on: dt.date
    first_red_on: dt.date | None
    days_before_churn: int | None
    rules: str
    non_churned_red: int | None


@dataclass(frozen=True)
class BacktestResult:
    steps: tuple[dt.date, ...]
    rows: tuple[BacktestRow, ...]
    #: Per step, how many accounts that never churned were red.
    non_churned_red: tuple[int, ...]
    accounts: int

    def summary_line(self) -> str:
        caught = [r.days_before_churn for r in self.rows if r.days_before_churn is not None]
        lead = f", median {statistics.median(caught):.0f} days before churn" if caught else ""
        noise = f"{statistics.mean(self.non_churned_red):.1f}" if self.non_churned_red else "0"
        return (f"{len(self.steps)} steps over {self.accounts} accounts: {len(caught)} of {len(self.rows)} churned "
                f"accounts went red first{lead}; on average {noise} accounts that stayed were red at each step")


def _steps(start: dt.date, end: dt.date, step: dt.timedelta) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        days.append(day)
        day += step
    return days


def backtest(viewer: Viewer, start: dt.date, end: dt.date, step: dt.timedelta = dt.timedelta(days=7),
             settings: RiskSettings | None = None) -> BacktestResult:
    """Replay the rules from `start` to `end` over the accounts `viewer` may see."""
    settings = settings or loaded()
    steps = _steps(start, end, step)
    with database.connection_context():
        query = scope_accounts(Account.select(Account.id, Account.external_id, Account.name, Account.status, Account.churned_on), viewer)
        accounts = {row[0]: row for row in query.tuples()}
        churned = {aid: as_date(row[4]) for aid, row in accounts.items() if row[3] == "churned" and row[4] is not None}
        churned = {aid: day for aid, day in churned.items() if day > start}
        ids = None if viewer.sees_everything else list(accounts)
        first_red: dict[int, tuple[dt.date, str, int]] = {}
        noise: list[int] = []
        for day in steps:
            moment = dt.datetime.combine(day, dt.time(23, 59, 59))
            signals, _ = evaluate_all(gather(moment, ids, settings), settings)
            red = {aid: sorted(r for r, s in found.items() if s.severity == "red") for aid, found in signals.items()}
            red = {aid: rules for aid, rules in red.items() if rules and aid in accounts}
            others = sum(1 for aid in red if accounts[aid][3] != "churned")
            noise.append(others)
            for aid, rules in red.items():
                if aid in churned and aid not in first_red and day < churned[aid]:
                    first_red[aid] = (day, ", ".join(rules), others)
    rows = []
    for aid, churned_on in sorted(churned.items(), key=lambda item: (item[1], item[0])):
        _, external_id, name, _, _ = accounts[aid]
        hit = first_red.get(aid)
        rows.append(BacktestRow(
            account_id=aid, account_external_id=external_id, account_name=name, churned_on=churned_on,
            first_red_on=hit[0] if hit else None, days_before_churn=(churned_on - hit[0]).days if hit else None,
            rules=hit[1] if hit else "", non_churned_red=hit[2] if hit else None,
        ))
    return BacktestResult(tuple(steps), tuple(rows), tuple(noise), len(accounts))
