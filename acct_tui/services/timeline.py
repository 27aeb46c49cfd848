"""One account's story as one chronological list, newest first, upcoming on top.

Merged from activities, cases (opened, closed), milestones, commitments
(made, due, done, late), planned visits, opportunities (opened, stage changes
from the audit trail, won, lost, closing), alerts (raised, acknowledged,
snoozed, resolved, escalated; snoozes come from the audit trail, the rest
from the alert row), health band changes, and the courtesy dates of the
next 7 days (`services.courtesy`: birthdays, the contract's anniversary;
upcoming only, each switched off by the config's `[courtesy]`). One narrow `tuples()` query per
source, no ORM objects: an account with 5,000 events builds in a few tens of
milliseconds (`scripts/bench_timeline.py`), and the screen windows the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import itemgetter
from typing import Callable, NamedTuple

from peewee import JOIN, DateTimeField, Select

from acct_tui import clock
from acct_tui.core.settings import loaded
from acct_tui.db import database
from acct_tui.errors import NotFound
from acct_tui.core.currency import money
from acct_tui.core.text import days_late, in_days, plural
from acct_tui.models import (
    ActionItem,
    Activity,
    Alert,
    AuditLog,
    CustomerCase,
    HealthSnapshot,
    Milestone,
    Opportunity,
    PlannedVisit,
    User,
)
from acct_tui.services.access import Viewer, account_visible, hidden_sources, scope_activities
from acct_tui.services.query import as_date, as_datetime, raw_rows

#: The kinds of event, in the order the filter cycles through them.
EVENT_KINDS = ("activity", "case", "milestone", "commitment", "visit_plan", "opportunity", "alert", "health", "courtesy")
SENTIMENT_WORDS = {-2: "hostile", -1: "sour", 0: "neutral", 1: "good", 2: "delighted"}
#: Said in the detail of a record someone corrected (`services.edits`).
EDITED = "edited"


class TimelineEvent(NamedTuple):
    """One line of the timeline; `source`/`source_id` point at the record to open.

    A named tuple, not a frozen dataclass: as immutable, and made seven times faster
    (a frozen dataclass sets each field through `object.__setattr__`; 14 ms for 10,000).
    """

    when: dt.datetime
    kind: str
    title: str
    detail: str
    source: str
    source_id: int
    #: Still to happen: shown above the "today" rule.
    upcoming: bool = False
    #: How to colour it: "", "late", "done", "red", "yellow", "green", "warn".
    state: str = ""


@dataclass(frozen=True)
class Timeline:
    account_id: int
    events: tuple[TimelineEvent, ...]
    #: How many events are upcoming (they come first in `events`).
    upcoming_count: int


def build_timeline(viewer: Viewer, account_id: int, kinds: tuple[str, ...] | None = None, *,
                   since: dt.datetime | None = None, before: dt.datetime | None = None,
                   stop: Callable[[], bool] | None = None) -> Timeline | None:
    """The account's merged events (only `kinds` when given); `NotFound` if not visible.

    `since`/`before` keep the events at or after / before a time. With `since` at or before
    today (as `head_start` gives) the events `since` are exactly the start of the whole list
    (everything upcoming and the newest past), and those `before` the same time the rest:
    a long story can be shown a screenful first and completed after. `stop()` is asked
    between sources; when it says so the build gives up and returns None.
    """
    if not account_visible(viewer, account_id):
        raise NotFound(f"no account with id {account_id}")
    today = clock.today()
    wanted = set(kinds or EVENT_KINDS)
    events: list[TimelineEvent] = []
    for kind, source in _SOURCES:
        if stop is not None and stop():
            return None
        if kind in wanted and not (kind == "courtesy" and before is not None):  # courtesy: upcoming only
            events.extend(source(viewer, account_id, today, since))
    if since is not None:
        events = [e for e in events if e.when >= since]
    if before is not None:
        events = [e for e in events if e.when < before]
    # Newest first, with everything still to come above the rule.
    events.sort(key=_ORDER, reverse=True)
    return Timeline(account_id, tuple(events), sum(1 for e in events if e.upcoming))


#: How many of an account's newest records of one kind the first part of its timeline holds at least (`head_start`).
HEAD_TOUCHES = 100


def head_start(account_id: int, today: dt.date | None = None) -> dt.datetime | None:
    """Where the first part of a long timeline starts: midnight of the day of the account's
    `HEAD_TOUCHES`-th newest activity, case opened or case closed, whichever is latest, at the
    latest today's; None when it has fewer of each (load it whole).

    Every upcoming event is dated today or later, so the part `since` this holds them all,
    and at least `HEAD_TOUCHES` past events: more than a screen. The kind with the most recent
    history sets it: an account with a busy support queue opens on its last days of cases, not
    on the weeks its hundredth visit or call goes back (1,155 events built for the first screen of
    the benchmark's account, against 386).
    """
    def nth_newest(column, account):
        return (column.model.select(column).where((account == account_id) & column.is_null(False))
                .order_by(column.desc()).limit(1).offset(HEAD_TOUCHES - 1))

    found = raw_rows(Select(columns=[
        nth_newest(Activity.occurred_at, Activity.account),
        nth_newest(CustomerCase.opened_at, CustomerCase.account),
        nth_newest(CustomerCase.closed_at, CustomerCase.account),
    ]).bind(database))[0]
    moments = [as_datetime(moment) for moment in found if moment is not None]
    if not moments:
        return None
    day = min(max(moments).date(), today or clock.today())
    return dt.datetime.combine(day, dt.time())


def _since(query, since: dt.datetime | None, *fields):
    """`query` narrowed to the rows with any of `fields` at or after `since` (every row without it)."""
    return query if since is None else query.where(_any_since(since, *fields))


def _any_since(since: dt.datetime, *fields):
    """Any of `fields` at or after `since` (a date field: on or after its day)."""
    clause = None
    for field in fields:
        one = field >= (since if isinstance(field, DateTimeField) else since.date())
        clause = one if clause is None else clause | one
    return clause


#: (upcoming, when, source_id): the order of the list, reversed.
_ORDER = itemgetter(6, 0, 5)


# Each source reads plain rows (`raw_rows`: no per-value conversion by peewee, a third of the
# time at thousands of rows) and converts only the times it shows. `since` narrows the rows of
# the sources that can be long; `build_timeline` keeps only the events in the window anyway.
def _activities(viewer: Viewer, account_id: int, today: dt.date, since=None):
    query = scope_activities(
        Activity.select(
            Activity.id, Activity.kind, Activity.occurred_at, Activity.subject, User.login, Activity.sentiment,
            Activity.duration_min, Activity.intent_to_leave, Activity.confidential, Activity.edited_at,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Activity.author == User.id))
        .where(Activity.account == account_id),
        viewer,
    )
    query = _since(query, since, Activity.occurred_at)
    for aid, kind, at, subject, author, sentiment, minutes, leaving, secret, edited in raw_rows(query):
        bits = [f"by {author or 'system'}"]
        if minutes:
            bits.append(f"{minutes} min")
        if sentiment is not None:
            bits.append(SENTIMENT_WORDS.get(sentiment, str(sentiment)))
        if leaving:
            bits.append("INTENT TO LEAVE")
        if secret:
            bits.append("confidential")
        if edited:
            bits.append(EDITED)
        state = "red" if leaving or (sentiment is not None and sentiment < 0) else ""
        yield TimelineEvent(as_datetime(at), "activity", f"{kind}: {subject}", " · ".join(bits), "activity", aid, False, state)


def _cases(_viewer, account_id: int, _today, since=None):
    query = CustomerCase.select(CustomerCase.id, CustomerCase.subject, CustomerCase.severity, CustomerCase.opened_at, CustomerCase.closed_at, CustomerCase.escalated).where(CustomerCase.account == account_id)
    query = _since(query, since, CustomerCase.opened_at, CustomerCase.closed_at)
    for cid, subject, severity, opened, closed, escalated in raw_rows(query):
        detail = f"{severity}" + (" · escalated" if escalated else "")
        state = "red" if severity in ("high", "critical") and closed is None else ""
        opened = as_datetime(opened)
        if since is None or opened >= since:  # a case closed since, opened before: only its closing is in the part
            yield TimelineEvent(opened, "case", f"case opened: {subject}", detail, "case", cid, False, state)
        if closed is not None:
            closed = as_datetime(closed)
            days = (closed - opened).days
            yield TimelineEvent(closed, "case", f"case closed: {subject}", f"after {plural(days, 'day')}", "case", cid, False, "done")


def _missed_or_coming(day: dt.date, today: dt.date, status: str) -> tuple[str, bool, str]:
    """A dated item that is not done: missed (its status says so, or its day passed) or still to come.
    (state "late" or "", upcoming, "N days late" / "in N days")."""
    if status == "missed" or day < today:
        return "late", False, days_late((today - day).days)
    return "", True, in_days((day - today).days)


def _milestones(_viewer, account_id: int, today: dt.date, since=None):
    query = Milestone.select(Milestone.id, Milestone.title, Milestone.kind, Milestone.due_on, Milestone.status, Milestone.completed_on,
                             Milestone.edited_at).where(Milestone.account == account_id)
    query = _since(query, since, Milestone.due_on, Milestone.completed_on)
    for mid, title, kind, due, status, completed, edited in raw_rows(query):
        due, completed = as_date(due), as_date(completed)
        if status == "done":
            when = completed or due
            yield TimelineEvent(as_datetime(when), "milestone", f"{kind} done: {title}", _edited(f"due {due:%Y-%m-%d}", edited),
                                "milestone", mid, False, "done")
        else:
            late, upcoming, days = _missed_or_coming(due, today, status)
            label = f"{kind} missed: {title}" if late else f"{kind}: {title}"
            yield TimelineEvent(as_datetime(due), "milestone", label, _edited(days, edited), "milestone", mid, upcoming, late)


def _commitments(viewer, account_id: int, today: dt.date, since=None):
    query = (
        ActionItem.select(ActionItem.id, ActionItem.title, User.login, ActionItem.due_on, ActionItem.status, ActionItem.done_on,
                          ActionItem.created_at, ActionItem.edited_at, ActionItem.source_activity)
        .join(User, JOIN.LEFT_OUTER, on=(ActionItem.owner == User.id))
        .where(ActionItem.account == account_id)
    )
    rows = raw_rows(_since(query, since, ActionItem.created_at, ActionItem.done_on, ActionItem.due_on))
    # A promise made in a confidential record this viewer may not read: whose record, not its words.
    hidden = hidden_sources(viewer, [row[-1] for row in rows])
    for iid, title, owner, due, status, done_on, created, edited, source in rows:
        due, done_on = as_date(due), as_date(done_on)
        if source in hidden:
            title = f"from a confidential record by {hidden[source]}"
        who = _edited(f"owner {owner or 'nobody'}", edited)
        due_text = f"due {due:%Y-%m-%d}" if due else "no due date"
        created = as_datetime(created)
        if since is None or created >= since:  # kept or due since, made before: not in the part
            yield TimelineEvent(created, "commitment", f"commitment made: {title}", f"{who} · {due_text}", "action_item", iid, False, "")
        if status == "done":
            when = done_on or due or created
            late = " · late" if (done_on and due and done_on > due) else ""
            yield TimelineEvent(as_datetime(when), "commitment", f"commitment kept: {title}", f"{who} · {due_text}{late}", "action_item", iid, False, "done")
        elif status == "open" and due is not None:
            if due < today:
                yield TimelineEvent(as_datetime(due), "commitment", f"commitment late: {title}", f"{who} · {days_late((today - due).days)}", "action_item", iid, False, "late")
            else:
                yield TimelineEvent(as_datetime(due), "commitment", f"commitment due: {title}", who, "action_item", iid, True, "")


def _planned_visits(_viewer, account_id: int, today: dt.date, since=None):
    query = (
        PlannedVisit.select(PlannedVisit.id, PlannedVisit.scheduled_for, PlannedVisit.purpose, PlannedVisit.status, User.login,
                            Activity.occurred_at, PlannedVisit.edited_at)
        .join(User, JOIN.LEFT_OUTER, on=(PlannedVisit.owner == User.id))
        .switch(PlannedVisit)
        .join(Activity, JOIN.LEFT_OUTER, on=(PlannedVisit.activity == Activity.id))
        .where(PlannedVisit.account == account_id)
    )
    query = _since(query, since, PlannedVisit.scheduled_for, Activity.occurred_at)
    for pid, day, purpose, status, owner, visited, edited in raw_rows(query):
        day = as_date(day)
        what = purpose or "visit"
        who = _edited(f"owner {owner or 'nobody'}", edited)
        if status == "done":
            # Shown when the visit happened (a plan can be fulfilled days early).
            when = as_datetime(visited) if visited else as_datetime(day)
            yield TimelineEvent(when, "visit_plan", f"planned visit done: {what}", f"{who} · planned {day:%Y-%m-%d}", "planned_visit", pid, False, "done")
        elif status == "cancelled":
            yield TimelineEvent(as_datetime(day), "visit_plan", f"planned visit cancelled: {what}", who, "planned_visit", pid, False, "")
        else:
            late, upcoming, days = _missed_or_coming(day, today, status)
            label = f"planned visit missed: {what}" if late else f"visit planned: {what}"
            yield TimelineEvent(as_datetime(day), "visit_plan", label, f"{who} · {days}", "planned_visit", pid, upcoming, late)


def _edited(detail: str, edited_at) -> str:
    """A record's detail, saying so when someone corrected it."""
    return f"{detail} · {EDITED}" if edited_at else detail


def _opportunities(_viewer, account_id: int, today: dt.date, since=None):
    query = (
        Opportunity.select(
            Opportunity.id, Opportunity.kind, Opportunity.name, Opportunity.amount, Opportunity.currency, Opportunity.stage,
            Opportunity.probability, Opportunity.close_date, Opportunity.status, Opportunity.created_on,
            Opportunity.closed_on, User.login,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Opportunity.owner == User.id))
        .where(Opportunity.account == account_id)
    )
    rows = list(query.tuples())  # a handful: peewee's Decimal amounts kept
    for oid, kind, name, amount, currency, stage, chance, close, status, created, closed, owner in rows:
        what = f"{kind.replace('_', '-')}: {name}"
        worth = f"{money(amount, currency)} · owner {owner or 'nobody'}"
        yield TimelineEvent(as_datetime(created), "opportunity", f"opportunity opened, {what}", f"{worth} · closes {close:%Y-%m-%d}", "opportunity", oid)
        if status != "open":
            verdict = "won" if status == "won" else "lost"
            yield TimelineEvent(as_datetime(closed or close), "opportunity", f"opportunity {verdict}, {what}", worth, "opportunity", oid,
                                False, "done" if status == "won" else "late")
        elif close >= today:
            yield TimelineEvent(as_datetime(close), "opportunity", f"opportunity closes, {what}", f"{worth} · {stage or 'no stage'} {chance}%",
                                "opportunity", oid, True, "")
        else:
            yield TimelineEvent(as_datetime(close), "opportunity", f"opportunity past its close date, {what}",
                                f"{worth} · {stage or 'no stage'} {chance}% · {days_late((today - close).days)}", "opportunity", oid, False, "late")
    if rows:
        names = {r[0]: r[2] for r in rows}
        changes = AuditLog.select(AuditLog.row_id, AuditLog.actor, AuditLog.changes, AuditLog.at).where(
            (AuditLog.table == "opportunity") & (AuditLog.action == "update") & AuditLog.row_id.in_(list(names))
        )
        for row_id, actor, moved, at in changes.tuples():
            stage = moved.get("stage") if isinstance(moved, dict) else None
            if isinstance(stage, list) and len(stage) == 2:
                yield TimelineEvent(as_datetime(at), "opportunity", f"opportunity stage {stage[0] or '-'} → {stage[1] or '-'}: {names[row_id]}",
                                    f"by {actor}", "opportunity", row_id)


