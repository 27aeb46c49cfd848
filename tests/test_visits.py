"""Logging touches, plans, commitments and milestones; the visit log listings. Both backends."""

import datetime as dt

import pytest

from acct_tui.errors import NotFound, UsageError
from acct_tui.models import ActionItem, Activity, AuditLog, Contact, Milestone, PlannedVisit
from acct_tui.services import account_lookup, visit_log, visits
from acct_tui.services.access import OPERATOR, from_user
from acct_tui.services.visit_log import VisitFilter
from acct_tui.services.visits import ActivityDraft, DraftInvalid
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def org(db):
    return f.org()


def draft(account, **kw):
    kw.setdefault("occurred_at", NOW)
    return ActivityDraft(account_id=account.id, **kw)


def test_log_activity_writes_the_record_its_commitments_the_plan_and_the_audit(org):
    me = from_user(org["am1"])
    plan = f.planned_visit(org["a1"], TODAY - dt.timedelta(days=3), purpose="QBR")
    far_plan = f.planned_visit(org["a1"], TODAY + dt.timedelta(days=30))
    activity_id = visits.log_activity(
        me,
        draft(
            org["a1"],
            kind="visit",
            duration_min=45,
            subject="Pricing review",
            summary="They want a discount",
            sentiment=1,
            attendees=("Lan", "Minh"),
            tags=("pricing",),
            next_steps=(("Send proposal", None, TODAY + dt.timedelta(days=7)), ("Call back", "lena.lead", None)),
            confirmed_by="Lan Tran",
        ),
    )
    saved = Activity.get_by_id(activity_id)
    assert (saved.author_id, saved.kind, saved.duration_min, saved.attendees, saved.tags) == (org["am1"].id, "visit", 45, "Lan, Minh", "pricing")
    assert saved.confirmed_by == "Lan Tran" and saved.confirmed_at == NOW
    items = list(ActionItem.select().where(ActionItem.source_activity == activity_id).order_by(ActionItem.id))
    assert [(i.title, i.owner_id, i.due_on) for i in items] == [
        ("Send proposal", org["am1"].id, TODAY + dt.timedelta(days=7)),
        ("Call back", org["lead"].id, None),
    ]
    assert PlannedVisit.get_by_id(plan.id).status == "done"
    assert PlannedVisit.get_by_id(plan.id).activity_id == activity_id
    assert PlannedVisit.get_by_id(far_plan.id).status == "planned"
    entry = AuditLog.get((AuditLog.table == "activity") & (AuditLog.row_id == activity_id))
    assert entry.actor == "minh.pham" and entry.changes["fulfilled_plan"] == plan.id


def test_a_call_does_not_fulfil_a_planned_visit(org):
    plan = f.planned_visit(org["a1"], TODAY)
    visits.log_activity(from_user(org["am1"]), draft(org["a1"], kind="call"))
    assert PlannedVisit.get_by_id(plan.id).status == "planned"


@pytest.mark.parametrize("days_off, fulfils", [(-14, True), (14, True), (-15, False), (15, False)])
def test_the_fulfilment_window(org, days_off, fulfils):
    plan = f.planned_visit(org["a1"], TODAY + dt.timedelta(days=days_off))
    visits.log_activity(from_user(org["am1"]), draft(org["a1"]))
    assert (PlannedVisit.get_by_id(plan.id).status == "done") is fulfils


def test_the_nearest_plan_is_fulfilled(org):
    near = f.planned_visit(org["a1"], TODAY - dt.timedelta(days=2))
    far = f.planned_visit(org["a1"], TODAY - dt.timedelta(days=9), status="missed")
    visits.log_activity(from_user(org["am1"]), draft(org["a1"]))
    assert PlannedVisit.get_by_id(near.id).status == "done"
    assert PlannedVisit.get_by_id(far.id).status == "missed"


