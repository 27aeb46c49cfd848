"""The merged timeline, its header card and the record behind each line. Both backends."""

import datetime as dt

import pytest

from acct_tui.errors import NotFound
from acct_tui.models import Alert, AuditLog, HealthSnapshot, Opportunity
from acct_tui.services import visits
from acct_tui.services.access import from_user
from acct_tui.services.account_card import account_card, record_detail
from acct_tui.services import timeline
from acct_tui.services.timeline import EVENT_KINDS, build_timeline, head_start
from tests import factories as f

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0)


def days(n):
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def story(db):
    org = f.org()
    a1 = org["a1"]
    me = from_user(org["am1"])
    f.activity(a1, "visit", dt.datetime(2026, 11, 2, 9), subject="Kick-off", sentiment=1, duration_min=60)
    f.activity(a1, "call", dt.datetime(2026, 11, 18, 9), subject="Check-in", intent_to_leave=True)
    f.activity(a1, "note", dt.datetime(2026, 11, 19, 9), subject="Secret", confidential=True, author=org["am2"])
    f.case(a1, dt.datetime(2026, 10, 1, 8), "high", subject="Outage", closed_at=dt.datetime(2026, 10, 4, 8))
    f.case(a1, dt.datetime(2026, 11, 15, 8), "critical", subject="Data loss")
    f.milestone(a1, "Go-live", due_on=days(10))
    f.milestone(a1, "Pilot", due_on=days(-5))
    f.milestone(a1, "Contract", kind="contract", due_on=days(-30), status="done", completed_on=days(-31))
    f.action_item(a1, "Send deck", due_on=days(3), created_at=dt.datetime(2026, 11, 10, 9))
    f.action_item(a1, "Fix invoice", due_on=days(-2), created_at=dt.datetime(2026, 11, 5, 9))
    f.action_item(a1, "Call back", due_on=days(-9), status="done", done_on=days(-8), created_at=dt.datetime(2026, 11, 1, 9))
    f.planned_visit(a1, days(7), purpose="QBR")
    f.planned_visit(a1, days(-3), purpose="Review")
    alert = Alert.create(account=a1, rule="departure_intent", severity="red", reason="said they may leave", first_seen=dt.datetime(2026, 11, 18, 12), last_seen=NOW,
                         acknowledged_by=org["am1"], acknowledged_at=dt.datetime(2026, 11, 18, 13), escalated_to=org["lead"], escalated_at=dt.datetime(2026, 11, 19, 9), status="acknowledged")
    AuditLog.create(actor="minh.pham", action="snooze", table="alert", row_id=alert.id, changes={"snoozed_until": "2026-11-25T00:00:00", "snooze_reason": "waiting for CFO"}, at=dt.datetime(2026, 11, 18, 14))
    for day, score, band in [(days(-20), 80, "green"), (days(-19), 78, "green"), (days(-10), 60, "yellow"), (days(-1), 30, "red")]:
        HealthSnapshot.create(account=a1, taken_on=day, score=score, band=band, components={"touch": {"value": 0.5, "weight": 0.3, "contribution": 15}})
    Opportunity.create(account=a1, kind="renewal", name="Renewal 2026", amount=12_000, currency="EUR", probability=100,
                       stage="Closed Won", close_date=days(-12), status="won", created_on=days(-60), closed_on=days(-12), owner=org["am1"])
    f.contact(a1, "Lan Tran", "champion")
    f.contact(a1, "Bo Vu", "sponsor", left_on=days(-40))
    f.contact(a1, "Cam User", "user")
    return org, me


def titles(timeline):
    return [e.title for e in timeline.events]


