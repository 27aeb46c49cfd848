"""Fixing what was typed: edit or delete a touch (a visit record), a commitment, a milestone
or a planned visit.

An edit reads the same fields as creating the record did and checks them by
the same rules (`visit_form.read_form`, `visits.commitment_problems`, ...;
the text without control characters); a delete takes the record away. Both
are for whoever may change the record (`access.changeable`: a record one may
not read is `NotFound`, someone else's `Forbidden`), run in one transaction
and leave an audit entry with the old values (`old`, and for an edit `new`),
from which `services.undo` puts them back. An edited record remembers when
(`edited_at`; the timeline says "edited").

Deleting a touch takes the commitments made in it along (a promise made in
a confidential record must not outlive it in plain words) and plans again
the visit it fulfilled; the audit entry holds all of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from acct_tui import clock
from acct_tui.core.text import clean_text
from acct_tui.db import database
from acct_tui.errors import NotFound
from acct_tui.models import Account, ActionItem, Activity, Milestone, PlannedVisit, User
from acct_tui.services import audit, users, visit_form, visits
from acct_tui.services.access import Viewer, changeable
from acct_tui.services.query import as_date, as_datetime
from acct_tui.services.visits import DraftInvalid


@dataclass(frozen=True)
class Kind:
    """A kind of record that can be corrected: its table, and how a person names it."""

    model: type
    table: str
    noun: str


#: By the name the CLI and the UI use.
KINDS = {
    "touch": Kind(Activity, "activity", "touch"),
    "commitment": Kind(ActionItem, "action_item", "commitment"),
    "milestone": Kind(Milestone, "milestone", "milestone"),
    "plan": Kind(PlannedVisit, "planned_visit", "planned visit"),
}
#: The same, by table (what a timeline row's `source` says).
BY_TABLE = {kind.table: name for name, kind in KINDS.items()}


@dataclass(frozen=True)
class Change:
    """One field an edit changed."""

    field: str
    old: Any
    new: Any


def kind_of(name: str) -> Kind:
    """The kind a name (touch, commitment, milestone, plan) or a table names."""
    found = KINDS.get(name) or KINDS.get(BY_TABLE.get(name, ""))
    if found is None:
        raise NotFound(f"{name!r} cannot be edited: one of {', '.join(KINDS)}")
    return found


def record(viewer: Viewer, name: str, row_id: int):
    """The record, if `viewer` may change it (else `NotFound` / `Forbidden`)."""
    kind = kind_of(name)
    return changeable(viewer, kind.model, row_id, kind.noun)


# ---------------------------------------------------------------- edits


def touch_values(viewer: Viewer, activity_id: int) -> visit_form.FormValues:
    """The visit record form, filled in with the touch as it stands."""
    row = record(viewer, "touch", activity_id)
    return visit_form.FormValues(
        account=Account.select(Account.name).where(Account.id == row.account_id).scalar() or "",
        account_id=row.account_id, date=as_datetime(row.occurred_at).date().isoformat(), kind=row.kind,
        duration=f"{row.duration_min}m" if row.duration_min else "", attendees=row.attendees or "",
        purpose=row.subject or "", summary=row.summary or "", outcome=row.outcome or "",
        sentiment="" if row.sentiment is None else str(row.sentiment), confirmed_by=row.confirmed_by or "",
        intent_to_leave=bool(row.intent_to_leave), confidential=bool(row.confidential),
    )


def edit_touch(viewer: Viewer, activity_id: int, values: visit_form.FormValues) -> list[Change]:
    """Save the visit record form over the touch; `DraftInvalid` as when logging one."""
    with database.atomic():
        row = record(viewer, "touch", activity_id)
        # Its account stays; its commitments are records of their own (edit them there).
        check = visit_form.read_form(viewer, replace(values, account_id=row.account_id, next_steps=""))
        if check.draft is None:
            raise DraftInvalid(check.problems)
        draft = check.draft
        was = as_datetime(row.occurred_at)
        # The same day keeps its hour; another day is noon of it, as when logging.
        occurred = was if draft.occurred_at.date() == was.date() else draft.occurred_at
        confirmed_by = (draft.confirmed_by or "").strip() or None
        new = {
            "kind": draft.kind, "occurred_at": occurred, "duration_min": draft.duration_min,
            "subject": draft.subject.strip() or visits.default_subject(draft),
            "summary": draft.summary.strip() or None, "outcome": draft.outcome.strip() or None,
            "sentiment": draft.sentiment, "attendees": ", ".join(draft.attendees) or None,
            "confirmed_by": confirmed_by, "intent_to_leave": draft.intent_to_leave, "confidential": draft.confidential,
        }
        if confirmed_by != row.confirmed_by:
            new["confirmed_at"] = clock.now() if confirmed_by else None
        return _save(viewer, KINDS["touch"], row, new)


def edit_commitment(viewer: Viewer, item_id: int, title: str, due_on: dt.date | None, owner_login: str | None = None) -> list[Change]:
    """A commitment's title, due date and owner (blank owner: unchanged), checked as when adding one."""
    title = clean_text(title)
    with database.atomic():
        row = record(viewer, "commitment", item_id)
        problems, owner = visits.commitment_problems(row.account_id, title, due_on, owner_login, was=as_date(row.due_on))
        if problems:
            raise DraftInvalid(problems)
        return _save(viewer, KINDS["commitment"], row, {"title": title.strip(), "due_on": due_on, "owner": owner or row.owner_id})