def test_an_invalid_draft_names_every_bad_field_and_writes_nothing(org):
    me = from_user(org["am1"])
    bad = ActivityDraft(
        account_id=org["b1"].id,  # another AM's account
        kind="lunch",
        occurred_at=NOW + dt.timedelta(days=1),
        duration_min=0,
        sentiment=3,
        subject="x" * 301,
        next_steps=(("", None, None), ("ok", "nobody", None), ("late", None, TODAY - dt.timedelta(days=1))),
    )
    problems = visits.validate(me, bad)
    assert set(problems) == {"account_id", "kind", "occurred_at", "duration_min", "sentiment", "subject", "next_steps.0", "next_steps.1", "next_steps.2"}
    assert "future" in problems["occurred_at"] and "nobody" in problems["next_steps.1"]
    with pytest.raises(DraftInvalid) as info:
        visits.log_activity(me, bad)
    assert isinstance(info.value, UsageError) and info.value.problems == problems
    assert Activity.select().count() == 0 and ActionItem.select().count() == 0 and AuditLog.select().count() == 0


def test_validate_accepts_a_minimal_draft_and_a_missing_account_is_named(org):
    me = from_user(org["am1"])
    assert visits.validate(me, draft(org["a1"])) == {}
    assert visits.validate(me, ActivityDraft(account_id=None, occurred_at=NOW)) == {"account_id": "choose an account"}
    assert "occurred_at" in visits.validate(me, ActivityDraft(account_id=org["a1"].id))


def test_default_subject(org):
    me = from_user(org["am1"])
    first = visits.log_activity(me, draft(org["a1"], kind="call"))
    second = visits.log_activity(me, draft(org["a1"], summary="  they   renewed  "))
    assert Activity.get_by_id(first).subject == "Call"
    assert Activity.get_by_id(second).subject == "they renewed"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Acme Corp", "Acme Corp"),
        ("acme", "Acme Corp"),
        ("beta", "Beta Ltd"),
        ("Corp", "Acme Corp"),
        ("Acme Crop", "Acme Corp"),
        ("Gamma", []),  # someone else's account: never a candidate
        ("zzzz", []),
        ("", []),
    ],
)
def test_resolve_account(org, text, expected):
    got = account_lookup.resolve_account(from_user(org["am1"]), text)
    assert (got.name if isinstance(got, account_lookup.AccountHit) else got) == expected


def test_resolve_account_ambiguous_returns_candidates(org):
    f.account(org["am1"], "Acme Holdings")
    got = account_lookup.resolve_account(from_user(org["am1"]), "acme")
    assert [c.name for c in got] == ["Acme Corp", "Acme Holdings"]
    assert account_lookup.resolve_account(from_user(org["am1"]), "acme corp").name == "Acme Corp"
    f.account(org["am1"], "Acme%")
    assert account_lookup.resolve_account(from_user(org["am1"]), "acme%").name == "Acme%"


def test_plan_commit_milestone_and_complete(org):
    me = from_user(org["am1"])
    plan_id = visits.plan_visit(me, org["a1"].id, TODAY + dt.timedelta(days=5), "QBR")
    item_id = visits.add_commitment(me, org["a1"].id, "Send deck", TODAY + dt.timedelta(days=2))
    ms_id = visits.add_milestone(me, org["a1"].id, "Go-live", TODAY + dt.timedelta(days=40), "deliverable")
    visits.complete_commitment(me, item_id)
    visits.complete_milestone(me, ms_id)
    assert PlannedVisit.get_by_id(plan_id).owner_id == org["am1"].id
    assert (ActionItem.get_by_id(item_id).status, ActionItem.get_by_id(item_id).done_on) == ("done", TODAY)
    assert (Milestone.get_by_id(ms_id).status, Milestone.get_by_id(ms_id).completed_on) == ("done", TODAY)
    actions = [(a.action, a.table) for a in AuditLog.select().order_by(AuditLog.id)]
    assert actions == [("plan", "planned_visit"), ("create", "action_item"), ("create", "milestone"), ("complete", "action_item"), ("complete", "milestone")]
    with pytest.raises(UsageError, match="already done"):
        visits.complete_commitment(me, item_id)


