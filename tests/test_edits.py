"""Fixing what was typed (`services.edits`): edit and delete a touch, commitment, milestone or
planned visit, audited with the old values, refused for someone else's record, undone by `u`,
and seen by search and the timeline at once; on SQLite and PostgreSQL."""

import datetime as dt
from dataclasses import replace

import pytest

from acct_tui.errors import Forbidden, NotFound, UsageError
from acct_tui.models import ActionItem, Activity, AuditLog, Milestone, PlannedVisit
from acct_tui.services import access, edit_forms, edits, search, timeline, undo, visit_log, visits
from acct_tui.services.visits import DraftInvalid
from tests import factories as f

AT = dt.datetime(2026, 11, 18, 9, 30)


@pytest.fixture
def org(db):
    return f.org()


def me(user):
    return access.from_user(user)


def found(viewer, words):
    return [(h.source, h.record_id) for h in search.search(viewer, words)]


def audit_of(action, table, row_id):
    return [e.changes for e in AuditLog.select().where(
        (AuditLog.action == action) & (AuditLog.table == table) & (AuditLog.row_id == row_id)).order_by(AuditLog.id)]


def test_a_touch_is_edited_through_the_visit_form_and_audited_with_the_old_values(org):
    am = me(org["am1"])
    touch = f.activity(org["a1"], "visit", AT, subject="Pricng review", summary="old words", sentiment=-1)
    values = edits.touch_values(am, touch.id)
    assert (values.date, values.purpose, values.sentiment, values.kind) == ("2026-11-18", "Pricng review", "-1", "visit")

    changes = edits.edit_touch(am, touch.id, replace(values, purpose="Pricing\x1b review", summary="new\x07 words", sentiment="1"))

    row = Activity.get_by_id(touch.id)
    assert (row.subject, row.summary, row.sentiment, row.occurred_at) == ("Pricing review", "new words", 1, AT)  # same day: same hour
    assert row.edited_at == dt.datetime(2026, 11, 20, 10, 0)
    assert {c.field: (c.old, c.new) for c in changes} == {
        "subject": ("Pricng review", "Pricing review"), "summary": ("old words", "new words"), "sentiment": (-1, 1)}
    [entry] = audit_of("edit", "activity", touch.id)
    assert entry["old"] == {"subject": "Pricng review", "summary": "old words", "sentiment": -1, "edited_at": None}
    assert entry["new"]["subject"] == "Pricing review" and entry["account_id"] == org["a1"].id
    [event] = [e for e in timeline.build_timeline(am, org["a1"].id).events if e.source == "activity"]
    assert event.title == "visit: Pricing review" and event.detail.endswith("· edited")
    assert [(r.subject, r.edited) for r in visit_log.visit_records(am)] == [("Pricing review", True)]


def test_an_edit_is_checked_as_when_logging_and_writes_nothing_when_wrong(org):
    am = me(org["am1"])
    touch = f.activity(org["a1"], "call", AT, subject="Call")
    values = edits.touch_values(am, touch.id)
    with pytest.raises(DraftInvalid) as caught:
        edits.edit_touch(am, touch.id, replace(values, date="tomorrow", sentiment="9", purpose="ok"))
    assert set(caught.value.problems) == {"occurred_at", "sentiment"}
    row = Activity.get_by_id(touch.id)
    assert (row.subject, row.occurred_at, row.edited_at) == ("Call", AT, None)
    assert AuditLog.select().where(AuditLog.action == "edit").count() == 0
    assert edits.edit_touch(am, touch.id, values) == []  # nothing changed: nothing written
    assert Activity.get_by_id(touch.id).edited_at is None


