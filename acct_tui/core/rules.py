"""The churn and care rules: one pure function per rule id.

Each rule takes an account's facts and the settings and returns None or a
`Signal`: a severity, a one-line reason in plain words, and the evidence
(dates, counts and values it used, JSON-ready). Rules never guess: too
little data for a rule means no signal. Churned and prospect accounts raise
nothing (`evaluate` checks that once for all rules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from acct_tui.core import health, trends
from acct_tui.core.facts import AccountFacts
from acct_tui.core.settings import RiskSettings


@dataclass(frozen=True)
class Signal:
    """A rule that fired for an account: what, how bad, why, and on what evidence."""

    rule: str
    severity: str
    reason: str
    evidence: dict = field(default_factory=dict)


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _whose(f: AccountFacts, override: int | None) -> str:
    return "this account expects" if override else f"{f.tier} accounts expect"


def overdue_update(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Days since the last touch past the contact target (red past the max)."""
    cadence = s.policy.contact(f.tier, f.contact_days)
    if f.last_touch is not None:
        days = f.days_since(f.last_touch)
    elif f.since is not None:
        days = f.days_since(f.since)
    else:
        return None
    if days <= cadence.target:
        return None
    if f.last_touch is not None:
        opening = f"No touch for {_days(days)}"
    else:
        opening = f"No touch on record in the {_days(days)} since the account started"
    severity = "red" if days > cadence.max else "yellow"
    reason = f"{opening}; {_whose(f, f.contact_days)} one every {cadence.target}, at most {cadence.max}"
    return Signal("overdue_update", severity, reason, {
        "last_touch": _iso(f.last_touch), "days_since": days, "target": cadence.target, "max": cadence.max,
    })


