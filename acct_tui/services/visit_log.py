"""The visit log's listings: the visit plan and the visit records, through the access rules.

Visit records page from SQL (`offset`/`limit`, with `count_visit_records`
for the scrollbar), so a lead's ten thousand records open at once.
Confidential records are filtered by `access.scope_activities`: only their
author and the author's lead see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from acct_tui import clock
from acct_tui.enums import ACTIVITY_KINDS
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, ActionItem, Activity, PlannedVisit, User
from acct_tui.services.access import Viewer, scope_activities, visible_account_ids

SENTIMENT_FILTERS = ("positive", "neutral", "negative", "unknown")


@dataclass(frozen=True)
class PlannedVisitRow:
    """A visit on the plan that has not happened yet (upcoming, or late)."""

    id: int
    account_id: int
    account_name: str
    owner: str | None
    scheduled_for: dt.date
    purpose: str
    status: str
    #: Days past its date (0 when upcoming or today).
    days_late: int
    #: Corrected since it was planned (`services.edits`).
    edited: bool = False

    @property
    def late(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class VisitFilter:
    """What the visit records pane is narrowed to; every field optional."""

    account_id: int | None = None
    kind: str | None = None
    #: The login of whoever logged the record.
    author: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    #: positive, neutral, negative or unknown.
    sentiment: str | None = None
    #: Words in the account name or the subject.
    text: str = ""

    def describe(self) -> str:
        """The active filters in a few words ("" when none)."""
        parts = [
            f"{name} {value}"
            for name, value in (("kind", self.kind), ("by", self.author), ("from", self.since), ("to", self.until), ("sentiment", self.sentiment))
            if value
        ]
        if self.account_id is not None:
            parts.insert(0, "one account")
        if self.text:
            parts.append(f"“{self.text}”")
        return ", ".join(str(p) for p in parts)


@dataclass(frozen=True)
class VisitRecordRow:
    """One logged touch, as the visit records pane lists it."""

    id: int
    account_id: int
    account_name: str
    kind: str
    occurred_at: dt.datetime
    author: str | None
    subject: str
    sentiment: int | None
    duration_min: int | None
    attendees: str | None
    intent_to_leave: bool
    confidential: bool
    #: Corrected since it was logged (`services.edits`).
    edited: bool = False


@dataclass(frozen=True)
class CommitmentRow:
    id: int
    title: str
    owner: str | None
    due_on: dt.date | None
    status: str


@dataclass(frozen=True)
class VisitRecord:
    """The whole record of one touch, with the commitments it created."""

    row: VisitRecordRow
    summary: str | None
    outcome: str | None
    tags: str | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    contact: str | None
    commitments: tuple[CommitmentRow, ...]
    fulfilled_plan: dt.date | None


def visit_plan(viewer: Viewer, *, account_id: int | None = None, owner: str | None = None, limit: int = 5000) -> list[PlannedVisitRow]:
    """Upcoming and missed planned visits, oldest date first (so the late ones lead).

    A missed plan drops off once a later visit made up for it, as the
    `visit_overdue` rule sees it: otherwise years-old misses bury today's.
    """
    today = clock.today()
    made_up = Activity.select(Activity.id).where(
        (Activity.account == PlannedVisit.account)
        & (Activity.kind == "visit")
        & (Activity.occurred_at >= PlannedVisit.scheduled_for)
    )
    query = (
        PlannedVisit.select(
            PlannedVisit.id, PlannedVisit.account, Account.name, User.login, PlannedVisit.scheduled_for, PlannedVisit.purpose, PlannedVisit.status,
            PlannedVisit.edited_at,
        )
        .join(Account, on=(PlannedVisit.account == Account.id))
        .switch(PlannedVisit)
        .join(User, JOIN.LEFT_OUTER, on=(PlannedVisit.owner == User.id))
        .where(
            PlannedVisit.status.in_(("planned", "missed"))
            & PlannedVisit.account.in_(visible_account_ids(viewer))
            & ~fn.EXISTS(made_up)
        )
        .order_by(PlannedVisit.scheduled_for, Account.name, PlannedVisit.id)
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(PlannedVisit.account == account_id)
    if owner:
        query = query.where(User.login == owner)
    return [
        PlannedVisitRow(
            id=r[0], account_id=r[1], account_name=r[2], owner=r[3], scheduled_for=r[4], purpose=r[5], status=r[6],
            days_late=max(0, (today - r[4]).days), edited=r[7] is not None,
        )
        for r in query.tuples()
    ]


def _records_query(viewer: Viewer, flt: VisitFilter):
    if flt.kind is not None and flt.kind not in ACTIVITY_KINDS:
        raise UsageError(f"kind {flt.kind!r} is not one of {', '.join(ACTIVITY_KINDS)}")
    query = (
        Activity.select(
            Activity.id, Activity.account, Account.name, Activity.kind, Activity.occurred_at, User.login, Activity.subject,
            Activity.sentiment, Activity.duration_min, Activity.attendees, Activity.intent_to_leave, Activity.confidential,
            Activity.edited_at,
        )
        .join(Account, on=(Activity.account == Account.id))
        .switch(Activity)
        .join(User, JOIN.LEFT_OUTER, on=(Activity.author == User.id))
    )
    query = scope_activities(query, viewer)
    if flt.account_id is not None:
        query = query.where(Activity.account == flt.account_id)
    if flt.kind:
        query = query.where(Activity.kind == flt.kind)
    if flt.author:
        query = query.where(User.login == flt.author)
    if flt.since:
        query = query.where(Activity.occurred_at >= dt.datetime.combine(flt.since, dt.time()))
    if flt.until:
        query = query.where(Activity.occurred_at < dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time()))
    if flt.sentiment:
        query = query.where(_sentiment_clause(flt.sentiment))
    if flt.text.strip():
        needle = flt.text.strip()
        query = query.where(Account.name.contains(needle) | Activity.subject.contains(needle))
    return query


def _sentiment_clause(name: str):
    if name == "positive":
        return Activity.sentiment > 0
    if name == "neutral":
        return Activity.sentiment == 0
    if name == "negative":
        return Activity.sentiment < 0
    if name == "unknown":
        return Activity.sentiment.is_null()
    raise UsageError(f"sentiment filter {name!r} is not one of {', '.join(SENTIMENT_FILTERS)}")


def _row(r) -> VisitRecordRow:
    return VisitRecordRow(
        id=r[0], account_id=r[1], account_name=r[2], kind=r[3], occurred_at=r[4], author=r[5], subject=r[6],
        sentiment=r[7], duration_min=r[8], attendees=r[9], intent_to_leave=bool(r[10]), confidential=bool(r[11]),
        edited=r[12] is not None,
    )


def visit_records(viewer: Viewer, flt: VisitFilter = VisitFilter(), *, offset: int = 0, limit: int = 200) -> list[VisitRecordRow]:
    """Logged touches, newest first, one page of them."""
    query = _records_query(viewer, flt).order_by(Activity.occurred_at.desc(), Activity.id.desc()).offset(offset).limit(limit)
    return [_row(r) for r in query.tuples()]


def count_visit_records(viewer: Viewer, flt: VisitFilter = VisitFilter()) -> int:
    return _records_query(viewer, flt).count()


def visit_record(viewer: Viewer, activity_id: int) -> VisitRecord:
    """The full record of one touch; `NotFound` when the viewer may not read it."""
    found = _records_query(viewer, VisitFilter()).where(Activity.id == activity_id).tuples().first()
    if found is None:
        raise NotFound(f"no visit record {activity_id}")
    extra = Activity.get_by_id(activity_id)
    items = (
        ActionItem.select(ActionItem.id, ActionItem.title, User.login, ActionItem.due_on, ActionItem.status)
        .join(User, JOIN.LEFT_OUTER, on=(ActionItem.owner == User.id))
        .where(ActionItem.source_activity == activity_id)
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    plan = PlannedVisit.select(PlannedVisit.scheduled_for).where(PlannedVisit.activity == activity_id).scalar()
    return VisitRecord(
        row=_row(found),
        summary=extra.summary,
        outcome=extra.outcome,
        tags=extra.tags,
        confirmed_by=extra.confirmed_by,
        confirmed_at=extra.confirmed_at,
        contact=extra.contact.name if extra.contact_id else None,
        commitments=tuple(CommitmentRow(*i) for i in items.tuples()),
        fulfilled_plan=plan,
    )