def test_commitments_milestones_and_plans_are_edited_through_their_own_forms(org):
    am = me(org["am1"])
    item = f.action_item(org["a1"], "Send deck", dt.date(2026, 11, 15), owner=org["am1"])  # already late
    form = edit_forms.commitment(am, item.id)
    assert {fl.key: fl.value for fl in form.fields} == {"title": "Send deck", "due_on": "2026-11-15", "owner": "minh.pham"}
    # The late due date may stay as it is; a new one may not be in the past.
    form.submit({"title": "Send the deck\x1b", "due_on": "2026-11-15", "owner": "Minh.Pham"})
    item = ActionItem.get_by_id(item.id)
    assert (item.title, item.due_on, item.owner_id, item.edited_at is not None) == ("Send the deck", dt.date(2026, 11, 15), org["am1"].id, True)
    with pytest.raises(DraftInvalid, match="already past"):
        form.submit({"title": "x", "due_on": "2026-11-16", "owner": ""})
    with pytest.raises(DraftInvalid, match="may not see"):
        form.submit({"title": "x", "due_on": "", "owner": "olga.other"})
    assert ActionItem.get_by_id(item.id).title == "Send the deck"

    milestone = f.milestone(org["a1"], "Go-live")
    edit_forms.milestone(am, milestone.id).submit({"title": "Go-live phase 2", "kind": "deadline", "due_on": "2026-12-24"})
    row = Milestone.get_by_id(milestone.id)
    assert (row.title, row.kind, row.due_on) == ("Go-live phase 2", "deadline", dt.date(2026, 12, 24))
    with pytest.raises(DraftInvalid, match="due"):
        edit_forms.milestone(am, milestone.id).submit({"title": "t", "kind": "deadline", "due_on": ""})

    plan = f.planned_visit(org["a1"], dt.date(2026, 11, 25), owner=org["am1"], purpose="QBR")
    edit_forms.plan(am, plan.id).submit({"date": "2026-11-27", "purpose": "QBR and renewal", "owner": ""})
    row = PlannedVisit.get_by_id(plan.id)
    assert (row.scheduled_for, row.purpose, row.owner_id) == (dt.date(2026, 11, 27), "QBR and renewal", org["am1"].id)
    with pytest.raises(DraftInvalid, match="in the past"):
        edit_forms.plan(am, plan.id).submit({"date": "2026-11-19", "purpose": "", "owner": ""})
    assert [c["old"] for c in audit_of("edit", "planned_visit", plan.id)] == [
        {"scheduled_for": "2026-11-25", "purpose": "QBR", "edited_at": None}]
    details = {e.source: e.detail for e in timeline.build_timeline(am, org["a1"].id).events if e.upcoming}
    assert "edited" in details["milestone"] and "edited" in details["planned_visit"]
    assert [(r.purpose, r.edited) for r in visit_log.visit_plan(am)] == [("QBR and renewal", True)]


def test_only_who_may_change_a_record_edits_or_deletes_it(org):
    mine = f.activity(org["a1"], "visit", AT, subject="Mine")
    secret = f.activity(org["a1"], "call", AT, subject="Secret", confidential=True)
    leads_item = f.action_item(org["a1"], "The lead's promise", owner=org["lead"])
    am2, lead, admin, other = me(org["am2"]), me(org["lead"]), me(org["admin"]), me(org["other"])
    # Another AM of the team does not see the account at all; nor does someone in another team.
    for stranger in (am2, other):
        with pytest.raises(NotFound):
            edits.edit_touch(stranger, mine.id, edits.visit_form.FormValues(purpose="x"))
        with pytest.raises(NotFound):
            edits.delete(stranger, "touch", mine.id)
    # The AM sees the lead's commitment on their account, but it is the lead's.
    with pytest.raises(Forbidden, match="lena.lead's"):
        edits.edit_commitment(me(org["am1"]), leads_item.id, "Mine now", None)
    with pytest.raises(Forbidden):
        edits.delete(me(org["am1"]), "commitment", leads_item.id)
    # An admin oversees everyone, but a confidential record is not theirs to read: not there at all.
    with pytest.raises(NotFound):
        edits.touch_values(admin, secret.id)
    with pytest.raises(NotFound):
        edits.delete(admin, "touch", secret.id)
    # The lead leads the author: may read the confidential record and correct it.
    edits.edit_touch(lead, secret.id, replace(edits.touch_values(lead, secret.id), purpose="Secret, corrected"))
    assert Activity.get_by_id(secret.id).subject == "Secret, corrected"
    assert (ActionItem.get_by_id(leads_item.id).title, Activity.get_by_id(mine.id).subject) == ("The lead's promise", "Mine")
    assert AuditLog.select().where(AuditLog.action.in_(("edit", "delete"))).count() == 1


def test_a_commitment_made_in_a_confidential_record_stays_hidden_from_who_may_not_read_it(org):
    secret = f.activity(org["a1"], "visit", AT, subject="Secret", confidential=True)
    item = f.action_item(org["a1"], "Secret promise", owner=org["am1"], source_activity=secret)
    with pytest.raises(NotFound):
        edit_forms.commitment(me(org["admin"]), item.id)
    assert edit_forms.commitment(me(org["am1"]), item.id).fields[0].value == "Secret promise"