def _alerts(_viewer, account_id: int, _today, since=None):
    query = Alert.select(
        Alert.id, Alert.rule, Alert.severity, Alert.reason, Alert.first_seen, Alert.acknowledged_at, User.login,
        Alert.resolved_at, Alert.resolved_by, Alert.resolution_note, Alert.escalated_at, Alert.escalated_to,
    ).join(User, JOIN.LEFT_OUTER, on=(Alert.acknowledged_by == User.id)).where(Alert.account == account_id)
    if since is not None:
        # Only the alerts with an event in the window: these four times are all of a row's events
        # (its snoozes, below, come from the audit trail whatever the row says).
        query = query.where(_any_since(since, Alert.first_seen, Alert.acknowledged_at, Alert.escalated_at, Alert.resolved_at))
    rows = raw_rows(query)
    logins = dict(User.select(User.id, User.login).where(User.id.in_([r[11] for r in rows if r[11]])).tuples()) if rows else {}
    for aid, rule, severity, reason, first, acked, acked_by, resolved, resolved_by, note, escalated, escalated_to in rows:
        yield TimelineEvent(as_datetime(first), "alert", f"alert raised: {rule}", reason, "alert", aid, False, severity)
        if acked:
            yield TimelineEvent(as_datetime(acked), "alert", f"alert acknowledged: {rule}", f"by {acked_by or '?'}", "alert", aid)
        if escalated:
            yield TimelineEvent(as_datetime(escalated), "alert", f"alert escalated: {rule}", f"to {logins.get(escalated_to, '?')}", "alert", aid, False, "warn")
        if resolved:
            text = f"by {resolved_by or '?'}" + (f" · {note}" if note else "")
            yield TimelineEvent(as_datetime(resolved), "alert", f"alert resolved: {rule}", text, "alert", aid, False, "done")
    snoozes = (
        AuditLog.select(AuditLog.row_id, AuditLog.actor, AuditLog.changes, AuditLog.at, Alert.rule)
        .join(Alert, on=(AuditLog.row_id == Alert.id))
        .where((AuditLog.table == "alert") & AuditLog.action.contains("snooze") & (Alert.account == account_id))
        .order_by(AuditLog.id)  # two at the same moment: in the order they were written
    )
    for row_id, actor, changes, at, rule in _since(snoozes, since, AuditLog.at).tuples():
        changes = changes if isinstance(changes, dict) else {}
        until = changes.get("snoozed_until") or changes.get("until") or "?"
        why = changes.get("snooze_reason") or changes.get("reason") or ""
        text = f"by {actor} until {str(until)[:10]}" + (f" · {why}" if why else "")
        yield TimelineEvent(as_datetime(at), "alert", f"alert snoozed: {rule}", text, "alert", row_id)


