"""Logging touches and keeping promises: visit records, plans, commitments, milestones.

Every command here checks access through `services.access` (an account the
viewer may not see is simply `NotFound`), validates everything before it
writes (a `DraftInvalid` names every bad field), writes in one transaction
and leaves an audit entry. Listings for the visit log are in
`services.visit_log`; account look-up by typed text is `services.account_lookup`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acct_tui import clock
from acct_tui.db import database
from acct_tui.enums import ACTIVITY_KINDS, MILESTONE_KINDS, SENTIMENT_RANGE
from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, ActionItem, Activity, Contact, Milestone, PlannedVisit, User
from acct_tui.services import audit, users
from acct_tui.core.text import clean_text
from acct_tui.services.access import Viewer, account_visible, from_user, who_may_see

#: A visit within this many days of a planned visit fulfils that plan.
FULFIL_WINDOW_DAYS = 14
MAX_DURATION_MIN = 24 * 60
#: Limits of the text columns, so a long paste is refused with a reason, not truncated.
LIMITS = {"subject": 300, "attendees": 2000, "tags": 300, "confirmed_by": 160, "title": 300}

NextStepDraft = tuple[str, "str | None", "dt.date | None"]  # (title, owner_login, due_on)


@dataclass(frozen=True)
class ActivityDraft:
    """A touch as typed in the form or the quick capture, before it is saved."""

    account_id: int | None
    kind: str = "visit"
    occurred_at: dt.datetime | None = None
    duration_min: int | None = None
    #: The purpose of a visit; the subject line of any other touch.
    subject: str = ""
    summary: str = ""
    outcome: str = ""
    sentiment: int | None = None
    attendees: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: Commitments agreed: (title, owner login or None for me, due date or None).
    next_steps: tuple[NextStepDraft, ...] = ()
    confirmed_by: str | None = None
    intent_to_leave: bool = False
    confidential: bool = False
    contact_id: int | None = None


class DraftInvalid(UsageError):
    """A draft with bad fields; `problems` maps each field to its reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field_label(field)}: {reason}" for field, reason in problems.items()))


_LABELS = {"account_id": "account", "occurred_at": "date", "duration_min": "duration", "subject": "purpose", "contact_id": "contact", "confirmed_by": "confirmed by"}


def field_label(field: str) -> str:
    """How a draft field is named to a person: `occurred_at` is the date, `next_steps.0` the next step 1."""
    if field.startswith("next_steps."):
        return f"next step {int(field.split('.')[1]) + 1}"
    return _LABELS.get(field, field.replace("_", " "))


def _visible_account(viewer: Viewer, account_id: int | None) -> Account:
    if account_id is None or not account_visible(viewer, account_id):
        raise NotFound(f"no account with id {account_id} that {viewer.login} may see")
    return Account.get_by_id(account_id)


def _user_by_login(login: str) -> User | None:
    """The active user a typed login names, whatever its case (`@Lena.Lead` is lena.lead)."""
    return users.find_login(login)


# ---------------------------------------------------------------- validation


def validate(viewer: Viewer, draft: ActivityDraft) -> dict[str, str]:
    """Every bad field of `draft` with its reason; empty when it may be saved."""
    problems: dict[str, str] = {}
    today = clock.today()
    if draft.account_id is None:
        problems["account_id"] = "choose an account"
    elif not account_visible(viewer, draft.account_id):
        problems["account_id"] = "no such account among the ones you may see"
    if draft.kind not in ACTIVITY_KINDS:
        problems["kind"] = f"{draft.kind!r} is not one of {', '.join(ACTIVITY_KINDS)}"
    if draft.occurred_at is None:
        problems["occurred_at"] = "give the date it happened"
    elif draft.occurred_at.date() > today:
        problems["occurred_at"] = f"{draft.occurred_at:%Y-%m-%d} is in the future; plan a visit instead"
    if draft.duration_min is not None and not (isinstance(draft.duration_min, int) and 1 <= draft.duration_min <= MAX_DURATION_MIN):
        problems["duration_min"] = "a duration is 1 minute to 24 hours"
    low, high = SENTIMENT_RANGE
    if draft.sentiment is not None and (isinstance(draft.sentiment, bool) or draft.sentiment not in range(low, high + 1)):
        problems["sentiment"] = f"sentiment is a whole number from {low} to {high}"
    for field, value in (
        ("subject", draft.subject),
        ("attendees", ", ".join(draft.attendees)),
        ("tags", " ".join(draft.tags)),
        ("confirmed_by", draft.confirmed_by or ""),
    ):
        if len(value) > LIMITS[field]:
            problems[field] = f"too long: {len(value)} characters, at most {LIMITS[field]}"
    if any(not name.strip() for name in draft.attendees):
        problems["attendees"] = "an attendee's name is empty"
    if draft.contact_id is not None and "account_id" not in problems:
        if not Contact.select().where((Contact.id == draft.contact_id) & (Contact.account == draft.account_id)).exists():
            problems["contact_id"] = "that contact is not one of this account's"
    for index, step in enumerate(draft.next_steps):
        reason = _step_problem(step, today, None if "account_id" in problems else draft.account_id)
        if reason:
            problems[f"next_steps.{index}"] = reason
    return problems