def edit_milestone(viewer: Viewer, milestone_id: int, title: str, due_on: dt.date | None, kind: str) -> list[Change]:
    """A milestone's title, due date and kind, checked as when adding one."""
    title = clean_text(title)
    with database.atomic():
        row = record(viewer, "milestone", milestone_id)
        problems = visits.milestone_problems(title, kind, due_on)
        if problems:
            raise DraftInvalid(problems)
        return _save(viewer, KINDS["milestone"], row, {"title": title.strip(), "due_on": due_on, "kind": kind})


def edit_plan(viewer: Viewer, plan_id: int, scheduled_for: dt.date, purpose: str, owner_login: str | None = None) -> list[Change]:
    """A planned visit's date, purpose and owner (blank owner: unchanged), checked as when planning one."""
    purpose = clean_text(purpose)
    with database.atomic():
        row = record(viewer, "plan", plan_id)
        problems = visits.plan_problems(scheduled_for, purpose, was=as_date(row.scheduled_for))
        owner = None
        if owner_login:
            owner = users.find_login(owner_login)
            if owner is None:
                problems["owner"] = users.unknown_login(owner_login)
        if problems:
            raise DraftInvalid(problems)
        new = {"scheduled_for": scheduled_for, "purpose": purpose.strip(), "owner": owner.id if owner else row.owner_id}
        return _save(viewer, KINDS["plan"], row, new)


def _save(viewer: Viewer, kind: Kind, row, new: dict[str, Any]) -> list[Change]:
    """Write the fields that differ, stamp `edited_at` and audit old and new; nothing when nothing changed."""
    old = {name: row.__data__.get(name) for name in new}
    changed = {name: value for name, value in new.items() if not _same(old[name], value)}
    if not changed:
        return []
    stamp = clock.now()
    kind.model.update(**changed, edited_at=stamp).where(kind.model.id == row.id).execute()
    before = {name: old[name] for name in changed}
    audit.record(viewer.actor, "edit", kind.table, row.id, {
        "account_id": row.account_id, "old": {**before, "edited_at": row.edited_at}, "new": {**changed, "edited_at": stamp}})
    return [Change(name, _shown(name, old[name]), _shown(name, value)) for name, value in changed.items()]


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, dt.datetime) or isinstance(old, dt.datetime):
        return old is not None and new is not None and as_datetime(old) == as_datetime(new)
    if isinstance(new, dt.date) or isinstance(old, dt.date):
        return old is not None and new is not None and as_date(old) == as_date(new)
    return old == new


def _shown(name: str, value: Any) -> Any:
    """A changed value as a person reads it: an owner by login."""
    if name == "owner" and value is not None:
        return User.select(User.login).where(User.id == value).scalar()
    return value


# ---------------------------------------------------------------- deletes


def describe(viewer: Viewer, name: str, row_id: int) -> str:
    """What deleting the record would take away, in words (for the confirmation)."""
    row = record(viewer, name, row_id)
    if name in ("touch", "activity"):
        made = ActionItem.select().where(ActionItem.source_activity == row.id).count()
        along = f" and the {made} commitment{'s' * (made != 1)} made in it" if made else ""
        return f"the {row.kind} of {as_datetime(row.occurred_at):%Y-%m-%d} “{row.subject}”{along}"
    if name in ("plan", "planned_visit"):
        return f"the visit planned for {as_date(row.scheduled_for):%Y-%m-%d}" + (f" “{row.purpose}”" if row.purpose else "")
    return f"the {kind_of(name).noun} “{row.title}”"


def delete(viewer: Viewer, name: str, row_id: int) -> str:
    """Delete the record (a touch with the commitments made in it); returns what went, in words."""
    kind = kind_of(name)
    with database.atomic():
        said = describe(viewer, name, row_id)
        row = record(viewer, name, row_id)
        old: dict[str, Any] = {"row": dict(row.__data__)}
        if kind.model is Activity:
            made = ActionItem.select().where(ActionItem.source_activity == row.id)
            old["commitments"] = [dict(item.__data__) for item in made]
            old["fulfilled"] = [i for (i,) in PlannedVisit.select(PlannedVisit.id).where(PlannedVisit.activity == row.id).tuples()]
            ActionItem.delete().where(ActionItem.source_activity == row.id).execute()
            PlannedVisit.update(status="planned", activity=None).where(PlannedVisit.activity == row.id).execute()
        kind.model.delete().where(kind.model.id == row.id).execute()
        audit.record(viewer.actor, "delete", kind.table, row.id, {"account_id": row.account_id, "old": old})
    return said