def test_commands_refuse_bad_input_and_hidden_accounts(org):
    me = from_user(org["am1"])
    with pytest.raises(DraftInvalid) as info:
        visits.plan_visit(me, org["a1"].id, TODAY - dt.timedelta(days=1), owner_login="ghost")
    assert set(info.value.problems) == {"scheduled_for", "owner"}
    with pytest.raises(DraftInvalid, match="title"):
        visits.add_commitment(me, org["a1"].id, " ", None)
    with pytest.raises(DraftInvalid, match="already past"):
        visits.add_commitment(me, org["a1"].id, "x", TODAY - dt.timedelta(days=1))
    with pytest.raises(DraftInvalid) as info:
        visits.add_milestone(me, org["a1"].id, "", None, "party")
    assert set(info.value.problems) == {"title", "kind", "due_on"}
    for call in (
        lambda: visits.plan_visit(me, org["b1"].id, TODAY),
        lambda: visits.add_commitment(me, org["b1"].id, "x", None),
        lambda: visits.add_milestone(me, org["b1"].id, "x", TODAY),
        lambda: visits.complete_commitment(me, f.action_item(org["b1"]).id),
        lambda: visits.complete_milestone(me, f.milestone(org["b1"]).id),
        lambda: visits.record_contact_left(me, f.contact(org["b1"]).id),
    ):
        with pytest.raises(NotFound):
            call()
    assert AuditLog.select().count() == 0


def test_record_contact_left(org):
    me = from_user(org["am1"])
    lan = f.contact(org["a1"], "Lan Tran", "champion")
    with pytest.raises(DraftInvalid, match="future"):
        visits.record_contact_left(me, lan.id, TODAY + dt.timedelta(days=1))
    visits.record_contact_left(me, lan.id)
    assert Contact.get_by_id(lan.id).left_on == TODAY
    with pytest.raises(UsageError, match="already left"):
        visits.record_contact_left(me, lan.id)


def test_visit_plan_lists_upcoming_and_missed_by_date_for_visible_accounts(org):
    f.planned_visit(org["a1"], TODAY + dt.timedelta(days=3), purpose="soon")
    f.planned_visit(org["a2"], TODAY - dt.timedelta(days=4), purpose="late")
    f.planned_visit(org["a1"], TODAY - dt.timedelta(days=40), status="missed", purpose="missed")
    f.planned_visit(org["a1"], TODAY - dt.timedelta(days=2), status="done", purpose="done")
    f.planned_visit(org["b1"], TODAY, purpose="not mine")
    rows = visit_log.visit_plan(from_user(org["am1"]))
    assert [(r.purpose, r.days_late, r.late) for r in rows] == [("missed", 40, True), ("late", 4, True), ("soon", 0, False)]
    assert len(visit_log.visit_plan(from_user(org["lead"]))) == 4
    assert [r.purpose for r in visit_log.visit_plan(from_user(org["lead"]), owner="an.nguyen")] == ["not mine"]


def test_a_missed_plan_leaves_the_plan_once_a_later_visit_made_up_for_it(org):
    missed = TODAY - dt.timedelta(days=40)
    f.planned_visit(org["a1"], missed, status="missed", purpose="made up")
    f.planned_visit(org["a2"], missed, status="missed", purpose="still owed")
    f.activity(org["a1"], "call", dt.datetime.combine(missed + dt.timedelta(days=1), dt.time(9)))
    f.activity(org["a2"], "visit", dt.datetime.combine(missed - dt.timedelta(days=1), dt.time(9)))
    me = from_user(org["am1"])
    # a call, or a visit before the plan's date, does not make up for it
    assert sorted(r.purpose for r in visit_log.visit_plan(me)) == ["made up", "still owed"]
    f.activity(org["a1"], "visit", dt.datetime.combine(missed, dt.time(15)))  # the very day counts
    assert [r.purpose for r in visit_log.visit_plan(me)] == ["still owed"]