def _step_problem(step: NextStepDraft, today: dt.date, account_id: int | None) -> str | None:
    title, owner_login, due_on = step
    if not title or not title.strip():
        return "a next step needs a title"
    if len(title) > LIMITS["title"]:
        return f"title too long: {len(title)} characters, at most {LIMITS['title']}"
    if owner_login:
        reason = _commitment_owner_problem(owner_login, account_id)
        if reason:
            return reason
    if due_on is not None and due_on < today:
        return f"due {due_on:%Y-%m-%d} is already past"
    return None


# ---------------------------------------------------------------- commands


def log_activity(viewer: Viewer, draft: ActivityDraft) -> int:
    """Save a touch with its commitments; fulfil the matching planned visit. Returns its id.

    Validates the whole draft first (`DraftInvalid`, a `UsageError`, lists
    every bad field), then writes everything in one transaction.
    """
    with database.atomic():
        problems = validate(viewer, draft)
        if problems:
            raise DraftInvalid(problems)
        stamp = clock.now()
        subject = draft.subject.strip() or default_subject(draft)
        activity = Activity.create(
            account=draft.account_id,
            contact=draft.contact_id,
            author=viewer.user_id,
            kind=draft.kind,
            occurred_at=draft.occurred_at,
            duration_min=draft.duration_min,
            subject=subject,
            summary=draft.summary.strip() or None,
            outcome=draft.outcome.strip() or None,
            sentiment=draft.sentiment,
            attendees=", ".join(a.strip() for a in draft.attendees) or None,
            tags=" ".join(draft.tags) or None,
            confirmed_by=(draft.confirmed_by or "").strip() or None,
            confirmed_at=stamp if (draft.confirmed_by or "").strip() else None,
            intent_to_leave=draft.intent_to_leave,
            confidential=draft.confidential,
        )
        item_ids = []
        for title, owner_login, due_on in draft.next_steps:
            owner = _user_by_login(owner_login).id if owner_login else _default_owner(viewer, draft.account_id)
            item = ActionItem.create(
                account=draft.account_id, source_activity=activity.id, title=title.strip(), owner=owner, due_on=due_on
            )
            item_ids.append(item.id)
        fulfilled = _fulfil_planned_visit(draft, activity.id) if draft.kind == "visit" else None
        audit.record(
            viewer.actor,
            "log",
            "activity",
            activity.id,
            {"account_id": draft.account_id, "kind": draft.kind, "commitments": item_ids, "fulfilled_plan": fulfilled},
        )
    return activity.id


def default_subject(draft: ActivityDraft) -> str:
    text = " ".join(draft.summary.split())
    if text:
        return text if len(text) <= 80 else text[:79] + "…"
    return draft.kind.capitalize()


def _default_owner(viewer: Viewer, account_id: int) -> int | None:
    """Who owns a new commitment or planned visit when nobody is named: the one rule (README).

    Whoever records it (they made the promise, they plan to go); the
    operator is nobody, so theirs go to the account's owner.
    """
    if viewer.user_id is not None:
        return viewer.user_id
    return Account.select(Account.owner).where(Account.id == account_id).scalar()


