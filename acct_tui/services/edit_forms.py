"""The forms that correct a commitment, a milestone or a planned visit: the forms that made
them (`entry_forms`), filled in with the record, saving through `services.edits`.

A touch is corrected in the visit record form itself (`edits.touch_values`
fills it in, `edits.edit_touch` saves it). Built in a worker: reading the
record checks that the viewer may change it (`NotFound` / `Forbidden`).
"""

from __future__ import annotations

from dataclasses import replace

from acct_tui.models import User
from acct_tui.services import edits, entry_forms
from acct_tui.services.access import Viewer
from acct_tui.services.entry_forms import EntryForm, read_date
from acct_tui.services.query import as_date


def _filled(form: EntryForm, title: str, values: dict[str, str], save) -> EntryForm:
    fields = tuple(replace(field, value=values.get(field.key, field.value)) for field in form.fields)
    return replace(form, title=title, fields=fields, save=save, done="Saved.")


def _login(user_id: int | None) -> str:
    return (User.select(User.login).where(User.id == user_id).scalar() or "") if user_id else ""


def _day(value) -> str:
    return as_date(value).isoformat() if value else ""


def _owner(values: dict[str, str]) -> str | None:
    return values.get("owner", "").strip() or None


def commitment(viewer: Viewer, item_id: int) -> EntryForm:
    row = edits.record(viewer, "commitment", item_id)

    def save(values: dict[str, str]) -> list[edits.Change]:
        due = read_date(values, "due_on", "future", required=False)
        return edits.edit_commitment(viewer, item_id, values["title"], due, _owner(values))

    form = entry_forms.commitment_form(viewer, row.account_id, "", None)
    filled = {"title": row.title, "due_on": _day(row.due_on), "owner": _login(row.owner_id)}
    return _filled(form, f"Edit commitment “{row.title}”", filled, save)


def milestone(viewer: Viewer, milestone_id: int) -> EntryForm:
    row = edits.record(viewer, "milestone", milestone_id)

    def save(values: dict[str, str]) -> list[edits.Change]:
        due = read_date(values, "due_on", "future", required=False)
        return edits.edit_milestone(viewer, milestone_id, values["title"], due, values["kind"])

    form = entry_forms.milestone_form(viewer, row.account_id, "", None)
    filled = {"title": row.title, "kind": row.kind, "due_on": _day(row.due_on)}
    return _filled(form, f"Edit milestone “{row.title}”", filled, save)


def plan(viewer: Viewer, plan_id: int) -> EntryForm:
    row = edits.record(viewer, "plan", plan_id)

    def save(values: dict[str, str]) -> list[edits.Change]:
        return edits.edit_plan(viewer, plan_id, read_date(values, "date", "future"), values["purpose"], _owner(values))

    form = entry_forms.plan_visit_form(viewer, row.account_id, "", None)
    filled = {"date": _day(row.scheduled_for), "purpose": row.purpose or "", "owner": _login(row.owner_id)}
    return _filled(form, f"Edit the visit planned for {_day(row.scheduled_for)}", filled, save)


#: The form for each kind that has a short one (a touch has the visit record form).
FORMS = {"commitment": commitment, "milestone": milestone, "plan": plan}
