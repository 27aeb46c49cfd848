"""The short forms (plan a visit, add a commitment or milestone, record a contact
leaving, filter the visit records, snooze, resolve or escalate alerts): what
they ask, and reading what was typed.

The UI shows an `EntryForm`'s fields and hands back the typed strings; the
form's `save` (run in a worker) reads them here and either writes through the
services or raises `DraftInvalid` naming each bad field. Nothing is parsed in
a screen. The visit record form, larger, is `services/visit_form.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable

from acct_tui import clock
from acct_tui.core.settings import loaded
from acct_tui.core.dates import parse_human_date
from acct_tui.core.text import clean_text
from acct_tui.enums import ACTIVITY_KINDS, MILESTONE_KINDS
from acct_tui.services import account_lookup, alerts, users, visits
from acct_tui.services.access import Viewer
from acct_tui.services.visit_log import SENTIMENT_FILTERS, VisitFilter
from acct_tui.services.visits import DraftInvalid


@dataclass(frozen=True)
class EntryField:
    """One field: `kind` is text, past_date, future_date or select (`options` as (label, value))."""

    key: str
    label: str
    kind: str = "text"
    value: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EntryForm:
    """A short form: its title, fields, what `save(values)` does, what to say once saved, and a
    line of help under the fields. `save` returns what the form made or read (never None: the
    form dismisses with it, and None means cancelled) or raises `DraftInvalid` naming the fields."""

    title: str
    fields: tuple[EntryField, ...]
    save: Callable[[dict[str, str]], object]
    done: str = "Saved."
    hint: str = ""

    def submit(self, values: dict[str, str]) -> object:
        """`save` what was typed or pasted, without control characters (every field is one line)."""
        return self.save({key: clean_text(text) for key, text in values.items()})


def read_date(values: dict[str, str], key: str, direction: str, *, required: bool = True) -> dt.date | None:
    """A human date field (`fri`, `in 2w`, `20/11`): the date, None when blank and optional,
    else `DraftInvalid` for that field. A bare weekday is the coming one ("future") or the latest ("past")."""
    text = values.get(key, "").strip()
    if not text:
        if required:
            raise DraftInvalid({key: "a date is required"})
        return None
    try:
        return parse_human_date(text, clock.today(), direction)
    except ValueError as exc:
        raise DraftInvalid({key: str(exc)}) from None


def understand_date(text: str, direction: str) -> str:
    """What a date field's text means, for the hint beside it ("" when blank, "?" when nothing)."""
    if not text.strip():
        return ""
    try:
        return f"{parse_human_date(text, clock.today(), direction):%a %Y-%m-%d}"
    except ValueError:
        return "?"


def _owner(values: dict[str, str]) -> str | None:
    return values.get("owner", "").strip() or None


def default_owner_login(viewer: Viewer, account_owner: str | None) -> str:
    """The owner a new commitment or planned visit gets unless another is named (`visits._default_owner`):
    whoever records it; the operator's go to the account's owner. Shown in the form's Owner field."""
    return viewer.login if viewer.user_id else (account_owner or "")


def plan_visit_form(viewer: Viewer, account_id: int, account_name: str, owner: str | None) -> EntryForm:
    def save(values: dict[str, str]) -> int:
        day = read_date(values, "date", "future")
        return visits.plan_visit(viewer, account_id, day, values["purpose"], _owner(values))

    fields = (
        EntryField("date", "Date", "future_date", placeholder="fri, in 2w, 20/12"),
        EntryField("purpose", "Purpose", placeholder="QBR, renewal talk..."),
        EntryField("owner", "Owner", value=default_owner_login(viewer, owner), placeholder="login"),
    )
    return EntryForm(f"Plan a visit to {account_name}", fields, save, f"Visit planned for {account_name}.")


def commitment_form(viewer: Viewer, account_id: int, account_name: str, owner: str | None) -> EntryForm:
    def save(values: dict[str, str]) -> int:
        due = read_date(values, "due_on", "future", required=False)
        return visits.add_commitment(viewer, account_id, values["title"], due, _owner(values))

    fields = (
        EntryField("title", "Commitment", placeholder="send the proposal"),
        EntryField("due_on", "Due", "future_date", placeholder="fri, in 2w (optional)"),
        EntryField("owner", "Owner", value=default_owner_login(viewer, owner), placeholder="login"),
    )
    return EntryForm(f"Commitment to {account_name}", fields, save, "Commitment added.")


