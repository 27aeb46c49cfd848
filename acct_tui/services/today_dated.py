"""Today's dated sources: what falls due on a day, or fell due and is late.

Open commitments due within `COMMITMENT_WINDOW` days or late
(`kpi_facts.late_commitment`), visits still planned for this week or for a
day already past, planned milestones due within `MILESTONE_WINDOW` days or
late, and the courtesy dates (`services.courtesy`) within `COURTESY_WINDOW`.
Each source appends `(account, kind, reason, due, measured terms, source,
source id)` to `found`, as `services.today.build_today` gathers them; the
terms are `core.urgency`'s: how close (`due_soon`) or how late (`days_late`).
"""

from __future__ import annotations

import datetime as dt

from peewee import JOIN

from acct_tui.core.text import days_late, in_days
from acct_tui.core.urgency import COMMITMENT_WINDOW, COURTESY_WINDOW, MILESTONE_WINDOW, VISIT_WINDOW, due_soon_value, late_value
from acct_tui.models import Account, ActionItem, Milestone, PlannedVisit, User
from acct_tui.services.access import Viewer, hidden_sources, scope_accounts
from acct_tui.services.courtesy import upcoming_anniversaries, upcoming_birthdays
from acct_tui.services.kpi_facts import late_commitment
from acct_tui.services.query import as_date, ids_in, raw_rows, unindexed


def day_text(value: dt.date) -> str:
    """A day in a reason: "3 Dec"."""
    return f"{value.day} {value:%b}"


def _due_or_late(days: int) -> str:
    return days_late(-days) if days < 0 else f"due {in_days(days)}"


def _on(day: dt.date, days: int) -> str:
    return "today" if days == 0 else f"{day:%a} {day_text(day)}"


def _whose(owner: str | None, viewer: Viewer) -> str:
    return f", owner {owner}" if owner and owner != viewer.login else ""


def item_terms(kind: str, days: int, window: int) -> list[tuple[str, float]]:
    """The item's kind, and how close it is within its `window` or how late (late is as close as it gets)."""
    if days < 0:
        return [(kind, 1), ("days_late", late_value(-days)), ("due_soon", 1.0)]
    return [(kind, 1), ("due_soon", due_soon_value(days, window))]


def _with_owner(model, *columns):
    """`columns` of `model` and its owner's login (None: nobody), joined to the account for scoping."""
    return (
        model.select(*columns, User.login)
        .join(Account, on=(model.account == Account.id))
        .switch(model)
        .join(User, JOIN.LEFT_OUTER, on=(model.owner == User.id))
    )


def _rows(query, viewer: Viewer, column, accounts: list[int] | None) -> list[tuple]:
    """The query's rows on the accounts `viewer` sees, only `accounts` of them when given."""
    if accounts is not None:
        query = query.where(ids_in(column, accounts))
    return raw_rows(scope_accounts(query, viewer))


# -- what falls due by a day: the sources below read up to their window's end, `today_page`
# -- up to the day an item's own terms still reach a cutoff; `few`: for a few accounts' rows.


def commitment_due(today: dt.date, last: dt.date):
    """Open commitments late, or due from today to `last` (`kpi_facts.late_commitment`)."""
    return ((late_commitment(today) & (ActionItem.due_on <= last))
            | ((ActionItem.status == "open") & ActionItem.due_on.between(today, last)))


def visit_due(last: dt.date, few: bool = False):
    """Visits still planned for `last` or before."""
    status = unindexed(PlannedVisit.status) if few else PlannedVisit.status
    return (status == "planned") & (PlannedVisit.scheduled_for <= last)


def milestone_due(last: dt.date, few: bool = False):
    """Planned milestones due by `last`."""
    status = unindexed(Milestone.status) if few else Milestone.status
    return (status == "planned") & (Milestone.due_on <= last)