def _fulfil_planned_visit(draft: ActivityDraft, activity_id: int) -> int | None:
    day = draft.occurred_at.date()
    window = dt.timedelta(days=FULFIL_WINDOW_DAYS)
    plans = list(
        PlannedVisit.select(PlannedVisit.id, PlannedVisit.scheduled_for).where(
            (PlannedVisit.account == draft.account_id)
            & PlannedVisit.status.in_(("planned", "missed"))
            & PlannedVisit.scheduled_for.between(day - window, day + window)
        )
    )
    if not plans:
        return None
    best = min(plans, key=lambda p: (abs((p.scheduled_for - day).days), p.scheduled_for))
    PlannedVisit.update(status="done", activity=activity_id).where(PlannedVisit.id == best.id).execute()
    return best.id


def plan_visit(viewer: Viewer, account_id: int, scheduled_for: dt.date, purpose: str = "", owner_login: str | None = None) -> int:
    """Put a visit on the plan; returns its id. The date may not be in the past."""
    purpose = clean_text(purpose)
    with database.atomic():
        account = _visible_account(viewer, account_id)
        problems = plan_problems(scheduled_for, purpose)
        owner = _owner_or_problem(owner_login, problems)
        if problems:
            raise DraftInvalid(problems)
        visit = PlannedVisit.create(
            account=account.id, owner=owner or _default_owner(viewer, account.id), scheduled_for=scheduled_for, purpose=purpose.strip()
        )
        audit.record(viewer.actor, "plan", "planned_visit", visit.id, {"account_id": account.id, "scheduled_for": scheduled_for})
    return visit.id


def plan_problems(scheduled_for: dt.date, purpose: str, was: dt.date | None = None) -> dict[str, str]:
    """What is wrong with a planned visit's date and purpose (a past date is kept only when it is `was`, unchanged)."""
    problems = _too_long("purpose", purpose, "subject")
    if scheduled_for < clock.today() and scheduled_for != was:
        problems["scheduled_for"] = f"{scheduled_for:%Y-%m-%d} is in the past; log the visit instead"
    return problems


def _too_long(key: str, text: str, limit: str) -> dict[str, str]:
    return {key: f"too long: {len(text)} characters, at most {LIMITS[limit]}"} if len(text) > LIMITS[limit] else {}


def _commitment_owner_problem(owner_login: str, account_id: int | None) -> str | None:
    """A commitment is owed by someone who may see its account: the owner, their leads, or whoever records it."""
    user = _user_by_login(owner_login)
    if user is None:
        return users.unknown_login(owner_login)
    if account_id is not None and not account_visible(from_user(user), account_id):
        line = who_may_see(account_id)
        named = f"{', '.join(line)} or you" if line else "you"
        return f"{user.login} may not see this account: it may be owned by {named}"
    return None


def _owner_or_problem(owner_login: str | None, problems: dict[str, str]) -> int | None:
    if not owner_login:
        return None
    user = _user_by_login(owner_login)
    if user is None:
        problems["owner"] = users.unknown_login(owner_login)
        return None
    return user.id


def add_commitment(viewer: Viewer, account_id: int, title: str, due_on: dt.date | None, owner_login: str | None = None) -> int:
    """A promise to the customer (not tied to a visit); returns its id."""
    title = clean_text(title)
    with database.atomic():
        _visible_account(viewer, account_id)
        problems, owner = commitment_problems(account_id, title, due_on, owner_login)
        if problems:
            raise DraftInvalid(problems)
        item = ActionItem.create(account=account_id, title=title.strip(), owner=owner or _default_owner(viewer, account_id), due_on=due_on)
        audit.record(viewer.actor, "create", "action_item", item.id, {"account_id": account_id, "title": item.title, "due_on": due_on})
    return item.id


def commitment_problems(account_id: int, title: str, due_on: dt.date | None, owner_login: str | None,
                        was: dt.date | None = None) -> tuple[dict[str, str], int | None]:
    """What is wrong with a commitment's fields, and the id of the owner named (a past due date is
    kept only when it is `was`, unchanged)."""
    problems = {}
    reason = _step_problem((title, None, None if due_on == was else due_on), clock.today(), account_id)
    if reason:
        problems["title" if "title" in reason else "due_on"] = reason
    if owner_login:
        reason = _commitment_owner_problem(owner_login, account_id)
        if reason:
            problems["owner"] = reason
    owner = None if "owner" in problems else _owner_or_problem(owner_login, problems)
    return problems, owner