def milestone_form(viewer: Viewer, account_id: int, account_name: str, owner: str | None) -> EntryForm:
    def save(values: dict[str, str]) -> int:
        due = read_date(values, "due_on", "future", required=False)
        return visits.add_milestone(viewer, account_id, values["title"], due, values["kind"])

    fields = (
        EntryField("title", "Milestone", placeholder="go-live"),
        EntryField("kind", "Kind", "select", options=tuple((k, k) for k in MILESTONE_KINDS)),
        EntryField("due_on", "Due", "future_date", placeholder="20/12, in 6w"),
    )
    return EntryForm(f"Milestone for {account_name}", fields, save, "Milestone added.")


def contact_left_form(viewer: Viewer, contact_id: int, name: str) -> EntryForm:
    def save(values: dict[str, str]) -> int:
        visits.record_contact_left(viewer, contact_id, read_date(values, "left_on", "past"))
        return contact_id

    fields = (EntryField("left_on", "Left on", "past_date", value="today"),)
    return EntryForm(f"{name} left", fields, save, f"Recorded: {name} left.")


def record_filter_fields(current: VisitFilter, account_name: str = "") -> tuple[EntryField, ...]:
    """The visit records' filter form, filled in with the filter in force."""
    return (
        EntryField("account", "Account", value=account_name, placeholder="any (a name or part of it)"),
        EntryField("kind", "Kind", "select", value=current.kind or "any", options=(("any", "any"), *((k, k) for k in ACTIVITY_KINDS))),
        EntryField("author", "Logged by", value=current.author or "", placeholder="any (a login)"),
        EntryField("since", "From", "past_date", value=current.since.isoformat() if current.since else "", placeholder="e.g. 30d ago"),
        EntryField("until", "To", "past_date", value=current.until.isoformat() if current.until else "", placeholder="e.g. today"),
        EntryField("sentiment", "Sentiment", "select", value=current.sentiment or "any",
                   options=(("any", "any"), *((s, s) for s in SENTIMENT_FILTERS))),
    )


def read_record_filter(viewer: Viewer, values: dict[str, str]) -> VisitFilter:
    """The records filter a filter form describes; `DraftInvalid` naming each bad field."""
    problems: dict[str, str] = {}
    account_id = None
    if values["account"].strip():
        found = account_lookup.resolve_account(viewer, values["account"])
        if isinstance(found, account_lookup.AccountHit):
            account_id = found.id
        else:
            problems["account"] = "several accounts match; write more of the name" if found else "no account you may see matches"
    dates: dict[str, dt.date | None] = {}
    for key in ("since", "until"):
        try:
            dates[key] = read_date(values, key, "past", required=False)
        except DraftInvalid as exc:
            problems.update(exc.problems)
            dates[key] = None
    if dates["since"] and dates["until"] and dates["since"] > dates["until"]:
        problems["until"] = "the end is before the start"
    author = None
    if values["author"].strip():
        found = users.find_login(values["author"], active_only=False)
        if found is None:
            problems["author"] = users.unknown_login(values["author"], active_only=False)
        else:
            author = found.login
    if problems:
        raise DraftInvalid(problems)
    return VisitFilter(
        account_id=account_id,
        kind=None if values["kind"] == "any" else values["kind"],
        author=author,
        since=dates["since"],
        until=dates["until"],
        sentiment=None if values["sentiment"] == "any" else values["sentiment"],
    )


def record_filter_form(viewer: Viewer, current: VisitFilter, account_name: str = "") -> EntryForm:
    """Narrow the visit records; the form's result is the `VisitFilter` typed."""
    return EntryForm("Filter visit records", record_filter_fields(current, account_name),
                     lambda values: read_record_filter(viewer, values))


@dataclass(frozen=True)
class SnoozeRequest:
    """Until when an alert can wait, and why."""

    until: dt.date
    reason: str


def snooze_form(count: int = 1) -> EntryForm:
    """Ask until when and why; both required, the date in the future. Its result is a `SnoozeRequest`."""
    what = "this alert" if count == 1 else f"{count} alerts"
    fields = (
        EntryField("until", "Until", "future_date", placeholder="2026-12-01, in 2w, fri"),
        EntryField("reason", "Reason", placeholder="why it can wait"),
    )
    return EntryForm(f"Snooze {what}", fields, read_snooze, "Snoozed.")