def commitments(viewer: Viewer, today: dt.date, found: list, accounts: list[int] | None = None) -> None:
    """Open commitments due within the window, or late (`kpi_facts.late_commitment`)."""
    horizon = today + dt.timedelta(days=COMMITMENT_WINDOW)
    query = _with_owner(ActionItem, ActionItem.id, ActionItem.account, ActionItem.title, ActionItem.due_on,
                        ActionItem.source_activity)
    query = query.where(commitment_due(today, horizon))
    rows = _rows(query, viewer, ActionItem.account, accounts)
    # A promise made in a record the viewer may not read: whose record, never its words.
    hidden = hidden_sources(viewer, [row[4] for row in rows])
    for iid, aid, title, due, source, owner in rows:
        due = as_date(due)
        title = f"a commitment from a confidential record by {hidden[source]}" if source in hidden else f"“{title}”"
        days = (due - today).days
        reason = f"commitment {title} {_due_or_late(days)}{_whose(owner, viewer)}"
        found.append((aid, "commitment", reason, due, item_terms("commitment", days, COMMITMENT_WINDOW), "action_item", iid))


def visits(viewer: Viewer, today: dt.date, found: list, accounts: list[int] | None = None) -> None:
    """Visits still planned for this week, or for a day already past."""
    horizon = today + dt.timedelta(days=VISIT_WINDOW)
    query = _with_owner(PlannedVisit, PlannedVisit.id, PlannedVisit.account, PlannedVisit.scheduled_for, PlannedVisit.purpose)
    query = query.where(visit_due(horizon, few=accounts is not None))
    for pid, aid, day, purpose, owner in _rows(query, viewer, PlannedVisit.account, accounts):
        day = as_date(day)
        days = (day - today).days
        what = f": {purpose}" if purpose else ""
        if days < 0:
            reason = f"planned visit {days_late(-days)} (planned {day_text(day)}){what}{_whose(owner, viewer)}"
        else:
            reason = f"visit planned {_on(day, days)}{what}{_whose(owner, viewer)}"
        found.append((aid, "visit", reason, day, item_terms("visit", days, VISIT_WINDOW), "planned_visit", pid))


def milestones(viewer: Viewer, today: dt.date, found: list, accounts: list[int] | None = None) -> None:
    """Planned milestones due within the window, or late."""
    horizon = today + dt.timedelta(days=MILESTONE_WINDOW)
    query = (
        Milestone.select(Milestone.id, Milestone.account, Milestone.title, Milestone.kind, Milestone.due_on)
        .join(Account, on=(Milestone.account == Account.id))
        .where(milestone_due(horizon, few=accounts is not None))
    )
    for mid, aid, title, kind, due in _rows(query, viewer, Milestone.account, accounts):
        due = as_date(due)
        days = (due - today).days
        reason = f"{kind} milestone “{title}” {_due_or_late(days)}"
        found.append((aid, "milestone", reason, due, item_terms("milestone", days, MILESTONE_WINDOW), "milestone", mid))


def birthdays(viewer: Viewer, today: dt.date, found: list, accounts: list[int] | None = None) -> None:
    """Birthdays of current contacts within the courtesy window."""
    for cid, aid, name, role, day in upcoming_birthdays(viewer, today, accounts=accounts):
        days = (day - today).days
        reason = f"birthday of {name} ({role.replace('_', ' ')}) {_on(day, days)}"
        found.append((aid, "courtesy", reason, day, item_terms("courtesy", days, COURTESY_WINDOW), "contact", cid))


def anniversaries(viewer: Viewer, today: dt.date, found: list, accounts: list[int] | None = None) -> None:
    """Contract anniversaries within the courtesy window."""
    for aid, _name, years, day in upcoming_anniversaries(viewer, today, accounts=accounts):
        days = (day - today).days
        reason = f"{years} {'year' if years == 1 else 'years'} since the contract started, {_on(day, days)}"
        found.append((aid, "courtesy", reason, day, item_terms("courtesy", days, COURTESY_WINDOW), "account", aid))
