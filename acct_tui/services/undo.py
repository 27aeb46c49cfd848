"""Undo: take back my last change of this session, read from the audit trail.

A session remembers the newest audit entry when it started (`session_start`);
my last change is then my newest undoable entry after it that no `undo`
entry has taken back yet. Undoing it restores what the entry says was there
before, in one transaction, and writes an `undo` entry of its own (with the
values it removed), so undo is audited like everything else and a second
`u` takes back the change before that.

What can be undone: a touch logged (the record goes, with the commitments
made in it that are still open; a planned visit it fulfilled is planned
again), a visit planned, a commitment or milestone added or marked done, a
contact marked as left, and an alert acknowledged, snoozed or resolved. A
change that something else changed since (a commitment done meanwhile, an
alert the scan resolved) is refused with a message saying so; nothing is
written.
"""

from __future__ import annotations

from peewee import fn

from acct_tui.db import database
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import ActionItem, Activity, Alert, AuditLog, Contact, Milestone, PlannedVisit
from acct_tui.services import audit
from acct_tui.services.access import Viewer, account_visible
from acct_tui.services.query import as_date

#: (action, table) pairs `undo_last` knows how to take back, and how it says so.
UNDOABLE = {
    ("log", "activity"): "logged touch",
    ("plan", "planned_visit"): "planned visit",
    ("create", "action_item"): "new commitment",
    ("create", "milestone"): "new milestone",
    ("complete", "action_item"): "commitment done",
    ("complete", "milestone"): "milestone done",
    ("left", "contact"): "contact left",
    ("acknowledge", "alert"): "acknowledge",
    ("snooze", "alert"): "snooze",
    ("resolve", "alert"): "resolve",
}


def session_start() -> int:
    """The newest audit entry's id now (0 for none): changes after it are this session's."""
    return AuditLog.select(fn.MAX(AuditLog.id)).scalar() or 0


def last_change(viewer: Viewer, since: int) -> audit.AuditRow | None:
    """My newest change after audit entry `since` that can be undone and has not been."""
    mine = (AuditLog.actor == viewer.actor) & (AuditLog.id > since)
    undone = set()
    for changes, in AuditLog.select(AuditLog.changes).where(mine & (AuditLog.action == "undo")).tuples():
        if isinstance(changes, dict) and changes.get("undoes"):
            undone.add(int(changes["undoes"]))
    query = AuditLog.select().where(mine & (AuditLog.action != "undo")).order_by(AuditLog.id.desc())
    for entry in query:
        if entry.id in undone or (entry.action, entry.table) not in UNDOABLE:
            continue
        return audit.AuditRow(entry.id, entry.actor, entry.action, entry.table, entry.row_id, entry.changes or {}, entry.at)
    return None


def undo_last(viewer: Viewer, since: int) -> str:
    """Take back my last change since audit entry `since`; returns what was undone, in words.

    `UsageError` when there is nothing to undo or the record changed since.
    """
    with database.atomic():
        entry = last_change(viewer, since)
        if entry is None:
            raise UsageError("nothing to undo in this session")
        take_back = _UNDO[(entry.action, entry.table)]
        said, removed = take_back(viewer, entry)
        audit.record(viewer.actor, "undo", entry.table, entry.row_id,
                     {"undoes": entry.id, "action": entry.action, "old": removed})
    return f"Undone: {said}"


def _check(viewer: Viewer, account_id: int | None, what: str) -> None:
    if account_id is None or not account_visible(viewer, account_id):
        raise NotFound(f"{what} is no longer there to undo")


def _changed(what: str, now: str) -> UsageError:
    return UsageError(f"cannot undo: the {what} is {now} since; nothing was changed")


def _log(viewer: Viewer, entry) -> tuple[str, dict]:
    activity = Activity.get_or_none(Activity.id == entry.row_id)
    if activity is None:
        raise NotFound("that touch is no longer there to undo")
    _check(viewer, activity.account_id, "that touch")
    items = [int(i) for i in entry.changes.get("commitments") or []]
    closed = ActionItem.select().where(ActionItem.id.in_(items) & (ActionItem.status != "open")).count() if items else 0
    if closed:
        raise _changed("commitment made in it", "done or cancelled")
    plan = entry.changes.get("fulfilled_plan")
    if plan:
        PlannedVisit.update(status="planned", activity=None).where(
            (PlannedVisit.id == int(plan)) & (PlannedVisit.activity == activity.id)).execute()
    if items:
        ActionItem.delete().where(ActionItem.id.in_(items)).execute()
    removed = {"kind": activity.kind, "occurred_at": activity.occurred_at, "subject": activity.subject,
               "summary": activity.summary, "commitments": items, "fulfilled_plan": plan}
    Activity.delete().where(Activity.id == activity.id).execute()
    return f"{activity.kind} of {activity.occurred_at:%Y-%m-%d} logged ({activity.subject})", removed