def test_deleting_a_touch_takes_its_commitments_along_and_undo_brings_everything_back(org):
    am = me(org["am1"])
    since = undo.session_start()
    plan = f.planned_visit(org["a1"], dt.date(2026, 11, 19), owner=org["am1"])
    draft = visits.ActivityDraft(org["a1"].id, "visit", AT, subject="Renewal workshop", summary="agreed the pilot",
                                 next_steps=(("Send the contract", None, dt.date(2026, 11, 27)),))
    touch_id = visits.log_activity(am, draft)
    [item] = ActionItem.select().where(ActionItem.source_activity == touch_id)
    assert PlannedVisit.get_by_id(plan.id).status == "done"
    assert found(am, "workshop") == [("activity", touch_id)] and found(am, "contract") == [("action_item", item.id)]

    assert edits.describe(am, "touch", touch_id) == "the visit of 2026-11-18 “Renewal workshop” and the 1 commitment made in it"
    edits.delete(am, "touch", touch_id)

    assert Activity.get_or_none(Activity.id == touch_id) is None and ActionItem.get_or_none(ActionItem.id == item.id) is None
    assert (PlannedVisit.get_by_id(plan.id).status, PlannedVisit.get_by_id(plan.id).activity_id) == ("planned", None)
    [entry] = audit_of("delete", "activity", touch_id)
    assert entry["old"]["row"]["summary"] == "agreed the pilot" and entry["old"]["fulfilled"] == [plan.id]
    assert [c["title"] for c in entry["old"]["commitments"]] == ["Send the contract"]
    assert found(am, "workshop") == [] and found(am, "contract") == []

    assert undo.undo_last(am, since) == "Undone: delete of the touch “Renewal workshop” of 2026-11-18 (it is back)"
    row = Activity.get_by_id(touch_id)
    assert (row.subject, row.summary, row.occurred_at, row.author_id) == ("Renewal workshop", "agreed the pilot", AT, org["am1"].id)
    back = ActionItem.get_by_id(item.id)
    assert (back.title, back.due_on, back.source_activity_id) == ("Send the contract", dt.date(2026, 11, 27), touch_id)
    assert (PlannedVisit.get_by_id(plan.id).status, PlannedVisit.get_by_id(plan.id).activity_id) == ("done", touch_id)
    assert found(am, "workshop") == [("activity", touch_id)] and found(am, "contract") == [("action_item", item.id)]
    [undone] = audit_of("undo", "activity", touch_id)
    assert undone["action"] == "delete"


def test_undo_takes_an_edit_back_unless_the_record_changed_again(org):
    am, lead = me(org["am1"]), me(org["lead"])
    item = f.action_item(org["a1"], "Send deck", dt.date(2026, 11, 30), owner=org["am1"])
    milestone = f.milestone(org["a1"], "Go-live")
    since = undo.session_start()
    edits.edit_commitment(am, item.id, "Send the new deck", dt.date(2026, 12, 2))
    edits.edit_milestone(am, milestone.id, "Go-live", dt.date(2026, 12, 1), "deadline")
    edits.edit_milestone(lead, milestone.id, "Go-live", dt.date(2026, 12, 1), "qbr")  # someone else changed it since
    with pytest.raises(UsageError, match="edited again since; nothing was changed"):
        undo.undo_last(am, since)
    assert Milestone.get_by_id(milestone.id).kind == "qbr"
    assert search.search(am, "new deck")
    # The refused undo is not mine to retry forever: take the lead's change back, then mine goes.
    undo.undo_last(lead, since)
    assert undo.undo_last(am, since) == "Undone: edit of the milestone “Go-live”"
    assert undo.undo_last(am, since) == "Undone: edit of the commitment “Send the new deck”"
    row = ActionItem.get_by_id(item.id)
    assert (row.title, row.due_on, row.edited_at) == ("Send deck", dt.date(2026, 11, 30), None)
    assert found(am, "new deck") == [] and found(am, "deck") == [("action_item", item.id)]
    assert [u.changes["action"] for u in AuditLog.select().where(AuditLog.action == "undo").order_by(AuditLog.id)] == [
        "edit", "edit", "edit"]


def test_deleting_a_commitment_milestone_or_plan_is_audited_and_undone(org):
    am = me(org["am1"])
    since = undo.session_start()
    item = f.action_item(org["a1"], "Call back", dt.date(2026, 11, 30), owner=org["am1"])
    milestone = f.milestone(org["a1"], "Kick-off")
    plan = f.planned_visit(org["a1"], dt.date(2026, 11, 26), owner=org["am1"], purpose="QBR")
    for name, row in (("commitment", item), ("milestone", milestone), ("plan", plan)):
        edits.delete(am, name, row.id)
    assert [ActionItem.select().count(), Milestone.select().count(), PlannedVisit.select().count()] == [0, 0, 0]
    assert audit_of("delete", "milestone", milestone.id)[0]["old"]["row"]["title"] == "Kick-off"
    assert undo.undo_last(am, since) == "Undone: delete of the planned visit of 2026-11-26 (it is back)"
    assert undo.undo_last(am, since) == "Undone: delete of the milestone “Kick-off” (it is back)"
    assert undo.undo_last(am, since) == "Undone: delete of the commitment “Call back” (it is back)"
    assert PlannedVisit.get_by_id(plan.id).purpose == "QBR" and Milestone.get_by_id(milestone.id).due_on == dt.date(2026, 12, 1)
    assert ActionItem.get_by_id(item.id).due_on == dt.date(2026, 11, 30)