def read_snooze(values: dict[str, str]) -> SnoozeRequest:
    """A snooze form's request; `DraftInvalid` naming each bad field."""
    problems: dict[str, str] = {}
    until = None
    try:
        until = read_snooze_until(values.get("until", ""))
    except ValueError as exc:
        problems["until"] = str(exc)
    reason = values.get("reason", "").strip()
    if not reason:
        problems["reason"] = "a reason is required"
    if problems:
        raise DraftInvalid(problems)
    return SnoozeRequest(until, reason)


#: What resolving does, said where people resolve (`services.alerts.resolve` and the scan keep the promise).
RESOLVE_HINT = ("It stays resolved while the condition holds at the same or a lower severity; "
                "it reopens, with a note, if it gets worse, or clears and later comes back.")


def resolve_form(count: int = 1) -> EntryForm:
    """A resolution note (required). Its result is the note."""
    title = "Resolve this alert" if count == 1 else f"Resolve {count} alerts"
    return EntryForm(title, (EntryField("note", "Note", placeholder="what was done about it"),), read_note, "Resolved.",
                     hint=RESOLVE_HINT)


def read_note(values: dict[str, str]) -> str:
    """A resolution note; `DraftInvalid` when it is blank."""
    note = values.get("note", "").strip()
    if not note:
        raise DraftInvalid({"note": "a note is required"})
    return note


def escalate_form(count: int = 1) -> EntryForm:
    """Whom to escalate to (a login; blank: the account owner's manager). Its result is the login or ""."""
    title = "Escalate this alert" if count == 1 else f"Escalate {count} alerts"
    fields = (EntryField("to", "To (login)", placeholder="a login"),)
    return EntryForm(title, fields, read_escalate_to, "Escalated.", hint="Empty: the account owner's manager.")


def read_escalate_to(values: dict[str, str]) -> str:
    """The login an escalation goes to, "" for the account owner's manager."""
    return values.get("to", "").strip()


def resolve_alerts_form(viewer: Viewer, alert_ids: list[int]) -> EntryForm:
    """`resolve_form` for these alerts: what the service would refuse (a departure intent with no
    visit since) is found before the form closes and shown on it; the note and the marks stay."""
    form = resolve_form(len(alert_ids))

    def save(values: dict[str, str]) -> str:
        note = form.save(values)
        problem = alerts.resolve_problem(viewer, alert_ids)
        if problem:
            raise DraftInvalid({"note": problem})
        return note

    return replace(form, save=save)


@dataclass(frozen=True)
class EscalateRequest:
    """To whom ("" for each account owner's manager) and, optionally, why."""

    to: str
    note: str = ""


def escalate_alerts_form(viewer: Viewer, alert_ids: list[int]) -> EntryForm:
    """`escalate_form` for these alerts, with an optional note: a login that names nobody is marked
    on its field, with the closest one, before the form closes. Its result is an `EscalateRequest`."""
    form = escalate_form(len(alert_ids))

    def save(values: dict[str, str]) -> EscalateRequest:
        request = EscalateRequest(form.save(values), values.get("note", "").strip())
        problem = alerts.escalate_problem(viewer, alert_ids, request.to or None)
        if problem:
            raise DraftInvalid({"to": problem})
        return request

    note = EntryField("note", "Note", placeholder="optional: what you need from them")
    return replace(form, fields=(*form.fields, note), save=save, hint="Empty To: the account owner's manager.")


def read_snooze_until(text: str) -> dt.date:
    """A snooze's end: a human date strictly after today (a bare "fri" is the coming Friday); ValueError otherwise."""
    try:
        until = read_date({"until": text}, "until", "future")
    except DraftInvalid as exc:
        raise ValueError(exc.problems["until"]) from None
    if until <= clock.today():
        raise ValueError(f"{until.isoformat()} is not in the future")
    limit = loaded().thresholds.snooze_max_days
    if (until - clock.today()).days > limit:
        latest = clock.today() + dt.timedelta(days=limit)
        raise ValueError(f"a snooze lasts at most {limit} days (until {latest.isoformat()} at the latest)")
    return until
