"""Derived data follows the record it came from: alerts, evidence, calendars and commitments."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from acct_tui.io.ics import calendar_events
from acct_tui.models import Alert
from acct_tui.services import alerts, visits
from acct_tui.services.access import from_user
from acct_tui.services.health import explain
from acct_tui.services.scan import scan_all
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def org(db):
    return f.org()


def only_alert(account, rule) -> Alert:
    return Alert.get((Alert.account == account.id) & (Alert.rule == rule))


def test_departure_intent_from_a_confidential_call_says_only_whose_record_it_is(org):
    f.activity(org["a1"], kind="call", at=NOW - dt.timedelta(days=3), author=org["am1"], intent_to_leave=True,
               confidential=True, subject="Their CFO is talking to Rival Corp", sentiment=-2)
    scan_all(NOW)
    alert = only_alert(org["a1"], "departure_intent")
    assert alert.severity == "red" and alert.status == "open"  # still raised: the owner must act
    assert alert.reason == "From a confidential record by minh.pham"
    assert alert.evidence == {"source": "a confidential record by minh.pham"}
    shown = alert.reason + json.dumps(alert.evidence)
    assert "2026" not in shown and "Rival" not in shown and "-2" not in shown
    # The must-visit rule still holds: it reads the records, not the evidence.
    with pytest.raises(Exception, match="log the visit first"):
        alerts.resolve(from_user(org["am1"]), alert.id, "spoke to them")
    # An admin's explanation is no wiser.
    signals = explain(from_user(org["admin"]), org["a1"].id, NOW).signals
    intent = next(s for s in signals if s.rule == "departure_intent")
    assert (intent.reason, intent.evidence) == ("From a confidential record by minh.pham", {"source": "a confidential record by minh.pham"})


def test_an_ordinary_intent_keeps_its_date(org):
    f.activity(org["a2"], kind="call", at=NOW - dt.timedelta(days=3), author=org["am1"], intent_to_leave=True)
    scan_all(NOW)
    alert = only_alert(org["a2"], "departure_intent")
    assert "2026-11-17" in alert.reason and alert.evidence["intent_at"].startswith("2026-11-17")


def test_sentiment_decline_with_a_confidential_touch_shows_no_values(org):
    for days, confidential, author in ((2, False, org["am1"]), (4, True, org["lead"]), (6, False, org["am1"])):
        f.activity(org["a1"], kind="call", at=NOW - dt.timedelta(days=days), author=author, sentiment=-2, confidential=confidential)
    scan_all(NOW)
    alert = only_alert(org["a1"], "sentiment_decline")
    assert alert.severity == "red"
    assert alert.reason == "From a confidential record by lena.lead"
    assert alert.evidence == {"source": "a confidential record by lena.lead"}


def test_sentiment_decline_without_confidential_touches_keeps_its_values(org):
    for days in (2, 4, 6):
        f.activity(org["b1"], kind="call", at=NOW - dt.timedelta(days=days), author=org["am2"], sentiment=-1)
    scan_all(NOW)
    assert only_alert(org["b1"], "sentiment_decline").evidence == {"sentiments": [-1, -1, -1], "mean": -1.0}


def test_a_calendar_names_a_promise_from_a_confidential_record_by_whose_it_is(org):
    secret = f.activity(org["a1"], kind="visit", at=NOW - dt.timedelta(days=1), author=org["am1"], confidential=True)
    f.action_item(org["a1"], title="Match Rival Corp's discount", due_on=dt.date(2026, 12, 1), source_activity=secret)
    f.action_item(org["a1"], title="Send the deck", due_on=dt.date(2026, 12, 2))
    summaries = [e[2] for e in calendar_events(from_user(org["am1"])) if e[4] == "commitment"]
    assert summaries == ["Due: a commitment from a confidential record by minh.pham (Acme Corp)", "Due: Send the deck (Acme Corp)"]


def test_a_commitment_is_owed_only_by_someone_who_may_see_the_account(org):
    am1 = from_user(org["am1"])
    with pytest.raises(visits.DraftInvalid) as refused:
        visits.add_commitment(am1, org["a1"].id, "Call back", None, owner_login="olga.other")
    assert refused.value.problems == {"owner": "olga.other may not see this account: it may be owned by lena.lead, minh.pham or you"}
    draft = visits.ActivityDraft(account_id=org["a1"].id, kind="call", occurred_at=NOW, subject="call",
                                 next_steps=(("Send it", "an.nguyen", None),))
    with pytest.raises(visits.DraftInvalid, match="an.nguyen may not see this account"):
        visits.log_activity(am1, draft)
    # Its owner's lead may owe it.
    assert visits.add_commitment(am1, org["a1"].id, "Escalate pricing", None, owner_login="lena.lead")


def test_the_timeline_names_a_promise_from_a_record_i_may_not_read_by_whose_it_is(org):
    from acct_tui.services.timeline import build_timeline

    secret = f.activity(org["a1"], kind="visit", at=NOW - dt.timedelta(days=1), author=org["lead"], confidential=True)
    f.action_item(org["a1"], title="Match Rival Corp's discount", due_on=dt.date(2026, 12, 1), source_activity=secret, owner=org["am1"])

    def titles(user):
        return {e.title for e in build_timeline(from_user(user), org["a1"].id).events if e.kind == "commitment"}

    assert titles(org["am1"]) == {"commitment made: from a confidential record by lena.lead",
                                  "commitment due: from a confidential record by lena.lead"}
    assert titles(org["lead"]) == {"commitment made: Match Rival Corp's discount", "commitment due: Match Rival Corp's discount"}


def test_a_handover_brief_names_a_promise_from_a_confidential_record_by_whose_it_is(org):
    from acct_tui.services.briefs import build_briefs

    secret = f.activity(org["a1"], kind="visit", at=NOW - dt.timedelta(days=1), author=org["am1"], confidential=True)
    f.action_item(org["a1"], title="Match Rival Corp's discount", due_on=dt.date(2026, 12, 1), source_activity=secret)
    f.action_item(org["a1"], title="Send the deck", due_on=dt.date(2026, 12, 2))
    (brief,) = build_briefs([org["a1"].id])
    assert [c.title for c in brief.open_commitments] == ["a commitment from a confidential record by minh.pham", "Send the deck"]


def test_health_scores_sentiment_from_records_everyone_may_read(org):
    """Health is one figure for everyone: a confidential record's sentiment never moves it,
    while the sentiment rule still sees it (its alert redacted)."""
    for days in (10, 12, 14):
        f.activity(org["a1"], kind="call", at=NOW - dt.timedelta(days=days), author=org["am1"], sentiment=2)
    for days in (1, 2, 3):
        f.activity(org["a1"], kind="call", at=NOW - dt.timedelta(days=days), author=org["am1"], sentiment=-2, confidential=True)
    scores = set()
    for viewer in (org["am1"], org["lead"], org["admin"]):  # the author, a manager, an admin
        explained = explain(from_user(viewer), org["a1"].id, NOW)
        scores.add(explained.score)
        assert next(c for c in explained.components if c.name == "sentiment").value == 100  # the +2s only
        decline = next(s for s in explained.signals if s.rule == "sentiment_decline")
        assert decline.reason == "From a confidential record by minh.pham"
    assert len(scores) == 1
    scan_all(NOW)
    from acct_tui.models import HealthSnapshot

    assert HealthSnapshot.get(HealthSnapshot.account == org["a1"].id).score == scores.pop()  # the Portfolio's figure


def test_a_handover_brief_gives_no_date_of_a_confidential_touch(org):
    from acct_tui.services.briefs import brief_lines, build_briefs

    f.activity(org["a1"], kind="visit", at=dt.datetime(2026, 10, 1, 9), author=org["am1"], subject="QBR")
    f.activity(org["a1"], kind="call", at=dt.datetime(2026, 10, 20, 9), author=org["am1"])
    f.activity(org["a1"], kind="visit", at=dt.datetime(2026, 11, 17, 9), author=org["am1"], confidential=True, subject="Rival Corp")
    f.activity(org["a2"], kind="call", at=dt.datetime(2026, 11, 18, 9), author=org["am1"], confidential=True)
    acme, beta = build_briefs([org["a1"].id, org["a2"].id])
    assert (acme.last_touch, acme.last_visit) == (dt.datetime(2026, 10, 20, 9), dt.datetime(2026, 10, 1, 9))
    assert acme.later_confidential_touches_by == ("minh.pham",)
    assert (beta.last_touch, beta.last_visit, beta.later_confidential_touches_by) == (None, None, ("minh.pham",))
    text = "\n".join(brief_lines(acme) + brief_lines(beta))
    assert "2026-11-17" not in text and "2026-11-18" not in text and "Rival" not in text
    assert "later touches in confidential records by minh.pham" in text


def test_a_departure_alert_cleared_by_a_confidential_visit_gives_no_date(org):
    f.activity(org["a1"], kind="call", at=NOW - dt.timedelta(days=5), author=org["am1"], intent_to_leave=True)
    scan_all(NOW - dt.timedelta(days=4))
    f.activity(org["a1"], kind="visit", at=NOW - dt.timedelta(days=2), author=org["am1"], confidential=True, subject="Rival Corp")
    scan_all(NOW)
    alert = only_alert(org["a1"], "departure_intent")
    assert alert.status == "resolved"
    assert alert.resolution_note == "Visited after the intent to leave (a confidential record by minh.pham)"


def test_an_admin_s_activity_scope_has_no_every_account_subquery_and_still_hides_others_confidential_records(org):
    from acct_tui.models import Activity
    from acct_tui.services.access import hidden_sources, scope_activities

    def sql(user) -> str:
        return scope_activities(Activity.select(Activity.id), from_user(user)).sql()[0]

    # SQLite probes the account index once per account and id for "IN (every account)": minutes at 100k.
    assert '"account"' not in sql(org["admin"]) and '"account"' in sql(org["am1"])
    secret = f.activity(org["b1"], author=org["am2"], confidential=True)
    assert hidden_sources(from_user(org["admin"]), [secret.id]) == {secret.id: org["am2"].login}