def rhythm_break(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Quiet against the account's own rhythm: touched every N days for a year, and now
    quiet for more than `rhythm_break_factor` x N, while still inside the tier's cadence
    (past it, `overdue_update` says so)."""
    t = s.thresholds
    if not t.rhythm_break_factor or f.last_touch is None or f.first_touch_year is None:
        return None
    if f.touches_year < t.rhythm_min_touches:
        return None
    span = (f.last_touch - f.first_touch_year).total_seconds() / 86400
    if span < t.rhythm_min_span_days:
        return None
    every = span / (f.touches_year - 1)
    quiet = f.days_since(f.last_touch)
    cadence = s.policy.contact(f.tier, f.contact_days)
    if quiet > cadence.target or quiet <= max(t.rhythm_break_factor * every, t.rhythm_min_quiet_days):
        return None
    return Signal("rhythm_break", "yellow",
                  f"No touch for {_days(quiet)}, against a touch every {every:.0f} days over the past year",
                  {"days_since": quiet, "every_days": round(every, 1), "touches_in_year": f.touches_year})


def visit_overdue(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Days since the last visit past the visit target, or a planned visit missed."""
    cadence = s.policy.visit(f.tier, f.visit_days)
    anchor = f.last_visit or f.since
    days = f.days_since(anchor)
    severity, parts = None, []
    if days is not None and days > cadence.target:
        severity = "red" if days > cadence.max else "yellow"
        said = f"No visit for {_days(days)}" if f.last_visit else f"No visit on record in the {_days(days)} since the account started"
        parts.append(f"{said}; {_whose(f, f.visit_days)} one every {cadence.target}, at most {cadence.max}")
    if f.missed_visit_on is not None:
        severity = severity or "yellow"
        parts.append(f"the visit planned for {f.missed_visit_on.isoformat()} has not happened")
    if severity is None:
        return None
    reason = "; ".join(parts)
    return Signal("visit_overdue", severity, reason[0].upper() + reason[1:], {
        "last_visit": _iso(f.last_visit), "days_since": days, "target": cadence.target, "max": cadence.max,
        "missed_visit_on": _iso(f.missed_visit_on),
    })


def overdue_commitment(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Open commitments past due; red when one is very late or several are."""
    if not f.overdue_commitments or f.oldest_overdue_commitment is None:
        return None
    t = s.thresholds
    late = f.days_since(f.oldest_overdue_commitment)
    red = late > t.commitment_red_days_late or f.overdue_commitments >= t.commitment_red_count
    count = "1 commitment is" if f.overdue_commitments == 1 else f"{f.overdue_commitments} commitments are"
    reason = f"{count} past due, the oldest by {_days(late)} (due {f.oldest_overdue_commitment.isoformat()})"
    return Signal("overdue_commitment", "red" if red else "yellow", reason, {
        "overdue": f.overdue_commitments, "oldest_due": _iso(f.oldest_overdue_commitment), "days_late": late,
    })


#: Milestone kinds whose slip is red; a late QBR is yellow.
RED_MILESTONES = ("deliverable", "deadline", "contract", "renewal")


def milestone_overdue(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """A planned milestone past its due date."""
    if not f.overdue_milestones:
        return None
    kinds = dict(f.overdue_milestones)
    red = any(k in RED_MILESTONES for k in kinds)
    kind, due = min(f.overdue_milestones, key=lambda kd: (kd[0] not in RED_MILESTONES, kd[1]))
    others = len(kinds) - 1
    more = f" (and overdue {', '.join(sorted(k for k in kinds if k != kind))})" if others else ""
    reason = f"A {kind} milestone due {due.isoformat()} is {_days(f.days_since(due))} late{more}"
    return Signal("milestone_overdue", "red" if red else "yellow", reason, {
        "kinds": {k: _iso(d) for k, d in sorted(kinds.items())},
    })


_COMPUTE = object()


def renewal_risk(f: AccountFacts, s: RiskSettings, score=_COMPUTE) -> Signal | None:
    """A renewal close by with weak health (red) or with no recent touch (yellow).

    `score` is the account's health score when the caller has it already.
    """
    if f.renewal_date is None:
        return None
    t = s.thresholds
    days_left = (f.renewal_date - f.as_of).days
    if not 0 <= days_left <= t.renewal_window_days:
        return None
    if score is _COMPUTE:
        score = health.compute(f, s).score
    since_touch = f.days_since(f.last_touch)
    quiet = since_touch is None or since_touch > t.renewal_no_touch_days
    evidence = {"renewal_date": _iso(f.renewal_date), "days_left": days_left, "health": score, "days_since_touch": since_touch}
    when = f"Renewal in {_days(days_left)} ({f.renewal_date.isoformat()})"
    if score is not None and score < t.renewal_health_below:
        return Signal("renewal_risk", "red", f"{when} and health is {score}, below {t.renewal_health_below}", evidence)
    if quiet:
        touch = f"no touch for {_days(since_touch)}" if since_touch is not None else "no touch on record"
        return Signal("renewal_risk", "yellow", f"{when} and {touch} (more than {t.renewal_no_touch_days})", evidence)
    return None


def _drop(rule: str, label: str, recent: float | None, prior: float | None, s: RiskSettings,
          months: tuple) -> Signal | None:
    verdict = trends.judge_drop(label, recent, prior, s.thresholds, months)
    return None if verdict is None else Signal(rule, *verdict)


def usage_drop(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Usage slipping: the last 3 complete months against the 3 before, a steady slide, or last
    month against the 6 before; with a year of history, also under the same months a year earlier."""
    return _drop("usage_drop", "Usage", f.usage_recent, f.usage_prior, s, f.usage_months)


def revenue_drop(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """The same as usage_drop, on revenue."""
    return _drop("revenue_drop", "Revenue", f.revenue_recent, f.revenue_prior, s, f.revenue_months)


def complaint_open(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """A case open too long; red when a severe one lingers or one is escalated."""
    t = s.thresholds
    oldest = f.days_since(f.oldest_open_case)
    severe = f.days_since(f.oldest_open_severe_case)
    severe_late = severe is not None and severe > t.complaint_severe_days
    long_open = oldest is not None and oldest > t.complaint_open_days
    if not (long_open or severe_late or f.open_escalated_cases):
        return None
    evidence = {"open_cases": f.open_cases, "oldest_open_days": oldest, "oldest_severe_days": severe, "escalated": f.open_escalated_cases}
    if severe_late:
        return Signal("complaint_open", "red", f"A high-severity case has been open {_days(severe)} (more than {t.complaint_severe_days})", evidence)
    if f.open_escalated_cases:
        n = f.open_escalated_cases
        what = "An escalated case is" if n == 1 else f"{n} escalated cases are"
        return Signal("complaint_open", "red", f"{what} still open; the oldest open case is {_days(oldest)} old", evidence)
    return Signal("complaint_open", "yellow", f"A case has been open {_days(oldest)} (more than {t.complaint_open_days})", evidence)


def complaint_spike(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """Several cases opened in a short window."""
    t = s.thresholds
    if f.cases_recent < t.complaint_spike_count:
        return None
    return Signal("complaint_spike", "red", f"{f.cases_recent} cases opened in the last {t.complaint_spike_days} days",
                  {"cases": f.cases_recent, "window_days": t.complaint_spike_days})


def sentiment_decline(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """The mean sentiment of the last few touches that recorded one."""
    t = s.thresholds
    values = f.recent_sentiments[: t.sentiment_touches]
    if len(values) < t.sentiment_touches:
        return None
    mean = sum(values) / len(values)
    if mean > t.sentiment_yellow:
        return None
    severity = "red" if mean <= t.sentiment_red else "yellow"
    secret = [who for who in f.sentiment_confidential_by[: t.sentiment_touches] if who]
    if secret:
        return _from_confidential("sentiment_decline", severity, secret)
    return Signal("sentiment_decline", severity,
                  f"The last {len(values)} touches averaged sentiment {mean:+.1f} (on -2 to +2)",
                  {"sentiments": list(values), "mean": round(mean, 2)})


def champion_left(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """We lost our person: a champion or sponsor left lately and no other one remains.

    A successor counts whether they arrived before or after the departure.
    """
    days = f.days_since(f.champion_left_on)
    if days is None or days < 0 or days > s.thresholds.champion_left_days:
        return None
    if f.active_champions > 0:
        return None
    return Signal("champion_left", "red",
                  f"A champion or sponsor left {_days(days)} ago ({f.champion_left_on.isoformat()}) "
                  "and no other champion or sponsor remains",
                  {"left_on": _iso(f.champion_left_on), "last_added_on": _iso(f.champion_added_on), "active": 0})


#: Tiers that must always have a champion or sponsor on the client's side.
CHAMPION_TIERS = ("key", "strategic")


def no_champion(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """A key or strategic account without an active champion or sponsor for too long.

    Counted from the last departure, else from the account's start; the first
    `champion_left_days` after a departure are `champion_left`'s.
    """
    if f.tier not in CHAMPION_TIERS or f.active_champions > 0:
        return None
    anchor = f.champion_left_on or f.since
    days = f.days_since(anchor)
    limit = s.thresholds.no_champion_days
    if days is None or days <= limit:
        return None
    if f.champion_left_on is not None:
        since = f"since the last one left on {f.champion_left_on.isoformat()}"
    else:
        since = f"in the {_days(days)} since the account started"
    return Signal("no_champion", "yellow",
                  f"No champion or sponsor on the client's side {since} ({_days(days)}; "
                  f"{f.tier} accounts need one within {limit})",
                  {"since": _iso(anchor), "days": days, "limit": limit})


def payment_overdue(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """A receivable unpaid well past its due date."""
    late = f.days_since(f.oldest_unpaid_due)
    t = s.thresholds
    if late is None or late <= t.payment_yellow_days:
        return None
    severity = "red" if late > t.payment_red_days else "yellow"
    count = "1 invoice" if f.unpaid_overdue == 1 else f"{f.unpaid_overdue} invoices"
    return Signal("payment_overdue", severity,
                  f"{count} unpaid, the oldest {_days(late)} past due ({f.oldest_unpaid_due.isoformat()})",
                  {"oldest_due": _iso(f.oldest_unpaid_due), "days_past_due": late, "unpaid": f.unpaid_overdue})


def departure_intent(f: AccountFacts, s: RiskSettings) -> Signal | None:
    """The client said they may leave and nobody has visited since: a must-visit."""
    if f.last_intent is None:
        return None
    if f.last_visit is not None and f.last_visit > f.last_intent:
        return None
    if f.intent_confidential_by:
        return _from_confidential("departure_intent", "red", [f.intent_confidential_by])
    return Signal("departure_intent", "red",
                  f"The client signalled intent to leave on {f.last_intent.date().isoformat()} and no visit has happened since",
                  {"intent_at": _iso(f.last_intent), "last_visit": _iso(f.last_visit)})


def _from_confidential(rule: str, severity: str, authors: list[str]) -> Signal:
    """A signal raised from confidential records: the owner must act, but learns only whose record it is.

    No date, no words, no sentiment values: those stay with the record's readers.
    """
    who = ", ".join(sorted(set(authors)))
    source = f"a confidential record by {who}" if len(set(authors)) == 1 else f"confidential records by {who}"
    return Signal(rule, severity, f"From {source}", {"source": source})


#: Every rule, by its id (the ids are part of the interface).
RULES: dict[str, Callable[[AccountFacts, RiskSettings], Signal | None]] = {
    "overdue_update": overdue_update,
    "rhythm_break": rhythm_break,
    "visit_overdue": visit_overdue,
    "overdue_commitment": overdue_commitment,
    "milestone_overdue": milestone_overdue,
    "renewal_risk": renewal_risk,
    "usage_drop": usage_drop,
    "revenue_drop": revenue_drop,
    "complaint_open": complaint_open,
    "complaint_spike": complaint_spike,
    "sentiment_decline": sentiment_decline,
    "champion_left": champion_left,
    "no_champion": no_champion,
    "payment_overdue": payment_overdue,
    "departure_intent": departure_intent,
}


def evaluate(f: AccountFacts, s: RiskSettings) -> list[Signal]:
    """Every signal that fires for the account (none for churned or prospect ones)."""
    if not f.watched:
        return []
    return [signal for rule in RULES.values() if (signal := rule(f, s)) is not None]
