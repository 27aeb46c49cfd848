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
contact marked as left, an alert acknowledged, snoozed or resolved, and an
edit or a delete of a touch, commitment, milestone or planned visit
(`services.edits`: the old values, or the record with what went with it,
come back). A change that something else changed since (a commitment done
meanwhile, an alert the scan resolved, a record edited again) is refused
with a message saying so; nothing is written.

Most changes are taken back the same way (find the record, check it is as
the change left it, then delete it or write fields back): each is a line of
`_RESTORE`; a touch logged and a record deleted have functions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from peewee import DateField, DateTimeField, fn

from acct_tui.db import database
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import ActionItem, Activity, Alert, AuditLog, Contact, Milestone, PlannedVisit
from acct_tui.services import audit
from acct_tui.services.access import Viewer, account_visible
from acct_tui.services.query import as_date, as_datetime

#: The records `services.edits` edits and deletes, by table, and how they are named.
EDITABLE = {"activity": (Activity, "touch"), "action_item": (ActionItem, "commitment"),
            "milestone": (Milestone, "milestone"), "planned_visit": (PlannedVisit, "planned visit")}

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
    **{("edit", table): f"{noun} edited" for table, (_model, noun) in EDITABLE.items()},
    **{("delete", table): f"{noun} deleted" for table, (_model, noun) in EDITABLE.items()},
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
        if entry.action == "log":
            said, removed = _log(viewer, entry)
        elif entry.action == "delete":
            said, removed = _undelete(viewer, entry)
        else:
            said, removed = _restore(_RESTORE[(entry.action, entry.table)], viewer, entry)
        audit.record(viewer.actor, "undo", entry.table, entry.row_id,
                     {"undoes": entry.id, "action": entry.action, "old": removed})
    return f"Undone: {said}"


def _check(viewer: Viewer, account_id: int | None, what: str) -> None:
    if account_id is None or not account_visible(viewer, account_id):
        raise NotFound(f"{what} is no longer there to undo")


def _changed(what: str, now: str) -> UsageError:
    return UsageError(f"cannot undo: the {what} is {now} since; nothing was changed")


def _before(entry, default: str) -> str:
    """The status a change moved the record from (its audit entry's `status: [before, after]`)."""
    return (entry.changes.get("status") or [default])[0]


def revive(model, values: dict[str, Any]) -> dict[str, Any]:
    """Values read back from an audit entry's JSON (dates as ISO text) as `model`'s fields take them."""
    fields = model._meta.fields
    out = {}
    for name, value in values.items():
        field = fields.get(name)
        if isinstance(field, DateTimeField) and value is not None:
            value = as_datetime(value)
        elif isinstance(field, DateField) and value is not None:
            value = as_date(value)
        out[name] = value
    return out


@dataclass(frozen=True)
class Restore:
    """How to take one kind of change back.

    The record (`model`, named `noun`) must still be there and, when `status`
    is set, still have it (else the change was overtaken). `back(entry, row)`
    gives the fields to write back, or is None when the change made the
    record (it goes; `keep` names what the undo entry remembers of it), or
    `expected(entry)` the fields the record must still hold. `said(entry,
    row)` is what was undone, in words.
    """

    model: type
    noun: str
    said: Callable[[Any, Any], str]
    status: str | None = None
    back: Callable[[Any, Any], dict[str, Any]] | None = None
    keep: tuple[str, ...] = ()
    expected: Callable[[Any], dict[str, Any]] | None = None


def _restore(rule: Restore, viewer: Viewer, entry) -> tuple[str, dict]:
    row = rule.model.get_or_none(rule.model.id == entry.row_id)
    if row is None:
        raise NotFound(f"that {rule.noun} is no longer there to undo")
    _check(viewer, row.account_id, f"that {rule.noun}")
    if rule.status is not None and row.status != rule.status:
        raise _changed(rule.noun, row.status)
    current = row.__data__
    for name, value in (rule.expected(entry) if rule.expected else {}).items():
        if revive(rule.model, {name: current.get(name)}) != revive(rule.model, {name: value}):
            raise _changed(rule.noun, "edited again")
    said = rule.said(entry, row)
    if rule.back is None:
        removed = {name: current.get(name) for name in rule.keep}
        rule.model.delete().where(rule.model.id == row.id).execute()
    else:
        fields = rule.back(entry, row)
        removed = {"status": row.status} if rule.status else {}
        removed.update({name: current.get(name) for name in fields})
        rule.model.update(**fields).where(rule.model.id == row.id).execute()
    return said, removed


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