def _health(_viewer, account_id: int, _today, since=None):
    query = HealthSnapshot.select(HealthSnapshot.id, HealthSnapshot.taken_on, HealthSnapshot.score, HealthSnapshot.band).where(
        HealthSnapshot.account == account_id
    ).order_by(HealthSnapshot.taken_on)
    previous: str | None = None
    if since is not None:  # a change is from the band before: the last one before `since`
        before = HealthSnapshot.select(HealthSnapshot.band).where(
            (HealthSnapshot.account == account_id) & (HealthSnapshot.taken_on < since.date())
        ).order_by(HealthSnapshot.taken_on.desc()).limit(1)
        previous = next(iter(raw_rows(before)), (None,))[0]
        query = query.where(HealthSnapshot.taken_on >= since.date())
    for sid, day, score, band in raw_rows(query):
        if band != previous:
            title = f"health {band}" if previous is None else f"health {previous} → {band}"
            yield TimelineEvent(as_datetime(day), "health", title, f"score {score}", "health_snapshot", sid, False, band)
            previous = band


def _courtesy(viewer: Viewer, account_id: int, today: dt.date, since=None):
    from acct_tui.services import courtesy

    switched = loaded().courtesy
    if switched.birthdays:
        for cid, _aid, name, role, day in courtesy.upcoming_birthdays(viewer, today, account_id):
            yield TimelineEvent(as_datetime(day), "courtesy", f"birthday: {name}", f"{role.replace('_', ' ')} · {_in(day, today)}",
                                "contact", cid, True, "green")
    if switched.anniversaries:
        for aid, _name, years, day in courtesy.upcoming_anniversaries(viewer, today, account_id):
            what = "1 year" if years == 1 else f"{years} years"
            yield TimelineEvent(as_datetime(day), "courtesy", f"contract anniversary: {what}", _in(day, today), "account", aid, True,
                                "green")


def _in(day: dt.date, today: dt.date) -> str:
    return in_days((day - today).days)


_SOURCES = (
    ("activity", _activities),
    ("case", _cases),
    ("milestone", _milestones),
    ("commitment", _commitments),
    ("visit_plan", _planned_visits),
    ("opportunity", _opportunities),
    ("alert", _alerts),
    ("health", _health),
    ("courtesy", _courtesy),
)
