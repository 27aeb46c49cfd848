"""A big book's scan runs in a child process on the same database, with the app's settings."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pytest

from acct_tui.core.settings import DEFAULT_WEIGHTS, RiskSettings
from acct_tui.models import Account, Alert, HealthSnapshot
from acct_tui.services import scan_process
from acct_tui.services.scan import scan_all
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def org(db):
    found = f.org()
    for account in (found["a1"], found["b1"]):
        f.activity(account, at=NOW - dt.timedelta(days=200))  # long quiet: a contact alert
    return found


def test_the_child_scans_the_same_database_as_a_scan_here_would(org):
    summary = scan_process.scan_in_child(NOW)
    assert summary.opened > 0 and summary.opened == Alert.select().count() and summary.snapshots > 0
    again = scan_all(NOW)  # the same moment, here: the child's writes are all there
    assert (again.opened, again.updated, again.resolved, again.snapshots) == (0, 0, 0, 0)


def _written() -> tuple[list, list]:
    alerts = sorted(Alert.select(Alert.account, Alert.rule, Alert.severity).tuples())
    scores = sorted(HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.score).tuples())
    return alerts, scores


def _forget() -> None:
    Alert.delete().execute()
    HealthSnapshot.delete().execute()


def test_the_child_scans_with_the_settings_in_force_here_not_its_defaults(org):
    engagement_only = RiskSettings(weights=MappingProxyType({name: 0 for name in DEFAULT_WEIGHTS} | {"engagement": 1}))
    scan_process.scan_in_child(NOW, engagement_only)
    child = _written()
    _forget()
    scan_all(NOW, engagement_only)
    assert _written() == child
    _forget()
    scan_all(NOW, RiskSettings())
    assert _written()[1] != child[1]  # the weights changed the scores: the child did use them


def test_only_a_big_book_is_scanned_in_a_child(org, monkeypatch):
    used = []
    monkeypatch.setattr(scan_process, "scan_in_child", lambda now, settings=None: used.append("child"))
    scan_process.scan(NOW)
    assert used == [] and Alert.select().exists()  # scanned here
    monkeypatch.setattr(scan_process, "CHILD_FROM", Account.select().count())
    scan_process.scan(NOW)
    assert used == ["child"]