def _undelete(viewer: Viewer, entry) -> tuple[str, dict]:
    """Put a deleted record back as it was, with its id; a touch with its commitments and the plan it fulfilled."""
    model, noun = EDITABLE[entry.table]
    old = entry.changes.get("old") or {}
    row = revive(model, old.get("row") or {})
    _check(viewer, row.get("account"), f"that {noun}")
    if model.get_or_none(model.id == entry.row_id) is not None:
        raise _changed(noun, "back")
    model.insert(**row).execute()
    for item in old.get("commitments") or []:
        ActionItem.insert(**revive(ActionItem, item)).execute()
    fulfilled = [int(i) for i in old.get("fulfilled") or []]
    if fulfilled:
        PlannedVisit.update(status="done", activity=entry.row_id).where(PlannedVisit.id.in_(fulfilled)).execute()
    return f"delete of the {noun} {_named(model, row)} (it is back)", {"id": entry.row_id}


def _named(model, values: dict[str, Any]) -> str:
    """How an editable record is named in undo's message: its title, subject or purpose and date."""
    if model is Activity:
        return f"“{values.get('subject')}” of {as_date(values.get('occurred_at')):%Y-%m-%d}"
    if model is PlannedVisit:
        return f"of {as_date(values.get('scheduled_for')):%Y-%m-%d}"
    return f"“{values.get('title')}”"


def _alert(status: str, fields: dict) -> Restore:
    """Take back an alert action that moved it to `status`, clearing `fields` (name -> None)."""
    return Restore(Alert, "alert", lambda e, r: f"{e.action} of the {r.rule} alert ({_before(e, 'open')} again)", status,
                   lambda e, r: {"status": _before(e, "open"), **fields})


def _edit(model, noun: str) -> Restore:
    """Take back an edit: the old values return while the record still holds the new ones."""
    return Restore(model, noun, lambda e, r: f"edit of the {noun} {_named(model, r.__data__)}",
                   back=lambda e, r: revive(model, (e.changes.get("old") or {})),
                   expected=lambda e: {k: v for k, v in (e.changes.get("new") or {}).items() if k != "edited_at"})


_RESTORE = {
    ("plan", "planned_visit"): Restore(PlannedVisit, "planned visit",
                                       lambda e, r: f"visit planned for {as_date(r.scheduled_for):%Y-%m-%d}", "planned",
                                       keep=("scheduled_for", "purpose")),
    ("create", "action_item"): Restore(ActionItem, "commitment", lambda e, r: f"new commitment “{r.title}”", "open",
                                       keep=("title", "due_on")),
    ("create", "milestone"): Restore(Milestone, "milestone", lambda e, r: f"new milestone “{r.title}”", "planned",
                                     keep=("title", "kind", "due_on")),
    ("complete", "action_item"): Restore(ActionItem, "commitment", lambda e, r: f"commitment “{r.title}” done (open again)",
                                         "done", lambda e, r: {"status": "open", "done_on": None}),
    ("complete", "milestone"): Restore(Milestone, "milestone",
                                       lambda e, r: f"milestone “{r.title}” done ({_before(e, 'planned')} again)", "done",
                                       lambda e, r: {"status": _before(e, "planned"), "completed_on": None}),
    ("left", "contact"): Restore(Contact, "contact", lambda e, r: f"{r.name} leaving", back=lambda e, r: {"left_on": None}),
    ("acknowledge", "alert"): _alert("acknowledged", {"acknowledged_by": None, "acknowledged_at": None}),
    ("snooze", "alert"): _alert("snoozed", {"snoozed_until": None, "snooze_reason": None}),
    ("resolve", "alert"): _alert("resolved", {"resolved_by": None, "resolved_at": None, "resolution_note": None}),
    **{("edit", table): _edit(model, noun) for table, (model, noun) in EDITABLE.items()},
}
