"""The Today queue: hand-worked scores, ranks, reasons and who sees what, on SQLite and PostgreSQL.

The clock is pinned to Friday 2026-11-20 10:00. Minh's book is Acme (strategic, 30,000: 75% of it)
and Beta (standard, 10,000: 25%). Default coefficients (core/urgency.py).
"""

import datetime as dt
import gc
import json

import peewee
import pytest

from acct_tui.config import Config
from acct_tui.core.settings import RiskSettings, settings_from_config
from acct_tui.core.urgency import Courtesy, Urgency, courtesy_from_config, due_soon_value, urgency_from_config
from acct_tui.errors import UsageError
from acct_tui.models import Alert
from acct_tui.services import access, courtesy, today
from tests import factories as f
from tests.test_cli import run


@pytest.fixture
def org(db):
    o = f.today_book(f.org())
    a1, a2 = o["a1"], o["a2"]
    # Not for Today: done, cancelled, too far ahead, a contact who left.
    f.action_item(a1, "Done already", due_on=dt.date(2026, 11, 18), status="done")
    f.action_item(a1, "Next month", due_on=dt.date(2026, 12, 20))
    f.milestone(a2, "Far away", due_on=dt.date(2026, 12, 30))
    f.planned_visit(a2, dt.date(2026, 11, 23), status="cancelled")
    f.contact(a2, "Gone Person", birthday=dt.date(1975, 11, 21), left_on=dt.date(2026, 6, 1))
    return o


def minh():
    return access.viewer_for("minh.pham")


def test_every_item_hand_worked(org):
    queue = today.build_today(minh())
    got = [(i.account_name, i.kind, i.reason, i.due, i.score) for i in queue.items]
    assert got == [
        # 30 commitment + 3 days late x 2 + due_soon 1 x 20 + 75% x 0.5 + (100-70) x 0.2 + 10 lost x 0.5
        ("Acme Corp", "commitment", "commitment “Send proposal” 3 days late", dt.date(2026, 11, 17), 104.5),
        # 30 visit + (1 - 4/6) x 20 + 37.5 + 6 + 5
        ("Acme Corp", "visit", "visit planned Tue 24 Nov: Quarterly review", dt.date(2026, 11, 24), 85.17),
        # 20 cadence + (19-14)/14 x 30 + 37.5 + 6 + 5
        ("Acme Corp", "cadence", "19 days since the last touch, target 14", dt.date(2026, 11, 15), 79.21),
        # 10 courtesy + (1 - 1/7) x 20 + 37.5 + 6 + 5
        ("Acme Corp", "courtesy", "3 years since the contract started, Sat 21 Nov", dt.date(2026, 11, 21), 75.64),
        # 25 renewal + (1 - 60/90) x 20 + 25% x 0.5
        ("Beta Ltd", "renewal", "renewal in 60 days (19 Jan), no touch in 50 days", dt.date(2027, 1, 19), 44.17),
        # 15 milestone + (1 - 4/14) x 20 + 12.5
        ("Beta Ltd", "milestone", "deliverable milestone “Phase 2 go-live” due in 4 days", dt.date(2026, 11, 24), 41.79),
        # 25 yellow + 12.5
        ("Beta Ltd", "alert", "yellow: A case has been open 20 days", None, 37.5),
        # 20 cadence + (50-45)/45 x 30 + 12.5
        ("Beta Ltd", "cadence", "50 days since the last touch, target 45", dt.date(2026, 11, 15), 35.83),
        # 10 courtesy + (1 - 3/7) x 20 + 12.5
        ("Beta Ltd", "courtesy", "birthday of Lan Tran (champion) Mon 23 Nov", dt.date(2026, 11, 23), 33.93),
    ]
    top = queue.items[0]
    assert [(t.term, t.value, t.coefficient, t.contribution) for t in top.terms] == [
        ("commitment", 1, 30, 30), ("days_late", 3, 2, 6), ("due_soon", 1, 20, 20), ("value_share", 75, 0.5, 37.5),
        ("health", 30, 0.2, 6), ("health_trend", 10, 0.5, 5),
    ]
    assert top.score == sum(t.contribution for t in top.terms)
    # One row per account, its most urgent item first, ranked by that item.
    assert [(r.account_name, r.score, len(r.items)) for r in queue.rows] == [("Acme Corp", 104.5, 4), ("Beta Ltd", 44.17, 5)]


