"""Statements written once per shape (`services.sql_template`): the same SQL and values as peewee's own."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.core.settings import loaded
from acct_tui.models import Activity
from acct_tui.services import facts, sql_template
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def no_shapes():
    sql_template.forget()
    yield
    sql_template.forget()


def _touches(now, ids):
    return [Activity.select(Activity.id).where((Activity.occurred_at <= now) & (Activity.occurred_at > now - dt.timedelta(days=30))
                                               & Activity.account.in_(ids) & (Activity.kind == "call"))]


def test_bound_values_are_the_ones_peewee_writes(db):
    moments = [NOW, dt.datetime(2026, 11, 20, 23, 59, 59, 999999), dt.datetime(2026, 11, 20, 0, 0)]
    for now in moments:
        for ids in ([7], [3, 9, 12]):
            assert sql_template.statements("touches", _touches, now, ids) == [q.sql() for q in _touches(now, ids)]
    assert all(shape is not None for shape in sql_template._shapes.values())  # templated, not rebuilt


def test_a_value_the_template_cannot_bind_is_built_each_time(db):
    def hourly(now, ids):  # the hour's start: not `now` plus a fixed amount
        return [Activity.select(Activity.id).where((Activity.occurred_at >= now.replace(minute=0, second=0, microsecond=0))
                                                   & Activity.account.in_(ids))]

    for now in (NOW, dt.datetime(2026, 11, 20, 17, 30)):
        assert sql_template.statements("hourly", hourly, now, [4]) == [q.sql() for q in hourly(now, [4])]
    assert list(sql_template._shapes.values()) == [None]


def test_one_accounts_facts_are_the_same_templated(db, monkeypatch):
    owner = f.user("minh")
    busy = f.account(owner, "Acme", "key", renewal_date=dt.date(2027, 1, 15), contract_start=dt.date(2024, 1, 1))
    quiet = f.account(owner, "Quiet")
    f.activity(busy, "call", dt.datetime(2026, 11, 10, 9, 0), sentiment=-1)
    f.activity(busy, "visit", dt.datetime(2026, 11, 20, 9, 30), sentiment=-2, intent_to_leave=True)
    f.activity(busy, "meeting", dt.datetime(2026, 11, 20, 11, 0), sentiment=2)  # after 10:00, before 12:00
    f.planned_visit(busy, dt.date(2026, 11, 5))
    f.action_item(busy, due_on=dt.date(2026, 11, 1))
    f.milestone(busy, kind="qbr", due_on=dt.date(2026, 11, 1))
    f.case(busy, dt.datetime(2026, 11, 20, 8, 0), "critical", escalated=True)
    f.case(busy, dt.datetime(2026, 11, 1, 8, 0), closed_at=dt.datetime(2026, 11, 20, 11, 0))
    f.contact(busy, "Old Champ", "champion", added_on=dt.date(2025, 1, 1), left_on=dt.date(2026, 10, 30))
    f.receivable(busy, 100, dt.date(2026, 9, 1))
    thresholds = loaded().thresholds
    moments = [NOW, dt.datetime(2026, 11, 20, 12, 0), dt.datetime(2026, 11, 20, 9, 45), dt.datetime(2026, 9, 1, 8, 0)]
    templated = {(now, ids): facts._gather(now, list(ids), thresholds) for now in moments for ids in ((busy.id,), (quiet.id,), (busy.id, quiet.id))}
    assert sql_template._shapes and all(shape is not None for shape in sql_template._shapes.values())
    # The moment matters (the meeting at 11:00 counts at noon, not at 10:00): the template binds it.
    assert templated[(moments[1], (busy.id,))][busy.id].last_touch == dt.datetime(2026, 11, 20, 11, 0)
    assert templated[(NOW, (busy.id,))][busy.id].last_touch == dt.datetime(2026, 11, 20, 9, 30)
    sql_template.forget()
    monkeypatch.setattr(sql_template, "_template", lambda *args: None)  # peewee writes every statement
    for (now, ids), found in templated.items():
        assert found == facts._gather(now, list(ids), thresholds), (now, ids)
