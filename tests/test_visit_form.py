"""Reading the visit record form: every bad field named, nothing saved until all is valid."""

import datetime as dt

import pytest

from acct_tui.errors import UsageError
from acct_tui.models import ActionItem, Activity
from acct_tui.services.access import from_user
from acct_tui.services.entry_forms import understand_date
from acct_tui.services.visit_form import FormValues, read_form, save_form
from tests import factories as f


@pytest.fixture
def org(db):
    return f.org()


def test_a_full_form_becomes_a_draft_and_saves(org):
    me = from_user(org["am1"])
    values = FormValues(
        account="acme", date="yesterday", kind="visit", duration="1h30", attendees="Lan, Minh ,", purpose="QBR",
        summary="went well", outcome="pilot agreed", sentiment="2", next_steps="send deck by fri\n\ncall Lan @lena.lead by 2026-12-01",
        confirmed_by="Lan Tran", intent_to_leave=False, confidential=True,
    )
    check = read_form(me, values)
    assert check.problems == {}
    assert check.understood == {"account_id": "Acme Corp", "occurred_at": "Thu 2026-11-19"}
    d = check.draft
    assert (d.account_id, d.occurred_at, d.duration_min, d.attendees, d.sentiment) == (org["a1"].id, dt.datetime(2026, 11, 19, 12), 90, ("Lan", "Minh"), 2)
    assert d.next_steps == (("send deck", None, dt.date(2026, 11, 20)), ("call Lan", "lena.lead", dt.date(2026, 12, 1)))
    activity_id = save_form(me, values)
    assert Activity.get_by_id(activity_id).confidential is True
    assert ActionItem.select().count() == 2


def test_every_bad_field_is_named_and_nothing_is_written(org):
    me = from_user(org["am1"])
    values = FormValues(account="gamma", date="31/02", kind="visit", duration="forever", sentiment="x",
                        next_steps="ok by fri\nlate by 3d ago", confirmed_by="y" * 200)
    problems = read_form(me, values).problems
    assert set(problems) == {"account_id", "occurred_at", "duration_min", "sentiment", "next_steps", "confirmed_by", "subject"}
    assert problems["subject"] == "say what it was about: a purpose or a summary"
    assert problems["account_id"] == "no account you may see matches 'gamma'"
    assert "day 31 does not exist" in problems["occurred_at"]
    assert problems["next_steps"] == "line 2: due 2026-11-17 is already past"
    with pytest.raises(UsageError):
        save_form(me, values)
    assert Activity.select().count() == 0


def test_ambiguous_account_and_picked_id(org):
    f.account(org["am1"], "Acme Holdings")
    me = from_user(org["am1"])
    assert read_form(me, FormValues(account="acme")).problems["account_id"] == "several accounts match: Acme Corp, Acme Holdings"
    assert read_form(me, FormValues(account="acme", account_id=org["a1"].id, purpose="QBR")).problems == {}
    assert read_form(me, FormValues()).problems["account_id"] == "choose an account"
    assert read_form(me, FormValues(account_id=org["b1"].id)).problems["account_id"].startswith("no such account")


def test_a_bad_next_step_line_is_reported_with_its_number(org):
    problems = read_form(from_user(org["am1"]), FormValues(account="acme", summary="s", next_steps="a\nb by someday")).problems
    assert problems == {"next_steps": "line 2: commitment 'b': due date: 'someday' is not a date I understand; try today, yesterday, 3d ago, in 2w, fri, 2026-11-20, 20/11 or 20 Nov"}


@pytest.mark.parametrize("line", ["by tomorrow", "  by fri", "@lena.lead by tomorrow"])
def test_a_next_step_without_a_title_is_refused_as_in_quick_capture(org, line):
    """The form's next steps and quick capture's `next:` are one parser: `by DATE` alone is no title."""
    from acct_tui.core.capture import CaptureError, parse_capture

    problems = read_form(from_user(org["am1"]), FormValues(account="acme corp", summary="s", next_steps=line)).problems
    assert problems == {"next_steps": "line 1: a commitment needs a title before 'by'"}
    with pytest.raises(CaptureError, match="a commitment needs a title before 'by'"):
        parse_capture(f"acme call next: {line}", dt.date(2026, 11, 20))


def test_a_title_with_by_inside_it_keeps_it(org):
    check = read_form(from_user(org["am1"]), FormValues(account="acme corp", summary="s", next_steps="stand by the pilot by fri"))
    assert check.draft.next_steps == (("stand by the pilot", None, dt.date(2026, 11, 20)),)


def test_next_steps_and_dates_read_months(org):
    check = read_form(from_user(org["am1"]), FormValues(account="acme corp", date="1y ago", summary="s", next_steps="review contract by in 6 months"))
    assert check.problems == {}
    assert check.draft.occurred_at.date() == dt.date(2025, 11, 20)
    assert check.draft.next_steps == (("review contract", None, dt.date(2027, 5, 20)),)


def test_understand_date():
    assert understand_date("3d ago", "past") == "Tue 2026-11-17"  # the one date hint every form shows
    assert understand_date("soon", "past") == "?"