def test_events_upcoming_first_then_newest_first(story):
    org, me = story
    tl = build_timeline(me, org["a1"].id)
    upcoming = [e.title for e in tl.events[: tl.upcoming_count]]
    assert upcoming == ["deliverable: Go-live", "visit planned: QBR", "commitment due: Send deck"]
    assert all(e.upcoming for e in tl.events[: tl.upcoming_count]) and not any(e.upcoming for e in tl.events[tl.upcoming_count :])
    past = tl.events[tl.upcoming_count :]
    assert [e.when for e in past] == sorted((e.when for e in past), reverse=True)
    expected = {
        "visit: Kick-off", "call: Check-in", "case opened: Outage", "case closed: Outage", "case opened: Data loss",
        "deliverable missed: Pilot", "contract done: Contract", "commitment made: Send deck", "commitment made: Fix invoice",
        "commitment late: Fix invoice", "commitment made: Call back", "commitment kept: Call back", "planned visit missed: Review",
        "alert raised: departure_intent", "alert acknowledged: departure_intent", "alert escalated: departure_intent",
        "alert snoozed: departure_intent", "health green", "health green → yellow", "health yellow → red",
        "opportunity opened, renewal: Renewal 2026", "opportunity won, renewal: Renewal 2026",
    }
    assert set(e.title for e in past) == expected
    by_title = {e.title: e for e in tl.events}
    assert by_title["commitment late: Fix invoice"].state == "late"
    assert "INTENT TO LEAVE" in by_title["call: Check-in"].detail
    assert by_title["alert escalated: departure_intent"].detail == "to lena.lead"
    assert by_title["alert snoozed: departure_intent"].detail == "by minh.pham until 2026-11-25 · waiting for CFO"
    assert by_title["visit: Kick-off"].detail == "by minh.pham · 60 min · good"


def test_confidential_activity_is_hidden_from_other_ams(story):
    org, me = story
    assert "note: Secret" not in titles(build_timeline(me, org["a1"].id))
    assert "note: Secret" in titles(build_timeline(from_user(org["lead"]), org["a1"].id))


def test_filter_by_kind(story):
    org, me = story
    tl = build_timeline(me, org["a1"].id, kinds=("case",))
    assert sorted(titles(tl)) == ["case closed: Outage", "case opened: Data loss", "case opened: Outage"]
    f.contact(org["a1"], "Lan Tran", birthday=dt.date(1985, 11, 22))  # a courtesy date this week
    for kind in EVENT_KINDS:
        assert {e.kind for e in build_timeline(me, org["a1"].id, kinds=(kind,)).events} == {kind}


@pytest.mark.parametrize("days_back", [0, 1, 2, 3, 10, 19, 20, 21, 31, 60, 400])
def test_the_part_since_a_day_then_the_part_before_it_are_the_whole_timeline(story, days_back):
    """How a long timeline is shown a screenful first: the two parts, one after the other, are
    the whole list in its order (upcoming all in the first; a health change across the day kept)."""
    org, me = story
    f.contact(org["a1"], "Lan Tran", birthday=dt.date(1985, 11, 22))
    # Alerts resolved long ago and lately, one snoozed after it was resolved (an import can say so):
    # the first part reads only the alerts with an event in it, their snoozes whatever the row says.
    at = lambda n, hour=8: dt.datetime.combine(days(n), dt.time(hour))  # noqa: E731
    for rule, first, resolved, snoozed in (("usage_drop", -50, -40, None), ("overdue_update", -45, -2, -30),
                                            ("complaint_spike", -35, -25, -1), ("no_champion", -25, None, -15)):
        alert = Alert.create(account=org["a1"], rule=rule, severity="yellow", reason=rule, first_seen=at(first), last_seen=NOW,
                             status="resolved" if resolved else "open", resolved_at=resolved and at(resolved),
                             resolved_by="system" if resolved else None)
        if snoozed is not None:
            AuditLog.create(actor="minh.pham", action="snooze", table="alert", row_id=alert.id, at=at(snoozed),
                            changes={"snoozed_until": "2026-12-01T00:00:00", "snooze_reason": rule})
    whole = build_timeline(me, org["a1"].id)
    since = dt.datetime.combine(days(-days_back), dt.time())
    head = build_timeline(me, org["a1"].id, since=since)
    rest = build_timeline(me, org["a1"].id, before=since)
    assert head.events + rest.events == whole.events
    assert (head.upcoming_count, rest.upcoming_count) == (whole.upcoming_count, 0)
    assert head.events and (rest.events or days_back >= 60)  # the oldest event: 60 days back


