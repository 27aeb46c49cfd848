"""The health score and the risk settings, pure."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.core import health
from acct_tui.core.facts import AccountFacts
from acct_tui.core.settings import DEFAULT_WEIGHTS, RiskSettings, Thresholds, settings_from_config, thresholds_from_config, weights_from_config
from acct_tui.errors import UsageError

TODAY = dt.date(2026, 11, 20)


def at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(10))


@pytest.mark.parametrize("score, band", [(None, None), (0, "red"), (50, "red"), (51, "yellow"), (75, "yellow"), (76, "green"), (100, "green")])
def test_bands(score, band):
    assert health.band(score) == band


@pytest.mark.parametrize(
    "days, value",
    [(0, 100), (14, 100), (21, 50), (42, 0), (100, 0), (35, 50 * (42 - 35) / 21)],
)
def test_engagement_slides_from_target_to_twice_the_max(days, value):
    f = AccountFacts(1, TODAY, tier="strategic", last_touch=at(days))
    assert health.engagement(f, RiskSettings()) == pytest.approx(value)


def test_missing_components_are_left_out_and_weights_renormalise():
    f = AccountFacts(1, TODAY, tier="strategic", last_touch=at(21), shared_sentiments=(2, 2, 2))
    result = health.compute(f, RiskSettings())
    names = [c.name for c in result.components]
    assert names == ["engagement", "sentiment", "cases"]  # no usage, commitments or payments on record
    total = DEFAULT_WEIGHTS["engagement"] + DEFAULT_WEIGHTS["sentiment"] + DEFAULT_WEIGHTS["cases"]
    expected = (50 * DEFAULT_WEIGHTS["engagement"] + 100 * DEFAULT_WEIGHTS["sentiment"] + 100 * DEFAULT_WEIGHTS["cases"]) / total
    assert result.score == round(expected) and result.band == "green"
    assert sum(c.weight for c in result.components) == pytest.approx(1.0, abs=1e-3)
    assert sum(c.contribution for c in result.components) == pytest.approx(expected, abs=0.2)


def test_all_components_and_churned_accounts():
    f = AccountFacts(
        1, TODAY, last_touch=at(1), shared_sentiments=(-2, -2, -2), open_cases=2, oldest_open_case=at(20),
        usage_recent=60.0, usage_prior=100.0, commitments_due=4, commitments_kept=1, receivables_recent=3,
        oldest_unpaid_due=TODAY - dt.timedelta(days=30), unpaid_overdue=1,
    )
    every = RiskSettings(weights=weights_from_config({"commitments": 10, "payments": 10}))
    values = {c.name: c.value for c in health.compute(f, every).components}
    assert values == {"engagement": 100, "sentiment": 0, "cases": 70, "usage_trend": 0, "commitments": 25, "payments": 50}
    assert health.compute(AccountFacts(1, TODAY, status="churned", last_touch=at(1)), RiskSettings()) == health.Health(None, None, ())


def test_a_zero_weight_leaves_a_component_out():
    settings = RiskSettings(weights=weights_from_config({"engagement": 0}))
    f = AccountFacts(1, TODAY, last_touch=at(300), shared_sentiments=(2,))
    assert [c.name for c in health.compute(f, settings).components] == ["sentiment", "cases"]


@pytest.mark.parametrize(
    "section, message",
    [
        ({"drop_yelow_pct": 10}, "unknown key 'drop_yelow_pct'"),
        ({"payment_red_days": "60"}, "payment_red_days must be a whole number"),
        ({"payment_red_days": 2.5}, "payment_red_days must be a whole number"),
        ({"complaint_open_days": 0}, "complaint_open_days must be at least 1"),
        ({"drop_yellow_pct": 50}, "drop_yellow_pct must not be more than thresholds.drop_red_pct"),
        ({"sentiment_red": -3}, "between -2 and 2"),
        ({"sentiment_red": 0, "sentiment_yellow": -1}, "sentiment_red must not be more than"),
        ({"drop_red_pct": 120}, "at most 100"),
    ],
)
def test_bad_thresholds_name_the_key(section, message):
    with pytest.raises(UsageError, match=message):
        thresholds_from_config(section)


@pytest.mark.parametrize(
    "section, message",
    [({"happiness": 3}, "unknown key 'happiness'"), ({"cases": -1}, "cases must be a number, 0 or more"),
     ({"cases": True}, "must be a number"), ({k: 0 for k in DEFAULT_WEIGHTS}, "all 0")],
)
def test_bad_weights_name_the_key(section, message):
    with pytest.raises(UsageError, match=message):
        weights_from_config(section)


def test_settings_from_a_config_file(tmp_path):
    from acct_tui import config

    path = tmp_path / "config.toml"
    path.write_text("[cadence.key]\ncontact_target = 7\ncontact_max = 9\n[thresholds]\ndrop_yellow_pct = 15.5\n"
                    "escalate_after_days = 0\n[weights]\npayments = 40\n")
    settings = settings_from_config(config.load(path))
    assert settings.policy.contact("key").target == 7
    assert settings.thresholds.drop_yellow_pct == 15.5 and settings.thresholds.escalate_after_days == 0
    assert settings.weights["payments"] == 40 and settings.weights["engagement"] == DEFAULT_WEIGHTS["engagement"]
    assert settings_from_config(None) == RiskSettings() and RiskSettings().thresholds == Thresholds()


def test_core_is_pure_no_database_no_io():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import acct_tui.core.rules, acct_tui.core.health, acct_tui.core.settings, acct_tui.core.facts\n"
        "bad = [m for m in ('peewee', 'acct_tui.db', 'acct_tui.models', 'textual') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_scans_fast_path_agrees_with_compute():
    f = AccountFacts(
        1, TODAY, last_touch=at(25), shared_sentiments=(-1, 0, 2), open_cases=1, oldest_open_case=at(20),
        usage_recent=80.0, usage_prior=100.0, commitments_due=3, commitments_kept=2,
    )
    full = health.compute(f, RiskSettings())
    assert health.score(f, RiskSettings()) == (full.score, full.band, {c.name: c.value for c in full.components})
    assert health.score(AccountFacts(1, TODAY, status="prospect"), RiskSettings()) == (None, None, {})


# -- health agrees with the alerts ----------------------------------------------


@pytest.mark.parametrize(
    "red, expected",
    [
        ((), None),
        (("overdue_update",), (75, ("overdue_update",))),
        (("departure_intent",), (50, ("departure_intent",))),
        (("departure_intent", "usage_drop"), (50, ("departure_intent",))),
        (("usage_drop", "complaint_open"), (50, ("complaint_open", "usage_drop"))),
    ],
)
def test_red_signals_cap_the_score(red, expected):
    assert health.cap_for(red) == expected


@pytest.mark.parametrize(
    "score, red, expected",
    [(90, (), (90, None)), (90, ("usage_drop",), (75, (75, ("usage_drop",)))), (60, ("usage_drop",), (60, None)),
     (76, ("departure_intent",), (50, (50, ("departure_intent",)))), (None, ("usage_drop",), (None, None))],
)
def test_a_cap_only_lowers(score, red, expected):
    assert health.capped(score, red) == expected


def healthy(**kw) -> AccountFacts:
    """Touched yesterday, visited last week, happy: green on every component."""
    kw.setdefault("recent_sentiments", (2, 2, 1))
    return AccountFacts(1, TODAY, tier="key", since=TODAY - dt.timedelta(days=900), last_touch=at(1), last_visit=at(7),
                        active_champions=1, champions_on_record=1, **kw)


def test_departure_intent_puts_a_green_account_in_red_with_the_cap_said():
    from acct_tui.core.assess import assess

    calm = assess(healthy(), RiskSettings())
    assert calm.health.band == "green" and calm.health.cap is None and not calm.signals
    leaving = assess(healthy(last_intent=at(2)), RiskSettings())
    assert [s.rule for s in leaving.signals] == ["departure_intent"]
    assert (leaving.health.score, leaving.health.band) == (50, "red")
    assert leaving.health.cap.line() == "capped at 50: departure_intent"
    assert leaving.health.cap.uncapped == calm.health.score


def test_one_red_signal_is_never_green_and_two_are_red():
    from acct_tui.core.assess import assess, assess_fast

    one = healthy(oldest_unpaid_due=TODAY - dt.timedelta(days=70), unpaid_overdue=1, receivables_recent=1)
    two = healthy(oldest_unpaid_due=TODAY - dt.timedelta(days=70), unpaid_overdue=1, receivables_recent=1,
                  cases_recent=3, open_cases=0)
    for facts, band in ((one, "yellow"), (two, "red")):
        judged = assess(facts, RiskSettings())
        assert judged.health.band == band, judged
        found, (score, fast_band, _) = assess_fast(facts, RiskSettings())
        assert (score, fast_band) == (judged.health.score, judged.health.band)
        assert set(found) == {s.rule for s in judged.signals}


@pytest.mark.parametrize(
    "active, on_record, left_ago, value",
    [(1, 1, None, 100), (0, 0, None, None), (0, 1, 10, 0), (0, 1, 60, 0), (0, 1, 61, 30), (2, 3, 10, 100)],
)
def test_relationship_component(active, on_record, left_ago, value):
    f = AccountFacts(1, TODAY, active_champions=active, champions_on_record=on_record,
                     champion_left_on=TODAY - dt.timedelta(days=left_ago) if left_ago is not None else None)
    assert health.relationship(f, RiskSettings()) == value


def test_revenue_trend_component_slides_like_usage():
    f = AccountFacts(1, TODAY, revenue_recent=51, revenue_prior=100)
    assert health.revenue_trend(f, RiskSettings()) == 0
    assert health.revenue_trend(AccountFacts(1, TODAY, revenue_recent=90, revenue_prior=100), RiskSettings()) == pytest.approx(100 * 2 / 3)
