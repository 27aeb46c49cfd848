"""The rules, pure: every rule at and around its boundaries, missing data, churned accounts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from acct_tui.core import rules
from acct_tui.core.facts import AccountFacts
from acct_tui.core.policy import policy_from_config
from acct_tui.core.settings import RiskSettings, thresholds_from_config

TODAY = dt.date(2026, 11, 20)
S = RiskSettings()


def facts(**kw) -> AccountFacts:
    kw.setdefault("since", TODAY - dt.timedelta(days=1000))
    kw.setdefault("last_touch", at(1))
    kw.setdefault("last_visit", at(1))
    return AccountFacts(account_id=1, as_of=TODAY, **kw)


def at(days_ago: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour))


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def fired(rule: str, f: AccountFacts, settings: RiskSettings = S):
    signal = rules.RULES[rule](f, settings)
    return None if signal is None else signal.severity


def test_exactly_these_rule_ids():
    assert list(rules.RULES) == [
        "overdue_update", "rhythm_break", "visit_overdue", "overdue_commitment", "milestone_overdue", "renewal_risk",
        "usage_drop", "revenue_drop", "complaint_open", "complaint_spike", "sentiment_decline", "champion_left", "no_champion",
        "payment_overdue", "departure_intent",
    ]


@pytest.mark.parametrize(
    "tier, days, expected",
    [
        ("strategic", 13, None), ("strategic", 14, None), ("strategic", 15, "yellow"),
        ("strategic", 20, "yellow"), ("strategic", 21, "yellow"), ("strategic", 22, "red"),
        ("key", 21, None), ("key", 22, "yellow"), ("key", 30, "yellow"), ("key", 31, "red"),
        ("standard", 45, None), ("standard", 46, "yellow"), ("standard", 60, "yellow"), ("standard", 61, "red"),
    ],
)
def test_overdue_update_boundaries(tier, days, expected):
    assert fired("overdue_update", facts(tier=tier, last_touch=at(days))) == expected


def test_overdue_update_reason_is_plain_words():
    signal = rules.overdue_update(facts(tier="strategic", last_touch=at(34)), S)
    assert signal.reason == "No touch for 34 days; strategic accounts expect one every 14, at most 21"
    assert signal.evidence == {"last_touch": at(34).isoformat(), "days_since": 34, "target": 14, "max": 21}


@pytest.mark.parametrize("days, expected", [(9, None), (10, None), (11, "yellow"), (17, "yellow"), (18, "red")])
def test_account_cadence_override_wins_over_tier(days, expected):
    f = facts(tier="strategic", contact_days=10, last_touch=at(days))
    assert fired("overdue_update", f) == expected
    if expected:
        assert "this account expects one every 10, at most 17" in rules.overdue_update(f, S).reason


def test_never_touched_counts_from_the_start_and_no_start_means_no_signal():
    assert fired("overdue_update", facts(tier="key", last_touch=None, since=ago(40))) == "red"
    assert fired("overdue_update", facts(tier="key", last_touch=None, since=ago(5))) is None
    assert fired("overdue_update", facts(tier="key", last_touch=None, since=None)) is None


def test_configured_cadence_changes_the_boundary():
    settings = RiskSettings(policy=policy_from_config({"standard": {"contact_target": 7, "contact_max": 9}}))
    assert fired("overdue_update", facts(last_touch=at(8)), settings) == "yellow"
    assert fired("overdue_update", facts(last_touch=at(10)), settings) == "red"


@pytest.mark.parametrize(
    "tier, days, expected",
    [("strategic", 30, None), ("strategic", 31, "yellow"), ("strategic", 45, "yellow"), ("strategic", 46, "red"),
     ("key", 60, None), ("key", 61, "yellow"), ("key", 90, "yellow"), ("key", 91, "red"),
     ("standard", 180, None), ("standard", 181, "yellow"), ("standard", 210, "yellow"), ("standard", 211, "red")],
)
def test_visit_overdue_boundaries(tier, days, expected):
    assert fired("visit_overdue", facts(tier=tier, last_visit=at(days))) == expected


@pytest.mark.parametrize("planned_ago, expected", [(-1, None), (0, None), (1, "yellow")])
def test_visit_overdue_on_a_missed_planned_visit(planned_ago, expected):
    # the facts only carry a missed plan once its date has passed; the rule takes it as given
    f = facts(missed_visit_on=ago(planned_ago) if planned_ago > 0 else None)
    assert fired("visit_overdue", f) == expected


def test_missed_plan_and_long_gap_is_red_and_says_both():
    signal = rules.visit_overdue(facts(tier="strategic", last_visit=at(50), missed_visit_on=ago(3)), S)
    assert signal.severity == "red"
    assert signal.reason == ("No visit for 50 days; strategic accounts expect one every 30, at most 45; "
                             "the visit planned for 2026-11-17 has not happened")


@pytest.mark.parametrize(
    "count, days_late, expected",
    [(0, None, None), (1, 1, "yellow"), (1, 14, "yellow"), (1, 15, "red"), (2, 3, "yellow"), (3, 1, "red")],
)
def test_overdue_commitment(count, days_late, expected):
    f = facts(overdue_commitments=count, oldest_overdue_commitment=ago(days_late) if days_late else None)
    assert fired("overdue_commitment", f) == expected


@pytest.mark.parametrize(
    "kinds, expected",
    [((), None), ((("qbr", ago(1)),), "yellow"), ((("deliverable", ago(1)),), "red"), ((("deadline", ago(3)),), "red"),
     ((("contract", ago(3)),), "red"), ((("renewal", ago(3)),), "red"), ((("qbr", ago(9)), ("deliverable", ago(2))), "red")],
)
def test_milestone_overdue(kinds, expected):
    assert fired("milestone_overdue", facts(overdue_milestones=kinds)) == expected


def test_milestone_reason_names_the_worst():
    signal = rules.milestone_overdue(facts(overdue_milestones=(("qbr", ago(9)), ("deliverable", ago(2)))), S)
    assert signal.reason == "A deliverable milestone due 2026-11-18 is 2 days late (and overdue qbr)"


@pytest.mark.parametrize(
    "days_left, touch_ago, expected",
    [(91, 40, None), (90, 40, "yellow"), (0, 40, "yellow"), (-1, 40, None),
     (60, 30, None), (60, 31, "yellow"), (60, 5, None)],
)
def test_renewal_risk_on_quiet_accounts(days_left, touch_ago, expected):
    f = facts(renewal_date=TODAY + dt.timedelta(days=days_left), last_touch=at(touch_ago), tier="standard")
    assert fired("renewal_risk", f) == expected


def test_renewal_risk_red_when_health_below_60():
    weak = facts(renewal_date=ago(-30), last_touch=at(5), open_cases=3, oldest_open_case=at(3), open_escalated_cases=2,
                 usage_recent=50, usage_prior=100)
    signal = rules.renewal_risk(weak, S)
    assert signal.severity == "red" and "health is" in signal.reason and signal.evidence["health"] < 60


@pytest.mark.parametrize(
    "rule, field",
    [("usage_drop", "usage"), ("revenue_drop", "revenue")],
)
@pytest.mark.parametrize(
    "recent, expected",
    [(100, None), (81, None), (80.01, None), (80, "yellow"), (79.9, "yellow"), (70.01, "yellow"), (70, "red"), (10, "red"), (130, None)],
)
def test_metric_drops(rule, field, recent, expected):
    f = facts(**{f"{field}_recent": recent, f"{field}_prior": 100.0})
    assert fired(rule, f) == expected


@pytest.mark.parametrize("recent, prior", [(None, 100.0), (50.0, None), (50.0, 0.0), (None, None)])
def test_metric_drops_need_six_months_and_a_baseline(recent, prior):
    assert fired("usage_drop", facts(usage_recent=recent, usage_prior=prior)) is None


@pytest.mark.parametrize(
    "oldest, severe, escalated, expected",
    [(14, None, 0, None), (15, None, 0, "yellow"), (13, 7, 0, None), (13, 8, 0, "red"), (3, None, 1, "red"),
     (None, None, 0, None)],
)
def test_complaint_open(oldest, severe, escalated, expected):
    f = facts(open_cases=1 if oldest is not None else 0, oldest_open_case=at(oldest) if oldest is not None else None,
              oldest_open_severe_case=at(severe) if severe is not None else None, open_escalated_cases=escalated)
    assert fired("complaint_open", f) == expected


@pytest.mark.parametrize("count, expected", [(0, None), (2, None), (3, "red"), (5, "red")])
def test_complaint_spike(count, expected):
    assert fired("complaint_spike", facts(cases_recent=count)) == expected


@pytest.mark.parametrize(
    "sentiments, expected",
    [((), None), ((-2, -2), None), ((0, 0, 0), None), ((0, -1, 0), None), ((-1, 0, -1), "yellow"),
     ((-1, -1, 0), "yellow"), ((-1, -1, -1), "red"), ((-2, -1, 0), "red"), ((-2, -2, -2, 2, 2), "red")],
)
def test_sentiment_decline(sentiments, expected):
    # -0.33 is above -0.5; -0.67 at or below; -1 is red
    assert fired("sentiment_decline", facts(recent_sentiments=sentiments)) == expected


@pytest.mark.parametrize(
    "left_ago, active, expected",
    [(None, 0, None), (59, 0, "red"), (60, 0, "red"), (61, 0, None), (-3, 0, None),
     # a successor, whether added before or after the departure, is someone: no alarm
     (10, 1, None), (0, 2, None)],
)
def test_champion_left_means_nobody_remains(left_ago, active, expected):
    f = facts(champion_left_on=ago(left_ago) if left_ago is not None else None, active_champions=active,
              champions_on_record=1 + active)
    assert fired("champion_left", f) == expected


@pytest.mark.parametrize(
    "tier, left_ago, since_ago, active, expected",
    [
        ("key", 61, 900, 0, "yellow"), ("key", 60, 900, 0, None), ("strategic", 200, 900, 0, "yellow"),
        ("standard", 200, 900, 0, None),  # standard accounts are not required to have one
        ("key", 200, 900, 1, None),
        # never had one: counted from the account's start
        ("key", None, 61, 0, "yellow"), ("key", None, 60, 0, None), ("key", None, None, 0, None),
    ],
)
def test_no_champion_on_key_and_strategic_accounts(tier, left_ago, since_ago, active, expected):
    f = facts(tier=tier, champion_left_on=ago(left_ago) if left_ago is not None else None,
              since=ago(since_ago) if since_ago is not None else None, active_champions=active)
    assert fired("no_champion", f) == expected


@pytest.mark.parametrize("late, expected", [(None, None), (29, None), (30, None), (31, "yellow"), (60, "yellow"), (61, "red")])
def test_payment_overdue(late, expected):
    f = facts(oldest_unpaid_due=ago(late) if late is not None else None, unpaid_overdue=1 if late else 0)
    assert fired("payment_overdue", f) == expected


@pytest.mark.parametrize(
    "intent, visit, expected",
    [(None, at(1), None), (at(5), at(6), "red"), (at(5), None, "red"), (at(5, 10), at(5, 10), "red"),
     (at(5, 10), at(5, 11), None), (at(5), at(1), None)],
)
def test_departure_intent_needs_a_later_visit(intent, visit, expected):
    assert fired("departure_intent", facts(last_intent=intent, last_visit=visit)) == expected


def everything_wrong(**kw) -> AccountFacts:
    return facts(
        tier="strategic", last_touch=at(90), last_visit=at(200), missed_visit_on=ago(3), overdue_commitments=4,
        oldest_overdue_commitment=ago(30), overdue_milestones=(("deliverable", ago(3)),), renewal_date=ago(-20),
        usage_recent=10, usage_prior=100, revenue_recent=10, revenue_prior=100, open_cases=3,
        oldest_open_case=at(30), oldest_open_severe_case=at(30), open_escalated_cases=1, cases_recent=3,
        recent_sentiments=(-2, -2, -2), champion_left_on=ago(3), oldest_unpaid_due=ago(90), unpaid_overdue=2,
        last_intent=at(10), **kw,
    )


#: Rules that exclude each other in time: `no_champion` takes over when `champion_left`'s window ends.
EXCLUSIVE = {"no_champion", "rhythm_break"}  # rhythm_break speaks only inside the cadence


def test_all_rules_fire_on_a_troubled_active_account():
    assert {s.rule for s in rules.evaluate(everything_wrong(), S)} == set(rules.RULES) - EXCLUSIVE
    later = dataclasses.replace(everything_wrong(), as_of=TODAY + dt.timedelta(days=90))
    assert "no_champion" in {s.rule for s in rules.evaluate(later, S)}


@pytest.mark.parametrize("status", ["churned", "prospect"])
def test_churned_and_prospect_accounts_raise_nothing(status):
    assert rules.evaluate(everything_wrong(status=status), S) == []


def test_thresholds_are_configurable():
    settings = RiskSettings(thresholds=thresholds_from_config({"payment_yellow_days": 10, "complaint_spike_count": 2}))
    assert fired("payment_overdue", facts(oldest_unpaid_due=ago(11), unpaid_overdue=1), settings) == "yellow"
    assert fired("complaint_spike", facts(cases_recent=2), settings) == "red"


# -- earlier and quieter consumption signals ------------------------------------------


def months(*values):
    """Monthly values, the newest (last month) first, with the 3-against-3 means filled in as the facts do."""
    kw = {"usage_months": tuple(values)}
    if len(values) >= 6 and None not in values[:6]:
        kw.update(usage_recent=sum(values[:3]) / 3, usage_prior=sum(values[3:6]) / 3)
    return facts(**kw)


@pytest.mark.parametrize(
    "series, expected, says",
    [
        # flat: nothing
        ((100,) * 8, None, None),
        # three declines in a row adding up to 15%: a steady slide, caught before 3-against-3 says anything
        ((85, 90, 95, 100, 100, 100, 100), "yellow", "fallen 3 months running, 15% in all"),
        ((86, 100, 100, 100, 100, 100, 100), None, None),  # one month 14% down: nothing yet
        ((85, 95, 90, 100, 100, 100, 100), None, None),  # not a run of declines
        # the last month 25% under the mean of the six before
        ((75, 100, 100, 100, 100, 100, 100), "yellow", "last month was 25% under the mean of the 6 before"),
        ((76, 100, 100, 100, 100, 100, 100), None, None),
        ((65, 100, 100, 100, 100, 100, 100), "red", "last month was 35% under"),
        # a steady slide the month-to-month noise hides from the run of declines: the trend line
        ((84, 85, 93, 91, 97, 100), "yellow", "the trend over the last 6 complete months is down"),
        # the 3-against-3 comparison as before
        ((70, 70, 70, 100, 100, 100), "red", "Usage down 30%"),
    ],
)
def test_usage_slides_are_caught_early(series, expected, says):
    signal = rules.usage_drop(months(*series), S)
    assert (signal.severity if signal else None) == expected
    if says:
        assert says in signal.reason


def seasonal(dip_now: float, dip_last_year: float):
    """Two years of a market with a yearly dip in the month just ended (Tet, August)."""
    year = [100.0] * 12
    now, before = list(year), list(year)
    now[0], before[0] = 100 * (1 - dip_now), 100 * (1 - dip_last_year)
    return months(*(now + before))


@pytest.mark.parametrize(
    "dip_now, dip_last_year, expected",
    [(0.30, 0.30, None), (0.30, 0.25, None), (0.25, 0.0, "yellow"), (0.50, 0.50, None), (0.50, 0.0, "red"),
     # deeper than last year's dip by 30 points: red, and the season is named
     (0.50, 0.20, "red")],
)
def test_a_dip_last_year_had_too_is_the_season(dip_now, dip_last_year, expected):
    signal = rules.usage_drop(seasonal(dip_now, dip_last_year), S)
    assert (signal.severity if signal else None) == expected
    if signal and dip_last_year:
        assert f"the same months a year earlier fell {dip_last_year:.0%}"[:-1] in signal.reason
        assert "year_earlier_pct" in signal.evidence


def test_thirteen_months_are_enough_for_the_seasonal_check():
    thirteen = months(75, *([100.0] * 11), 75)
    assert rules.usage_drop(thirteen, S) is None
    twelve = months(75, *([100.0] * 11))
    assert rules.usage_drop(twelve, S).severity == "yellow"
    worse = months(60, *([100.0] * 11), 90)  # 13 months, last year 10% down, now 40%
    assert "under the same months a year earlier" in rules.usage_drop(worse, S).reason


def rhythm(every: int, quiet: int, touches: int = 40, tier: str = "standard"):
    last = at(quiet)
    first = last - dt.timedelta(days=every * (touches - 1))
    return facts(tier=tier, last_touch=last, touches_year=touches, first_touch_year=first)


@pytest.mark.parametrize(
    "every, quiet, touches, expected",
    [
        (7, 17, 40, None), (7, 18, 40, "yellow"), (7, 30, 40, "yellow"),
        (7, 46, 40, None),  # past the standard tier's target: overdue_update says it
        (2, 6, 100, None), (2, 8, 100, "yellow"),  # never for a week or less
        (7, 30, 7, None),  # too few touches to know a rhythm
        (20, 45, 10, None),  # every 20 days: 2.5 x 20 = 50
    ],
)
def test_rhythm_break_is_quiet_against_the_accounts_own_rhythm(every, quiet, touches, expected):
    assert fired("rhythm_break", rhythm(every, quiet, touches)) == expected


def test_rhythm_break_can_be_turned_off():
    off = RiskSettings(thresholds=thresholds_from_config({"rhythm_break_factor": 0}))
    assert fired("rhythm_break", rhythm(7, 30), off) is None
