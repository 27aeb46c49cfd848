"""The short forms' text is read in services/entry_forms.py: typed strings in,
typed values (or DraftInvalid naming each field) out."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.services import entry_forms
from acct_tui.services.access import from_user
from acct_tui.services.visits import DraftInvalid
from tests import factories as f

TODAY = dt.date(2026, 11, 20)  # a Friday: the pinned clock's day


@pytest.mark.parametrize(
    "text, direction, expected",
    [("mon", "future", dt.date(2026, 11, 23)), ("mon", "past", dt.date(2026, 11, 16)), ("in 2w", "future", dt.date(2026, 12, 4)),
     ("20/12", "future", dt.date(2026, 12, 20)), ("3d ago", "past", dt.date(2026, 11, 17))],
)
def test_read_date(text, direction, expected):
    assert entry_forms.read_date({"due": text}, "due", direction) == expected


def test_read_date_names_the_field():
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.read_date({"due": "someday"}, "due", "future")
    assert "someday" in raised.value.problems["due"]
    with pytest.raises(DraftInvalid, match="required"):
        entry_forms.read_date({"due": " "}, "due", "future")
    assert entry_forms.read_date({"due": ""}, "due", "future", required=False) is None


@pytest.mark.parametrize("text, reason", [("", "required"), ("yesterday", "not in the future"), ("today", "not in the future"), ("blah", "blah")])
def test_snooze_until_must_be_a_future_date(text, reason):
    with pytest.raises(ValueError, match=reason):
        entry_forms.read_snooze_until(text)


def test_snooze_until_reads_a_human_date():
    assert entry_forms.read_snooze_until("in 2w") == dt.date(2026, 12, 4)


def blank_filter(**typed) -> dict[str, str]:
    return {"account": "", "kind": "any", "author": "", "since": "", "until": "", "sentiment": "any", **typed}


def test_record_filter_reads_every_field(db):
    org = f.org()
    me = from_user(org["am1"])
    found = entry_forms.read_record_filter(me, blank_filter(account="acme", kind="visit", author=" minh.pham ", since="30d ago", until="today", sentiment="negative"))
    assert (found.account_id, found.kind, found.author) == (org["a1"].id, "visit", "minh.pham")
    assert (found.since, found.until, found.sentiment) == (dt.date(2026, 10, 21), TODAY, "negative")
    assert entry_forms.read_record_filter(me, blank_filter()).account_id is None


def test_record_filter_marks_each_bad_field(db):
    org = f.org()
    me = from_user(org["am1"])
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.read_record_filter(me, blank_filter(account="gamma", since="today", until="3d ago"))
    assert set(raised.value.problems) == {"account", "until"}  # Gamma is a colleague's: not found


def test_the_snooze_form_names_every_bad_field_at_once():
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.read_snooze({"until": "yesterday", "reason": "  "})
    assert raised.value.problems == {"until": "2026-11-19 is not in the future", "reason": "a reason is required"}
    request = entry_forms.read_snooze({"until": "in 2w", "reason": " budget in Q1 "})
    assert request == entry_forms.SnoozeRequest(dt.date(2026, 12, 4), "budget in Q1")


def test_the_resolve_and_escalate_forms_read_their_one_field():
    with pytest.raises(DraftInvalid) as raised:
        entry_forms.read_note({"note": " "})
    assert raised.value.problems == {"note": "a note is required"}
    assert entry_forms.read_note({"note": " called them "}) == "called them"
    assert entry_forms.read_escalate_to({"to": ""}) == ""  # the owner's manager
    assert entry_forms.read_escalate_to({"to": " lena.lead "}) == "lena.lead"


def test_the_snooze_form_refuses_past_the_limit_and_the_resolve_form_says_what_resolving_does():
    from acct_tui import clock
    from acct_tui.services import entry_forms

    today = clock.today()
    latest = today + __import__("datetime").timedelta(days=90)
    assert entry_forms.read_snooze_until(latest.isoformat()) == latest
    with pytest.raises(ValueError, match=f"at most 90 days \\(until {latest.isoformat()} at the latest\\)"):
        entry_forms.read_snooze_until((latest + __import__("datetime").timedelta(days=1)).isoformat())
    hint = entry_forms.resolve_form().hint
    assert "stays resolved while the condition holds" in hint and "reopens" in hint
