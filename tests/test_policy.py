import pytest

from acct_tui.core.policy import Cadence, policy_from_config
from acct_tui.errors import UsageError


@pytest.mark.parametrize("days, expected", [(0, "green"), (14, "green"), (15, "yellow"), (21, "yellow"), (22, "red"), (None, "red")])
def test_cadence_status_boundaries(days, expected):
    assert Cadence(14, 21).status(days) == expected


def test_defaults_and_overrides():
    policy = policy_from_config({"key": {"contact_target": 10, "contact_max": 12}})
    assert policy.contact("key") == Cadence(10, 12)
    assert policy.contact("strategic") == Cadence(14, 21)
    assert policy.visit("standard") == Cadence(180, 210)
    # the account's own cadence wins, keeping the tier's slack
    assert policy.contact("strategic", override_days=7) == Cadence(7, 14)


@pytest.mark.parametrize(
    "section, message",
    [
        ({"gold": {}}, "not a tier"),
        ({"key": {"contact_target": "ten"}}, "whole number"),
        ({"key": {"contact_target": 0}}, "at least 1"),
        ({"key": {"contact_targt": 3}}, "unknown key"),
        ({"key": {"contact_target": 40, "contact_max": 30}}, "must not be less"),
    ],
)
def test_bad_cadence_config_is_named(section, message):
    with pytest.raises(UsageError, match=message):
        policy_from_config(section)