def test_an_alert_standing_for_a_reason_takes_it_over_and_handling_it_takes_it_off(org):
    a2 = org["a2"]
    alert = f.alert(a2, "overdue_update", "yellow", reason="No touch for 50 days")
    reasons = {(i.kind, i.reason) for i in today.build_today(minh()).items if i.account_id == a2.id}
    assert ("alert", "yellow: No touch for 50 days") in reasons
    assert not any(kind == "cadence" and "touch" in reason for kind, reason in reasons)
    Alert.update(status="acknowledged").where(Alert.id == alert.id).execute()
    kinds = [i.kind for i in today.build_today(minh()).items if i.account_id == a2.id]
    assert kinds == ["renewal", "milestone", "alert", "courtesy"], "acknowledged: being handled, off Today"


def test_a_commitment_done_leaves_and_a_later_touch_clears_the_cadence(org):
    from acct_tui.models import ActionItem

    ActionItem.update(status="done", done_on=dt.date(2026, 11, 20)).where(ActionItem.title == "Send proposal").execute()
    f.activity(org["a1"], kind="call", at=dt.datetime(2026, 11, 19, 9, 0))
    acme = [i.kind for i in today.build_today(minh()).items if i.account_name == "Acme Corp"]
    assert acme == ["visit", "courtesy"]


def test_a_lead_sees_the_team_with_owners_an_am_only_their_own(org):
    lead = today.build_today(access.viewer_for("lena.lead"))
    owners = {(i.account_name, i.owner) for i in lead.items}
    assert ("Acme Corp", "minh.pham") in owners and ("Gamma Inc", "an.nguyen") in owners
    an = today.build_today(access.viewer_for("an.nguyen"))
    assert {i.account_name for i in an.items} == {"Gamma Inc"}
    assert [i.reason for i in an.items] == ["commitment “An's promise” due tomorrow"]
    # Share of the lead's own book: Acme is 30,000 of 70,000.
    acme = next(i for i in lead.items if i.account_name == "Acme Corp" and i.kind == "commitment")
    assert next(t for t in acme.terms if t.term == "value_share").value == pytest.approx(42.8571, abs=1e-4)
    assert "owner minh.pham" in acme.reason


def test_an_escalation_to_me_is_its_own_kind(org):
    f.alert(org["a1"], "champion_left", "red", reason="The champion left", escalated_to=org["lead"],
            escalated_at=dt.datetime(2026, 11, 18, 9, 0))
    lead = [i for i in today.build_today(access.viewer_for("lena.lead")).items if i.kind == "escalation"]
    assert [(i.reason, i.score) for i in lead] == [
        # 40 escalated + 60 red + 42.86% x 0.5 + 6 + 5
        ("escalated to you on 18 Nov: red: The champion left", 132.43),
    ]
    mine = [i for i in today.build_today(minh()).items if i.source == "alert" and "champion" in i.reason]
    assert [(i.kind, i.score) for i in mine] == [("alert", 108.5)]


def test_a_promise_from_a_record_i_may_not_read_is_named_by_whose_record(org):
    secret = f.activity(org["a1"], kind="meeting", at=dt.datetime(2026, 11, 19, 9, 0), author=org["lead"],
                        subject="pricing", confidential=True)
    f.action_item(org["a1"], "Offer the secret discount", due_on=dt.date(2026, 11, 21), source_activity=secret)
    mine = today.build_today(minh())
    dumped = json.dumps([i.reason for i in mine.items])
    assert "secret" not in dumped.lower()
    assert "commitment a commitment from a confidential record by lena.lead due tomorrow" in [i.reason for i in mine.items]
    lead = today.build_today(access.viewer_for("lena.lead"))
    assert any("Offer the secret discount" in i.reason for i in lead.items)