def _plan(viewer: Viewer, entry) -> tuple[str, dict]:
    visit = PlannedVisit.get_or_none(PlannedVisit.id == entry.row_id)
    if visit is None:
        raise NotFound("that planned visit is no longer there to undo")
    _check(viewer, visit.account_id, "that planned visit")
    if visit.status != "planned":
        raise _changed("planned visit", visit.status)
    removed = {"scheduled_for": visit.scheduled_for, "purpose": visit.purpose}
    PlannedVisit.delete().where(PlannedVisit.id == visit.id).execute()
    return f"visit planned for {as_date(visit.scheduled_for):%Y-%m-%d}", removed


def _create_item(viewer: Viewer, entry) -> tuple[str, dict]:
    item = ActionItem.get_or_none(ActionItem.id == entry.row_id)
    if item is None:
        raise NotFound("that commitment is no longer there to undo")
    _check(viewer, item.account_id, "that commitment")
    if item.status != "open":
        raise _changed("commitment", item.status)
    removed = {"title": item.title, "due_on": item.due_on}
    ActionItem.delete().where(ActionItem.id == item.id).execute()
    return f"new commitment “{item.title}”", removed


def _create_milestone(viewer: Viewer, entry) -> tuple[str, dict]:
    milestone = Milestone.get_or_none(Milestone.id == entry.row_id)
    if milestone is None:
        raise NotFound("that milestone is no longer there to undo")
    _check(viewer, milestone.account_id, "that milestone")
    if milestone.status != "planned":
        raise _changed("milestone", milestone.status)
    removed = {"title": milestone.title, "kind": milestone.kind, "due_on": milestone.due_on}
    Milestone.delete().where(Milestone.id == milestone.id).execute()
    return f"new milestone “{milestone.title}”", removed


def _complete_item(viewer: Viewer, entry) -> tuple[str, dict]:
    item = ActionItem.get_or_none(ActionItem.id == entry.row_id)
    if item is None:
        raise NotFound("that commitment is no longer there to undo")
    _check(viewer, item.account_id, "that commitment")
    if item.status != "done":
        raise _changed("commitment", item.status)
    removed = {"status": "done", "done_on": item.done_on}
    ActionItem.update(status="open", done_on=None).where(ActionItem.id == item.id).execute()
    return f"commitment “{item.title}” done (open again)", removed


def _complete_milestone(viewer: Viewer, entry) -> tuple[str, dict]:
    milestone = Milestone.get_or_none(Milestone.id == entry.row_id)
    if milestone is None:
        raise NotFound("that milestone is no longer there to undo")
    _check(viewer, milestone.account_id, "that milestone")
    if milestone.status != "done":
        raise _changed("milestone", milestone.status)
    before = (entry.changes.get("status") or ["planned"])[0]
    removed = {"status": "done", "completed_on": milestone.completed_on}
    Milestone.update(status=before, completed_on=None).where(Milestone.id == milestone.id).execute()
    return f"milestone “{milestone.title}” done ({before} again)", removed


def _left(viewer: Viewer, entry) -> tuple[str, dict]:
    contact = Contact.get_or_none(Contact.id == entry.row_id)
    if contact is None:
        raise NotFound("that contact is no longer there to undo")
    _check(viewer, contact.account_id, "that contact")
    removed = {"left_on": contact.left_on}
    Contact.update(left_on=None).where(Contact.id == contact.id).execute()
    return f"{contact.name} leaving", removed


def _alert(status: str, fields: dict):
    """Take back an alert action that moved it to `status`, clearing `fields` (name -> None)."""

    def take_back(viewer: Viewer, entry) -> tuple[str, dict]:
        alert = Alert.get_or_none(Alert.id == entry.row_id)
        if alert is None:
            raise NotFound("that alert is no longer there to undo")
        _check(viewer, alert.account_id, "that alert")
        if alert.status != status:
            raise _changed("alert", alert.status)
        before = (entry.changes.get("status") or ["open"])[0]
        removed = {"status": status, **{name: alert.__data__.get(name) for name in fields}}
        Alert.update(status=before, **fields).where(Alert.id == alert.id).execute()
        return f"{entry.action} of the {alert.rule} alert ({before} again)", removed

    return take_back


_UNDO = {
    ("log", "activity"): _log,
    ("plan", "planned_visit"): _plan,
    ("create", "action_item"): _create_item,
    ("create", "milestone"): _create_milestone,
    ("complete", "action_item"): _complete_item,
    ("complete", "milestone"): _complete_milestone,
    ("left", "contact"): _left,
    ("acknowledge", "alert"): _alert("acknowledged", {"acknowledged_by": None, "acknowledged_at": None}),
    ("snooze", "alert"): _alert("snoozed", {"snoozed_until": None, "snooze_reason": None}),
    ("resolve", "alert"): _alert("resolved", {"resolved_by": None, "resolved_at": None, "resolution_note": None}),
}
