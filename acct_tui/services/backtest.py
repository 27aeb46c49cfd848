"""Replaying the rules over history: how early would churn have been flagged, at what cost?

At each step the facts are gathered as they were on that day (end of day),
the rules and the health score run in memory (`scan.evaluate_all`, the same
code as the scan), and nothing is written. An account is *red* at a step when
the lead would see red: a red signal, or health in the red band.

For every account that churned after the first step: the first step at which
it was red gives the lead time. Over the whole run:

- recall: the share of churned accounts first red at least `LEAD_DAYS` (30)
  days before they churned;
- the median lead time of those caught before churning;
- the false-alarm rate: at each step, the share of accounts that never
  churned that were red, averaged over the steps;
- the AUROC of the health score at each step for "churns within
  `HORIZON_DAYS` (90)": the chance that an account about to churn scores
  lower than one that is not (ties count half; 0.5 is a coin, 1 perfect);
  the summary's mean weighs each step by its churners (a step with one
  churner says little).
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

#: A churn flagged at least this many days ahead counts as caught in time.
LEAD_DAYS = 30
#: The AUROC asks: who churns within this many days of the step?
HORIZON_DAYS = 90


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
class StepFigures:
    """One step: how many accounts were watched and red, and how well health ranked the churners."""

    day: dt.date
    watched: int
    #: Accounts that never churned, watched at this step, and how many of them were red.
    stayed: int
    stayed_red: int
    #: Accounts that churned within `HORIZON_DAYS` of the step.
    churning: int
    auroc: float | None


@dataclass(frozen=True)
class BacktestSummary:
    """The figures that judge the engine (see the module's docstring)."""

    churned: int
    caught_in_time: int
    recall: float | None
    median_lead_days: float | None
    false_alarm_rate: float | None
    auroc_mean: float | None
    auroc_by_step: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class BacktestResult:
    steps: tuple[dt.date, ...]
    rows: tuple[BacktestRow, ...]
    #: Per step, how many accounts that never churned were red.
    non_churned_red: tuple[int, ...]
    accounts: int
    figures: tuple[StepFigures, ...] = ()

    @property
    def summary(self) -> BacktestSummary:
        caught = [r.days_before_churn for r in self.rows if r.days_before_churn is not None]
        in_time = sum(1 for d in caught if d >= LEAD_DAYS)
        shares = [s.stayed_red / s.stayed for s in self.figures if s.stayed]
        # Weighted by the churners in each step: a step with one churner says little.
        aurocs = [(s.auroc, s.churning) for s in self.figures if s.auroc is not None]
        weight = sum(n for _, n in aurocs)
        return BacktestSummary(
            churned=len(self.rows),
            caught_in_time=in_time,
            recall=round(in_time / len(self.rows), 4) if self.rows else None,
            median_lead_days=statistics.median(caught) if caught else None,
            false_alarm_rate=round(statistics.mean(shares), 4) if shares else None,
            auroc_mean=round(sum(a * n for a, n in aurocs) / weight, 4) if weight else None,
            auroc_by_step=tuple((s.day.isoformat(), s.auroc) for s in self.figures),
        )

    def summary_line(self) -> str:
        caught = [r.days_before_churn for r in self.rows if r.days_before_churn is not None]
        lead = f", median {statistics.median(caught):.0f} days before churn" if caught else ""
        noise = f"{statistics.mean(self.non_churned_red):.1f}" if self.non_churned_red else "0"
        return (f"{len(self.steps)} steps over {self.accounts} accounts: {len(caught)} of {len(self.rows)} churned "
                f"accounts went red first{lead}; on average {noise} accounts that stayed were red at each step")

    def figures_lines(self) -> list[str]:
        """The judging figures in words, for the table output."""
        s = self.summary

        def pct(value):
            return "n/a" if value is None else f"{value:.1%}"

        return [
            f"recall: {s.caught_in_time} of {s.churned} churned accounts red {LEAD_DAYS}+ days ahead ({pct(s.recall)})",
            f"median lead: {'n/a' if s.median_lead_days is None else f'{s.median_lead_days:.0f} days'}",
            f"false alarms: {pct(s.false_alarm_rate)} of the accounts that stayed were red at a step, on average",
            f"AUROC of health for churn within {HORIZON_DAYS} days: "
            f"{'n/a' if s.auroc_mean is None else f'{s.auroc_mean:.3f}'} on average over the steps (weighed by their churners)",
        ]


def auroc(positives: list[float], negatives: list[float]) -> float | None:
    """P(a positive scores lower than a negative) + half the ties: lower health means churn.

    By ranks (Mann-Whitney U), so a step of 100,000 accounts costs a sort, not a square.
    """
    if not positives or not negatives:
        return None
    labelled = sorted([(v, 1) for v in positives] + [(v, 0) for v in negatives])
    rank_sum, i = 0.0, 0
    while i < len(labelled):
        j = i
        while j < len(labelled) and labelled[j][0] == labelled[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # ranks i+1..j, averaged over ties
        rank_sum += mid * sum(1 for k in range(i, j) if labelled[k][1])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    # rank_sum counts the positives' ranks from the lowest score: U of "positive ranks below"
    u_above = rank_sum - n_pos * (n_pos + 1) / 2
    return round(1 - u_above / (n_pos * n_neg), 4)


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
        churned_on = {aid: as_date(row[4]) for aid, row in accounts.items() if row[3] == "churned" and row[4] is not None}
        churned = {aid: day for aid, day in churned_on.items() if day > start}
        ids = None if viewer.sees_everything else list(accounts)
        first_red: dict[int, tuple[dt.date, str, int]] = {}
        noise: list[int] = []
        figures: list[StepFigures] = []
        for day in steps:
            moment = dt.datetime.combine(day, dt.time(23, 59, 59))
            signals, scores = evaluate_all(gather(moment, ids, settings), settings)
            red: dict[int, list[str]] = {}
            for aid, found in signals.items():
                if aid not in accounts:
                    continue
                rules = sorted(r for r, s in found.items() if s.severity == "red")
                if scores.get(aid, (None, None))[1] == "red":
                    rules = rules or ["health"]
                if rules:
                    red[aid] = rules
            others = sum(1 for aid in red if aid not in churned_on)
            noise.append(others)
            for aid, rules in red.items():
                if aid in churned and aid not in first_red and day < churned[aid]:
                    first_red[aid] = (day, ", ".join(rules), others)
            figures.append(_figures(day, scores, red, churned_on, accounts))
    rows = []
    for aid, day in sorted(churned.items(), key=lambda item: (item[1], item[0])):
        _, external_id, name, _, _ = accounts[aid]
        hit = first_red.get(aid)
        rows.append(BacktestRow(
            account_id=aid, account_external_id=external_id, account_name=name, churned_on=day,
            first_red_on=hit[0] if hit else None, days_before_churn=(day - hit[0]).days if hit else None,
            rules=hit[1] if hit else "", non_churned_red=hit[2] if hit else None,
        ))
    return BacktestResult(tuple(steps), tuple(rows), tuple(noise), len(accounts), tuple(figures))


def _figures(day: dt.date, scores: dict, red: dict, churned_on: dict, accounts: dict) -> StepFigures:
    """One step's false alarms and AUROC over the accounts scored (watched) that day."""
    horizon = day + dt.timedelta(days=HORIZON_DAYS)
    watched = [aid for aid, (score, *_rest) in scores.items() if aid in accounts and score is not None]
    stayed = [aid for aid in watched if aid not in churned_on]
    churning = [aid for aid in watched if aid in churned_on and day < churned_on[aid] <= horizon]
    others = [aid for aid in watched if aid not in churning]
    return StepFigures(
        day=day, watched=len(watched), stayed=len(stayed), stayed_red=sum(1 for aid in stayed if aid in red),
        churning=len(churning),
        auroc=auroc([scores[aid][0] for aid in churning], [scores[aid][0] for aid in others]),
    )