def add_milestone(viewer: Viewer, account_id: int, title: str, due_on: dt.date, kind: str = "deliverable") -> int:
    """A milestone on the account's timeline; returns its id."""
    title = clean_text(title)
    with database.atomic():
        _visible_account(viewer, account_id)
        problems = milestone_problems(title, kind, due_on)
        if problems:
            raise DraftInvalid(problems)
        milestone = Milestone.create(account=account_id, title=title.strip(), kind=kind, due_on=due_on)
        audit.record(viewer.actor, "create", "milestone", milestone.id, {"account_id": account_id, "title": milestone.title, "due_on": due_on})
    return milestone.id


def milestone_problems(title: str, kind: str, due_on: dt.date | None) -> dict[str, str]:
    """What is wrong with a milestone's title, kind and due date."""
    problems = {"title": "a milestone needs a title"} if not title.strip() else _too_long("title", title, "title")
    if kind not in MILESTONE_KINDS:
        problems["kind"] = f"{kind!r} is not one of {', '.join(MILESTONE_KINDS)}"
    if due_on is None:
        problems["due_on"] = "give the date it is due"
    return problems


def complete_commitment(viewer: Viewer, item_id: int) -> None:
    """Mark a commitment done today (an already closed one is a `UsageError`)."""
    with database.atomic():
        item = ActionItem.get_or_none(ActionItem.id == item_id)
        if item is None or not account_visible(viewer, item.account_id):
            raise NotFound(f"no commitment {item_id}")
        if item.status != "open":
            raise UsageError(f"commitment {item_id} is already {item.status}")
        ActionItem.update(status="done", done_on=clock.today()).where(ActionItem.id == item_id).execute()
        audit.record(viewer.actor, "complete", "action_item", item_id, {"status": ["open", "done"]})


def complete_milestone(viewer: Viewer, milestone_id: int) -> None:
    """Mark a milestone done today."""
    with database.atomic():
        milestone = Milestone.get_or_none(Milestone.id == milestone_id)
        if milestone is None or not account_visible(viewer, milestone.account_id):
            raise NotFound(f"no milestone {milestone_id}")
        if milestone.status == "done":
            raise UsageError(f"milestone {milestone_id} is already done")
        Milestone.update(status="done", completed_on=clock.today()).where(Milestone.id == milestone_id).execute()
        audit.record(viewer.actor, "complete", "milestone", milestone_id, {"status": [milestone.status, "done"]})


def current_contacts(viewer: Viewer, account_id: int) -> list[tuple[int, str, str]]:
    """(id, name, role) of the account's contacts who have not left, by role and name."""
    _visible_account(viewer, account_id)
    query = (
        Contact.select(Contact.id, Contact.name, Contact.role)
        .where((Contact.account == account_id) & Contact.left_on.is_null())
        .order_by(Contact.role, Contact.name)
    )
    return list(query.tuples())


def record_contact_left(viewer: Viewer, contact_id: int, left_on: dt.date | None = None) -> None:
    """Record that a customer contact left (a champion leaving is a risk signal)."""
    left_on = left_on or clock.today()
    with database.atomic():
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None or not account_visible(viewer, contact.account_id):
            raise NotFound(f"no contact {contact_id}")
        if left_on > clock.today():
            raise DraftInvalid({"left_on": f"{left_on:%Y-%m-%d} is in the future"})
        if contact.left_on is not None:
            raise UsageError(f"{contact.name} already left on {contact.left_on:%Y-%m-%d}")
        Contact.update(left_on=left_on).where(Contact.id == contact_id).execute()
        audit.record(viewer.actor, "left", "contact", contact_id, {"name": contact.name, "role": contact.role, "left_on": left_on})


def draft_from_capture(capture, account_id: int) -> ActivityDraft:
    """The draft a parsed quick capture (`core.capture.Capture`) stands for.

    Captured today, it happened now; on an earlier day, at noon of that day.
    Commitments without an `@owner` are the viewer's own.
    """
    moment = clock.now()
    occurred = moment if capture.occurred_on == moment.date() else dt.datetime.combine(capture.occurred_on, dt.time(12, 0))
    return ActivityDraft(
        account_id=account_id,
        kind=capture.kind,
        occurred_at=occurred,
        duration_min=capture.duration_min,
        summary=capture.summary,
        sentiment=capture.sentiment,
        attendees=capture.attendees,
        tags=capture.tags,
        next_steps=tuple((step.title, step.owner, step.due_on) for step in capture.next_steps),
        intent_to_leave=capture.intent_to_leave,
        confidential=capture.confidential,
    )