def test_the_first_part_starts_at_the_day_of_the_nth_newest_touch(story, monkeypatch):
    org, me = story
    monkeypatch.setattr(timeline, "HEAD_TOUCHES", 2)
    assert head_start(org["a1"].id) == dt.datetime(2026, 11, 18)
    f.activity(org["a1"], "call", dt.datetime(2026, 12, 24, 9))  # dated ahead: the part still holds today on
    f.activity(org["a1"], "call", dt.datetime(2026, 12, 25, 9))
    assert head_start(org["a1"].id) == dt.datetime(2026, 11, 20)
    monkeypatch.setattr(timeline, "HEAD_TOUCHES", 6)
    assert head_start(org["a1"].id) is None  # few touches: loaded whole
    assert build_timeline(me, org["a1"].id, stop=lambda: True) is None


def test_a_hidden_account_is_not_found(story):
    org, me = story
    with pytest.raises(NotFound):
        build_timeline(me, org["b1"].id)
    with pytest.raises(NotFound):
        account_card(me, org["b1"].id)


def test_logging_a_visit_shows_up_and_fulfils_the_plan(story):
    org, me = story
    visits.log_activity(me, visits.ActivityDraft(account_id=org["a1"].id, kind="visit", occurred_at=NOW, subject="Rescue"))
    tl = titles(build_timeline(me, org["a1"].id))
    assert "visit: Rescue" in tl and "planned visit done: Review" in tl and "planned visit missed: Review" not in tl


def test_card(story):
    org, me = story
    card = account_card(me, org["a1"].id)
    assert (card.name, card.owner, card.tier) == ("Acme Corp", "minh.pham", "strategic")
    assert card.score is not None
    assert [(a.rule, a.severity, a.status) for a in card.alerts] == [("departure_intent", "red", "acknowledged")]
    assert [(c.name, c.role, c.left_on) for c in card.contacts] == [("Lan Tran", "champion", None), ("Bo Vu", "sponsor", days(-40))]


def test_record_detail_for_each_source(story):
    org, me = story
    tl = build_timeline(from_user(org["lead"]), org["a1"].id)
    for event in tl.events:
        detail = record_detail(from_user(org["lead"]), event.source, event.source_id)
        assert detail.title and detail.fields
    secret = next(e for e in tl.events if e.title == "note: Secret")
    with pytest.raises(NotFound):
        record_detail(me, "activity", secret.source_id)
    other = f.milestone(org["b1"])
    with pytest.raises(NotFound):
        record_detail(me, "milestone", other.id)
    with pytest.raises(NotFound):
        record_detail(me, "nonsense", 1)


def test_one_day_late_and_due_today_read_as_such(db):
    org = f.org()
    f.milestone(org["a1"], "Sign-off", due_on=days(-1))
    f.milestone(org["a1"], "Kick-off", due_on=TODAY)
    f.action_item(org["a1"], "Send deck", due_on=days(-1), created_at=dt.datetime(2026, 11, 10, 9))
    details = {e.title: e.detail for e in build_timeline(from_user(org["am1"]), org["a1"].id).events}
    assert details["deliverable missed: Sign-off"] == "1 day late"
    assert details["deliverable: Kick-off"] == "today"
    assert details["commitment late: Send deck"] == "owner minh.pham · 1 day late"


def test_the_first_part_starts_where_the_busiest_kind_of_record_reaches_n(story, monkeypatch):
    org, me = story
    monkeypatch.setattr(timeline, "HEAD_TOUCHES", 2)
    assert head_start(org["a1"].id) == dt.datetime(2026, 11, 18)  # the 2nd newest touch's day
    for day in (10, 14):  # two cases opened long ago, closed on the 19th: the 2nd newest closing is the latest
        f.case(org["a1"], dt.datetime(2026, 10, day, 8), closed_at=dt.datetime(2026, 11, 19, 15))
    assert head_start(org["a1"].id) == dt.datetime(2026, 11, 19)
    head = build_timeline(me, org["a1"].id, since=head_start(org["a1"].id))
    rest = build_timeline(me, org["a1"].id, before=head_start(org["a1"].id))
    assert head.events + rest.events == build_timeline(me, org["a1"].id).events
    assert not any(e.title.startswith("case opened") for e in head.events)  # opened before the part, closed in it
