"""The data model: enums, JSON, uniqueness, cascades, on both backends."""

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from acct_tui.models import Account, Activity, Alert, AuditLog, HealthSnapshot, InvalidValue, MetricSample, User
from tests import factories as f


@pytest.mark.parametrize(
    "model, field, bad",
    [
        (User, "role", "boss"),
        (Account, "tier", "gold"),
        (Account, "status", "ACTIVE"),
        (Activity, "kind", "lunch"),
    ],
)
def test_bad_enum_value_is_a_clear_error_and_never_stored(db, model, field, bad):
    owner = f.user("x.owner")
    acct = f.account(owner)
    data = {
        User: dict(login="y", name="Y"),
        Account: dict(name="Z", owner=owner),
        Activity: dict(account=acct, occurred_at=dt.datetime(2026, 1, 1)),
    }[model]
    data[field] = bad
    before = model.select().count()
    with pytest.raises(InvalidValue, match=f"{model.__name__}.{field}: '{bad}' is not one of"):
        model.create(**data)
    assert model.select().count() == before


@pytest.mark.parametrize("sentiment", [-3, 3, 1.5, True])
def test_sentiment_outside_range_is_refused(db, sentiment):
    acct = f.account(f.user())
    with pytest.raises(InvalidValue, match="sentiment"):
        f.activity(acct, sentiment=sentiment)
    assert Activity.select().count() == 0


def test_money_is_decimal_and_round_trips(db):
    acct = f.account(f.user(), annual_value=Decimal("1234567.89"))
    assert Account.get_by_id(acct.id).annual_value == Decimal("1234567.89")


def test_external_id_unique_when_set_but_many_nulls_allowed(db):
    owner = f.user()
    f.account(owner, external_id=None)
    f.account(owner, external_id=None)
    f.account(owner, external_id="SF-1")
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            f.account(owner, external_id="SF-1")


def test_one_live_alert_per_account_and_rule(db):
    acct = f.account(f.user())
    now = dt.datetime(2026, 11, 1)
    live = dict(account=acct, rule="overdue_update", severity="red", reason="quiet", first_seen=now, last_seen=now)
    Alert.create(**live, status="resolved")
    Alert.create(**live, status="resolved")
    Alert.create(**live)
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            Alert.create(**live, status="snoozed")
    assert Alert.select().count() == 3


def test_json_columns_round_trip(db):
    acct = f.account(f.user())
    alert = Alert.create(
        account=acct, rule="usage_drop", severity="yellow", reason="r",
        evidence={"months": [dt.date(2026, 9, 1)], "drop": Decimal("0.25")},
        first_seen=dt.datetime(2026, 11, 1), last_seen=dt.datetime(2026, 11, 1),
    )
    assert Alert.get_by_id(alert.id).evidence == {"months": ["2026-09-01"], "drop": 0.25}
    AuditLog.create(actor="system", action="create", table="alert", row_id=alert.id, changes={"a": 1})
    assert AuditLog.get().changes == {"a": 1}


def test_metric_and_snapshot_are_unique_per_period(db):
    acct = f.account(f.user())
    f.metric(acct, dt.date(2026, 10, 1), "usage", 10)
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            f.metric(acct, dt.date(2026, 10, 1), "usage", 11)
    HealthSnapshot.create(account=acct, taken_on=dt.date(2026, 11, 1), score=80, band="green")
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            HealthSnapshot.create(account=acct, taken_on=dt.date(2026, 11, 1), score=70, band="yellow")
    assert MetricSample.select().count() == 1


def test_deleting_an_account_takes_its_history(db):
    acct = f.account(f.user())
    f.activity(acct)
    f.case(acct, dt.datetime(2026, 10, 1))
    acct.delete_instance()
    assert Activity.select().count() == 0


def test_account_updated_at_moves_on_save(db, pinned_clock):
    from acct_tui import clock

    acct = f.account(f.user())
    clock.pin(pinned_clock + dt.timedelta(days=1))
    acct.name = "Renamed"
    acct.save()
    assert Account.get_by_id(acct.id).updated_at == pinned_clock + dt.timedelta(days=1)