def test_visit_records_newest_first_with_filters_and_paging(org):
    a1, b1 = org["a1"], org["b1"]
    f.activity(a1, "visit", dt.datetime(2026, 11, 1, 9), sentiment=2)
    f.activity(a1, "call", dt.datetime(2026, 11, 10, 9), sentiment=-1)
    f.activity(a1, "email", dt.datetime(2026, 11, 19, 9))
    f.activity(b1, "visit", dt.datetime(2026, 11, 18, 9), sentiment=0)
    me, lead = from_user(org["am1"]), from_user(org["lead"])
    assert [r.kind for r in visit_log.visit_records(me)] == ["email", "call", "visit"]
    assert visit_log.count_visit_records(lead) == 4
    assert [r.kind for r in visit_log.visit_records(lead, offset=1, limit=2)] == ["visit", "call"]
    cases = [
        (VisitFilter(kind="visit"), ["Gamma Inc", "Acme Corp"]),
        (VisitFilter(account_id=b1.id), ["Gamma Inc"]),
        (VisitFilter(author="minh.pham"), ["Acme Corp"] * 3),
        (VisitFilter(since=dt.date(2026, 11, 10), until=dt.date(2026, 11, 18)), ["Gamma Inc", "Acme Corp"]),
        (VisitFilter(sentiment="negative"), ["Acme Corp"]),
        (VisitFilter(sentiment="positive"), ["Acme Corp"]),
        (VisitFilter(sentiment="neutral"), ["Gamma Inc"]),
        (VisitFilter(sentiment="unknown"), ["Acme Corp"]),
        (VisitFilter(text="gamma"), ["Gamma Inc"]),
        (VisitFilter(text="CALL with"), ["Acme Corp"]),
    ]
    for flt, names in cases:
        assert [r.account_name for r in visit_log.visit_records(lead, flt)] == names, flt
        assert visit_log.count_visit_records(lead, flt) == len(names)
    with pytest.raises(UsageError):
        visit_log.visit_records(lead, VisitFilter(sentiment="angry"))


def test_confidential_records_only_for_author_and_their_lead(org):
    secret = f.activity(org["a1"], "visit", confidential=True, author=org["am1"])
    other_am = from_user(org["am2"])
    senior = from_user(org["senior"])
    assert [r.id for r in visit_log.visit_records(from_user(org["am1"]))] == [secret.id]
    assert [r.id for r in visit_log.visit_records(from_user(org["lead"]))] == [secret.id]
    assert visit_log.visit_records(other_am) == [] and visit_log.visit_records(senior) == []
    assert [r.id for r in visit_log.visit_records(OPERATOR)] == [secret.id]
    with pytest.raises(NotFound):
        visit_log.visit_record(other_am, secret.id)


def test_visit_record_has_commitments_and_the_plan_it_fulfilled(org):
    me = from_user(org["am1"])
    f.planned_visit(org["a1"], TODAY)
    activity_id = visits.log_activity(me, draft(org["a1"], summary="s", outcome="o", next_steps=(("Send", None, TODAY),)))
    record = visit_log.visit_record(me, activity_id)
    assert (record.summary, record.outcome, record.fulfilled_plan) == ("s", "o", TODAY)
    assert [(c.title, c.owner, c.due_on, c.status) for c in record.commitments] == [("Send", "minh.pham", TODAY, "open")]


def test_one_rule_for_the_default_owner_of_a_commitment_and_a_planned_visit(org):
    """Unless another is named: whoever records it; the operator's go to the account's owner (README)."""
    from acct_tui.core.capture import parse_capture
    from acct_tui.services import entry_forms
    from acct_tui.services.access import OPERATOR

    for viewer, expected in ((from_user(org["lead"]), org["lead"].id), (OPERATOR, org["am1"].id)):
        plan = visits.plan_visit(viewer, org["a1"].id, TODAY + dt.timedelta(days=5), "QBR")
        item = visits.add_commitment(viewer, org["a1"].id, "Send deck", None)
        capture = parse_capture("acme call next: call back by fri", TODAY)
        logged = visits.log_activity(viewer, visits.draft_from_capture(capture, org["a1"].id))
        stepped = ActionItem.get(ActionItem.source_activity == logged)
        assert [PlannedVisit.get_by_id(plan).owner_id, ActionItem.get_by_id(item).owner_id, stepped.owner_id] == [expected] * 3
        # the app's forms show that owner before anything is typed
        for form in (entry_forms.plan_visit_form(viewer, org["a1"].id, "Acme Corp", "minh.pham"),
                     entry_forms.commitment_form(viewer, org["a1"].id, "Acme Corp", "minh.pham")):
            owner_field = next(field for field in form.fields if field.key == "owner")
            assert owner_field.value == ("lena.lead" if viewer.user_id else "minh.pham")
