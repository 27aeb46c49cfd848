"""The scan's fast paths in core give what the plain ones give, value for value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from acct_tui.core import health, trends
from acct_tui.core.assess import assess, assess_fast
from acct_tui.core.facts import AccountFacts, Draft, finish
from acct_tui.core.settings import RiskSettings

TODAY = dt.date(2026, 11, 20)


def test_a_finished_draft_is_the_same_frozen_facts():
    values = dict(account_id=7, as_of=TODAY, tier="key", last_touch=dt.datetime(2026, 11, 1, 9), recent_sentiments=(1, -2),
                  usage_months=(1.0, None, 3.5), overdue_milestones=(("qbr", TODAY),))
    draft = Draft(account_id=7, as_of=TODAY)
    for name, value in values.items():
        setattr(draft, name, value)
    built, plain = finish(draft), AccountFacts(**values)
    assert built is draft and type(built) is AccountFacts
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert dataclasses.astuple(built) == dataclasses.astuple(plain)  # the defaults too
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.tier = "standard"
    with pytest.raises(AttributeError):
        Draft(account_id=7, as_of=TODAY).no_such_fact = 1
    with pytest.raises(TypeError):
        Draft(account_id=7)


def test_six_months_slopes_written_out_are_the_loops_slopes():
    rnd = random.Random(12)
    for _ in range(2000):
        ys = tuple(rnd.choice([rnd.gauss(1000, 300), 0.0, -0.0, float(rnd.randint(-3, 3)), rnd.uniform(-1e300, 1e300)])
                   for _ in range(6))
        assert repr(trends._slopes_of_six(ys)) == repr(trends._slopes(ys, 6))


@pytest.mark.parametrize("renewal_in, touched_ago, open_cases", [(30, 40, 4), (30, 40, 0), (30, 2, 0), (200, 40, 4), (None, 40, 4)])
def test_the_fast_assessment_agrees_with_the_full_one(renewal_in, touched_ago, open_cases):
    """Including a red renewal_risk (health under 60 with a renewal close), which caps the score again."""
    facts = AccountFacts(
        1, TODAY, tier="key", since=TODAY - dt.timedelta(days=900), last_touch=dt.datetime.combine(TODAY, dt.time(9)) - dt.timedelta(days=touched_ago),
        open_cases=open_cases, open_escalated_cases=open_cases, oldest_open_case=dt.datetime(2026, 10, 1),
        renewal_date=None if renewal_in is None else TODAY + dt.timedelta(days=renewal_in),
        usage_months=(50.0, 60.0, 70.0, 100.0, 100.0, 100.0), usage_recent=60.0, usage_prior=100.0,
    )
    settings = RiskSettings()
    judged = assess(facts, settings)
    for components in (None, health.weighted(settings)):
        found, (score, band, values) = assess_fast(facts, settings, components)
        assert list(found.values()) == list(judged.signals)
        assert (score, band) == (judged.health.score, judged.health.band)
        assert values == {c.name: c.value for c in judged.health.components}


def test_a_red_renewal_risk_caps_the_fast_score_again():
    """One other red signal (cap 75) and health under 60: renewal_risk turns red, and the two red signals cap at 50."""
    now = dt.datetime.combine(TODAY, dt.time(9))
    facts = AccountFacts(
        1, TODAY, tier="key", since=TODAY - dt.timedelta(days=900), last_touch=now - dt.timedelta(days=2),
        last_visit=now - dt.timedelta(days=5), active_champions=1, champions_on_record=1, shared_sentiments=(-2, -2, -2),
        renewal_date=TODAY + dt.timedelta(days=30), usage_months=(50.0, 60.0, 70.0, 100.0, 100.0, 100.0),
        usage_recent=60.0, usage_prior=100.0, open_cases=3, oldest_open_case=now - dt.timedelta(days=5), commitments_due=2,
    )
    judged = assess(facts, RiskSettings())
    assert [s.rule for s in judged.signals] == ["renewal_risk", "usage_drop"]
    assert judged.health.cap.uncapped == 57 and judged.health.score == 50
    found, (score, band, _) = assess_fast(facts, RiskSettings(), health.weighted(RiskSettings()))
    assert list(found.values()) == list(judged.signals) and (score, band) == (50, "red")