def test_courtesy_dates_can_be_turned_off(org):
    off = RiskSettings(courtesy=Courtesy(birthdays=False, anniversaries=False))
    assert not [i for i in today.build_today(minh(), settings=off).items if i.kind == "courtesy"]
    only_birthdays = RiskSettings(courtesy=Courtesy(anniversaries=False))
    assert [i.reason for i in today.build_today(minh(), settings=only_birthdays).items if i.kind == "courtesy"] == [
        "birthday of Lan Tran (champion) Mon 23 Nov"
    ]


def test_coefficients_come_from_the_settings(org):
    settings = RiskSettings(urgency=Urgency(value_share=0, health=0, health_trend=0, commitment=100))
    top = today.build_today(minh(), settings=settings).items[0]
    assert (top.kind, top.score) == ("commitment", 126.0)
    # A term switched off still shows, with what it measured and a contribution of 0.
    assert [(t.term, t.contribution) for t in top.terms][3:] == [("value_share", 0), ("health", 0), ("health_trend", 0)]


def test_the_collector_is_off_while_building_and_as_it_was_after(org, monkeypatch):
    during = []
    real = today._cadence
    monkeypatch.setattr(today, "_cadence", lambda *a: (during.append(gc.isenabled()), real(*a))[1])
    assert [i.kind for i in today.build_today(minh()).items]
    assert (during, gc.isenabled()) == ([False, False], True)  # once per customer (Acme, Beta)

    def broken(*a):
        raise RuntimeError("a source failed")

    monkeypatch.setattr(today, "_cadence", broken)
    with pytest.raises(RuntimeError):
        today.build_today(minh())
    assert gc.isenabled()
    monkeypatch.setattr(today, "_cadence", real)
    gc.disable()  # whoever turned it off turns it back on
    try:
        today.build_today(access.viewer_for("lena.lead"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_next_json_carries_the_documented_fields(db_url, org, capsys):
    code, out, _ = run(capsys, "next", "--db", db_url, "--user", "minh.pham", "-n", "2", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[0] == {
        "rank": 1, "account_external_id": None, "account": "Acme Corp", "owner": "minh.pham", "kind": "commitment",
        "reason": "commitment “Send proposal” 3 days late", "due": "2026-11-17", "score": 104.5,
        "terms": [
            {"term": "commitment", "value": 1.0, "coefficient": 30.0, "contribution": 30.0},
            {"term": "days_late", "value": 3.0, "coefficient": 2.0, "contribution": 6.0},
            {"term": "due_soon", "value": 1.0, "coefficient": 20.0, "contribution": 20.0},
            {"term": "value_share", "value": 75.0, "coefficient": 0.5, "contribution": 37.5},
            {"term": "health", "value": 30.0, "coefficient": 0.2, "contribution": 6.0},
            {"term": "health_trend", "value": 10.0, "coefficient": 0.5, "contribution": 5.0},
        ],
    }
    code, out, _ = run(capsys, "next", "--db", db_url, "--user", "minh.pham", "-f", "csv")
    lines = out.splitlines()
    assert lines[0] == "rank,account_external_id,account,owner,kind,reason,due,score,terms"
    assert len(lines) == 10
    assert "days_late 3 x 2 = 6" in lines[1]


def test_next_titles_its_table_with_plurals_and_says_when_it_is_cut(db_url, org, capsys):
    code, out, _ = run(capsys, "next", "--db", db_url, "--user", "minh.pham", "-n", "2")
    assert code == 0 and "Today for minh.pham: 9 items, the first 2" in out
    code, out, _ = run(capsys, "next", "--db", db_url, "--user", "an.nguyen")
    assert "Today for an.nguyen: 1 item" in out and "the first" not in out


def test_next_refuses_a_bad_count(db_url, org, capsys):
    with pytest.raises(SystemExit):
        run(capsys, "next", "--db", db_url, "-n", "many")


# -- pure parts ------------------------------------------------------------------------


def test_a_misspelt_urgency_key_is_refused_like_every_other_key(tmp_path):
    with pytest.raises(UsageError, match=r"\[urgency\] has unknown key 'vaule_share'"):
        urgency_from_config({"vaule_share": 1})
    with pytest.raises(UsageError, match="urgency.red must be a number, 0 or more"):
        urgency_from_config({"red": -1})
    with pytest.raises(UsageError, match="urgency.red must be a number"):
        urgency_from_config({"red": True})
    with pytest.raises(UsageError, match=r"\[courtesy\] has unknown key 'birthday'"):
        courtesy_from_config({"birthday": False})
    with pytest.raises(UsageError, match="courtesy.birthdays must be true or false"):
        courtesy_from_config({"birthdays": "no"})
    path = tmp_path / "config.toml"
    path.write_text("[urgency]\nred = 80\n[courtesy]\nanniversaries = false\n")
    from acct_tui import config

    settings = settings_from_config(config.load(path))
    assert settings.urgency == Urgency(red=80) and settings.courtesy == Courtesy(anniversaries=False)
    assert settings_from_config(Config(path=path)).urgency == Urgency()


@pytest.mark.parametrize("days, window, expected", [(-3, 7, 1.0), (0, 7, 1.0), (1, 7, 6 / 7), (7, 7, 0.0), (9, 7, 0.0), (45, 90, 0.5)])
def test_due_soon(days, window, expected):
    assert due_soon_value(days, window) == pytest.approx(expected)


def test_a_29_february_birthday_falls_on_the_28th_in_a_common_year():
    days = courtesy.courtesy_days(dt.date(2027, 2, 25))
    assert days["02-28"] == days["02-29"] == dt.date(2027, 2, 28)
    assert courtesy.courtesy_days(dt.date(2028, 2, 25))["02-29"] == dt.date(2028, 2, 29)
    wrap = courtesy.courtesy_days(dt.date(2026, 12, 28))
    assert wrap["01-04"] == dt.date(2027, 1, 4) and "01-05" not in wrap


# -- courtesy dates in the timeline and the calendar feed -------------------------------


def test_the_timeline_shows_the_courtesy_dates_of_the_week_above_the_rule(org):
    from acct_tui.core import settings as risk_settings
    from acct_tui.services.timeline import build_timeline

    f.contact(org["a1"], "Far Birthday", birthday=dt.date(1990, 12, 24))
    events = [e for e in build_timeline(minh(), org["a1"].id).events if e.kind == "courtesy"]
    assert [(e.when.date(), e.title, e.detail, e.upcoming) for e in events] == [
        (dt.date(2026, 11, 21), "contract anniversary: 3 years", "tomorrow", True),
    ]
    events = [e for e in build_timeline(minh(), org["a2"].id).events if e.kind == "courtesy"]
    assert [(e.title, e.detail, e.source) for e in events] == [("birthday: Lan Tran", "champion · in 3 days", "contact")]
    risk_settings.use(RiskSettings(courtesy=Courtesy(birthdays=False)))
    assert not [e for e in build_timeline(minh(), org["a2"].id).events if e.kind == "courtesy"]


def test_the_calendar_feed_carries_courtesy_dates_as_yearly_events(db_url, org, capsys):
    from icalendar import Calendar

    from acct_tui.core import settings as risk_settings
    from acct_tui.io.ics import build_calendar

    leap = f.contact(org["a1"], "Leap Day", birthday=dt.date(1992, 2, 29))
    events = {str(e["UID"]): e for e in Calendar.from_ical(build_calendar(minh())).walk("VEVENT")}
    lan = events[f"birthday-contact-{org['a2'].contacts[0].id}@acct-tui"]
    assert (str(lan["SUMMARY"]), lan.decoded("DTSTART")) == ("Birthday: Lan Tran (Beta Ltd)", dt.date(2026, 11, 23))
    assert lan["RRULE"].to_ical() == b"FREQ=YEARLY"  # starts this year: no year of birth leaves acct-tui
    leap_day = events[f"birthday-contact-{leap.id}@acct-tui"]
    assert leap_day.decoded("DTSTART") == dt.date(2026, 2, 28)
    assert dict(leap_day["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}
    acme = events[f"anniversary-account-{org['a1'].id}@acct-tui"]
    assert (str(acme["SUMMARY"]), acme.decoded("DTSTART")) == ("Contract anniversary: Acme Corp (since 2023)", dt.date(2024, 11, 21))
    assert acme["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert not any("Gone Person" in str(e["SUMMARY"]) for e in events.values())  # left: no birthday
    an = Calendar.from_ical(build_calendar(access.viewer_for("an.nguyen"))).walk("VEVENT")
    assert not any(str(e["UID"]).startswith(("birthday", "anniversary")) for e in an)
    risk_settings.use(RiskSettings(courtesy=Courtesy(birthdays=False, anniversaries=False)))
    events = Calendar.from_ical(build_calendar(minh())).walk("VEVENT")
    assert not any(str(e["UID"]).startswith(("birthday", "anniversary")) for e in events)


def test_every_items_terms_add_up_to_its_score_for_every_viewer(org):
    """The score is summed without building the terms (`urgency.contributions`); the terms built later agree."""
    f.alert(org["a1"], "champion_left", "red", reason="The champion left", escalated_to=org["lead"],
            escalated_at=dt.datetime(2026, 11, 18, 9, 0))
    for login in ("minh.pham", "lena.lead", "an.nguyen"):
        items = today.build_today(access.viewer_for(login)).items
        assert items
        for item in items:
            assert item.score == round(sum(t.contribution for t in item.terms), 2)
            if item.account_name == "Acme Corp":  # its share, health and trend all count
                assert [t.term for t in item.terms][-3:] == ["value_share", "health", "health_trend"]


def test_ids_in_binds_the_ids_as_one_list(db):
    from acct_tui.models import Account
    from acct_tui.services.query import ids_in

    o = f.org()
    ids = [o["a1"].id, o["b1"].id]
    assert sorted(a.id for a in Account.select().where(ids_in(Account.id, ids))) == sorted(ids)
    assert list(Account.select().where(ids_in(Account.id, []))) == []
    # bound in their place among the other values; written out whole for `query_to_string`
    query = Account.select(Account.id).where((Account.name != "x") & ids_in(Account.id, ids) & (Account.tier != "standard"))
    assert query.sql()[1] == ["x", *ids, "standard"]
    assert f"IN ({ids[0]}, {ids[1]})" in peewee.query_to_string(query)
    assert sorted(a.id for a in query) == sorted(ids)  # strategic and key: neither is "standard"


def test_the_last_touch_is_a_touch_at_or_before_now(org):
    """A note is not a touch and a touch logged for later has not happened yet: Acme stays 19 days untouched."""
    f.activity(org["a1"], kind="note", at=dt.datetime(2026, 11, 19, 9, 0))
    f.activity(org["a1"], kind="call", at=dt.datetime(2026, 11, 20, 10, 1))
    acme = [i.reason for i in today.build_today(minh()).items if i.account_name == "Acme Corp" and i.kind == "cadence"]
    assert acme == ["19 days since the last touch, target 14"]
    f.activity(org["a1"], kind="meeting", at=dt.datetime(2026, 11, 20, 10, 0))
    assert not [i for i in today.build_today(minh()).items if i.account_name == "Acme Corp" and i.kind == "cadence"]


def test_the_build_reads_with_a_small_page_cache_on_sqlite_and_puts_it_back(org, monkeypatch):
    from acct_tui.db import database
    from acct_tui.services.query import is_postgres

    def cache_size():
        return database.execute_sql("PRAGMA cache_size").fetchone()[0]

    if is_postgres():  # nothing to set there: the build runs as ever
        assert today.build_today(minh()).items
        return
    seen = []
    real = today._cadence
    monkeypatch.setattr(today, "_cadence", lambda *a: (seen.append(cache_size()), real(*a))[1])
    before = cache_size()
    assert today.build_today(minh()).items
    assert before == -64_000 and set(seen) == {-today.PAGE_CACHE_KIB} and cache_size() == before
