"""Reading the visit record form: typed text in, a checked `ActivityDraft` (or reasons) out.

The form holds only strings and booleans; everything is read here so the
screen stays thin and the rules are tested on both backends. Problems are
keyed by the draft's field names (`account_id`, `occurred_at`,
`duration_min`, `next_steps`...), each with a reason a person can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace

from acct_tui import clock
from acct_tui.core.capture import CaptureError, parse_duration, parse_step
from acct_tui.core.dates import parse_human_date
from acct_tui.core.text import clean_text
from acct_tui.services import account_lookup, visits
from acct_tui.services.access import Viewer
from acct_tui.services.visits import ActivityDraft


@dataclass(frozen=True)
class FormValues:
    """What the form's fields hold, as typed."""

    account: str = ""
    #: Set when the account was picked from the type-ahead (wins over the text).
    account_id: int | None = None
    date: str = "today"
    kind: str = "visit"
    duration: str = ""
    attendees: str = ""
    purpose: str = ""
    summary: str = ""
    outcome: str = ""
    sentiment: str = ""
    #: One commitment a line: `title [by DATE] [@owner]`.
    next_steps: str = ""
    confirmed_by: str = ""
    intent_to_leave: bool = False
    confidential: bool = False


@dataclass(frozen=True)
class FormCheck:
    """The outcome of reading a form: the draft when it is all valid, else the problems."""

    draft: ActivityDraft | None
    problems: dict[str, str] = field(default_factory=dict)
    #: What was understood, to show beside fields: {"account_id": "Acme Corp", "occurred_at": "Fri 2026-11-20"}.
    understood: dict[str, str] = field(default_factory=dict)


#: Form fields that may hold several lines; every other one is a single line.
MULTILINE_FIELDS = frozenset({"summary", "outcome", "next_steps"})


def _cleaned(values: FormValues) -> FormValues:
    """The form as typed or pasted, without control characters."""
    return replace(values, **{
        f.name: clean_text(getattr(values, f.name), f.name in MULTILINE_FIELDS)
        for f in fields(values) if isinstance(getattr(values, f.name), str)
    })


def read_form(viewer: Viewer, values: FormValues) -> FormCheck:
    """Read and check every field; the draft is set only when nothing is wrong."""
    values = _cleaned(values)
    problems: dict[str, str] = {}
    understood: dict[str, str] = {}
    today = clock.today()
    account_id = _read_account(viewer, values, problems, understood)
    occurred = _read_when(values.date, today, problems, understood)
    duration = _optional(values.duration, parse_duration, "duration_min", problems)
    sentiment = _optional(values.sentiment, int, "sentiment", problems, "sentiment is a whole number from -2 to 2")
    steps, step_lines = _read_steps(values.next_steps, today, problems)
    draft = ActivityDraft(
        account_id=account_id,
        kind=values.kind,
        occurred_at=occurred,
        duration_min=duration,
        subject=values.purpose.strip(),
        summary=values.summary.strip(),
        outcome=values.outcome.strip(),
        sentiment=sentiment,
        attendees=tuple(a.strip() for a in values.attendees.split(",") if a.strip()),
        next_steps=tuple(steps),
        confirmed_by=values.confirmed_by.strip() or None,
        intent_to_leave=values.intent_to_leave,
        confidential=values.confidential,
    )
    if not draft.subject and not draft.summary:
        # A record says what the touch was about; the quick capture may be terser.
        problems["subject"] = "say what it was about: a purpose or a summary"
    for key, reason in visits.validate(viewer, draft).items():
        if key.startswith("next_steps."):
            problems.setdefault("next_steps", f"line {step_lines[int(key.split('.')[1])]}: {reason}")
        else:
            problems.setdefault(key, reason)
    return FormCheck(draft=None if problems else draft, problems=problems, understood=understood)


def _read_account(viewer: Viewer, values: FormValues, problems: dict, understood: dict) -> int | None:
    """The picked account, else the one the text names (`account_lookup`, as everywhere)."""
    if values.account_id is not None:
        return values.account_id
    if not values.account.strip():
        problems["account_id"] = "choose an account"
        return None
    found = account_lookup.resolve_account(viewer, values.account)
    if isinstance(found, account_lookup.AccountHit):
        understood["account_id"] = found.name
        return found.id
    if found:
        names = ", ".join(c.name for c in found[:4]) + (" ..." if len(found) > 4 else "")
        problems["account_id"] = f"several accounts match: {names}"
    else:
        problems["account_id"] = f"no account you may see matches {values.account.strip()!r}"
    return None


def _read_when(text: str, today: dt.date, problems: dict, understood: dict) -> dt.datetime | None:
    """Today is now; an earlier day is noon of that day."""
    try:
        day = parse_human_date(text, today, "past")
    except ValueError as exc:
        problems["occurred_at"] = str(exc)
        return None
    understood["occurred_at"] = f"{day:%a %Y-%m-%d}"
    return clock.now() if day == today else dt.datetime.combine(day, dt.time(12, 0))


def _optional(text: str, read, key: str, problems: dict, reason: str | None = None):
    """`read(text)` for a field that may be left blank (None); a ValueError becomes the field's problem."""
    if not text.strip():
        return None
    try:
        return read(text)
    except ValueError as exc:
        problems[key] = reason or str(exc)
        return None


def _read_steps(text: str, today: dt.date, problems: dict) -> tuple[list[tuple], list[int]]:
    """Next steps, one a line (`title [by DATE] [@owner]`), with the line number of each."""
    steps, step_lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            step = parse_step(line, today)
        except CaptureError as exc:
            problems.setdefault("next_steps", f"line {number}: {exc.reason}")
            continue
        steps.append((step.title, step.owner, step.due_on))
        step_lines.append(number)
    return steps, step_lines


def save_form(viewer: Viewer, values: FormValues) -> int:
    """Read the form and log it; `DraftInvalid` with every problem when anything is wrong."""
    check = read_form(viewer, values)
    if check.draft is None:
        raise visits.DraftInvalid(check.problems)
    return visits.log_activity(viewer, check.draft)
