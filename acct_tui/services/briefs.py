"""Account briefs: what a new owner must know about an account on day one.

Used by the handover (preview, apply, the Markdown hand-out) and the Team
pane's reassign flow. Every fact is one set-based query over the given
account ids, never one query per account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Sequence

from peewee import JOIN

from acct_tui.clock import now, today
from acct_tui.core.assess import assess
from acct_tui.core.currency import RateBook, value_text
from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.core.text import in_days, plural
from acct_tui.enums import KEY_CONTACT_ROLES
from acct_tui.models import ActionItem, Contact, PlannedVisit, User
from acct_tui.services.access import confidential_sources
from acct_tui.services.accounts import AccountRow, account_rows
from acct_tui.services.alerts import AlertRow, alerts_on
from acct_tui.services.facts import gather
from acct_tui.services import touches
from acct_tui.services.query import as_date, as_datetime, chunks, raw_rows

#: A health component (0-100) below this is named among the reasons.
WEAK_COMPONENT = 50


@dataclass(frozen=True)
class CommitmentBrief:
    id: int
    title: str
    owner: str | None
    due_on: dt.date | None
    late: bool


@dataclass(frozen=True)
class ContactBrief:
    name: str
    role: str
    title: str | None
    left_on: dt.date | None


@dataclass(frozen=True)
class AccountBrief(AccountRow):
    """One account, summed up for the person who takes it over: its row, and what to know on day one.

    `health_score` and `health_band` are recomputed now (as `explain` does), not the last scan's.
    """

    #: Why the health is what it is: what fires now, open alerts' reasons, then weak components.
    health_reasons: tuple[str, ...]
    #: `last_touch` and `last_visit` count only records everyone may read: a brief is
    #: handed on. Who logged a later touch in a confidential record (no date) is named.
    last_visit: dt.datetime | None
    later_confidential_touches_by: tuple[str, ...]
    open_commitments: tuple[CommitmentBrief, ...]
    open_alerts: tuple[AlertRow, ...]
    next_visit: dt.date | None
    next_visit_purpose: str | None
    key_contacts: tuple[ContactBrief, ...]

    @property
    def days_to_renewal(self) -> int | None:
        return None if self.renewal_date is None else (self.renewal_date - today()).days


def build_briefs(
    account_ids: Sequence[int], settings: RiskSettings | None = None, *, book: RateBook | None = None
) -> tuple[AccountBrief, ...]:
    """Briefs for `account_ids` (already access-checked by the caller), by account name.

    Health is recomputed now from the accounts' facts (as `acct-tui explain`
    does, but for all the accounts at once) with `settings` (default: the
    loaded ones).
    """
    settings = settings or loaded()
    rows = account_rows(account_ids, book)
    ids = list(rows)
    facts = gather(now(), ids, settings=settings) if ids else {}
    commitments, alerts = _open_commitments(ids), alerts_on(ids)
    visits, contacts = _next_visits(ids), _key_contacts(ids)
    touched, visited, secret = _shared_touches(ids)
    briefs = []
    for account_id, row in rows.items():
        account_facts = facts.get(account_id)
        judged = assess(account_facts, settings) if account_facts else None
        health = judged.health if judged else None
        signals = judged.signals if judged else ()
        account_alerts = tuple(alerts.get(account_id, ()))
        next_visit, purpose = visits.get(account_id, (None, None))
        briefs.append(
            AccountBrief(
                **{f.name: getattr(row, f.name) for f in fields(AccountRow) if f.name != "last_touch"} | {
                    "health_score": health.score if health else None,
                    "health_band": health.band if health else None,
                },
                health_reasons=_health_reasons(signals, account_alerts, health),
                last_touch=touched.get(account_id),
                last_visit=visited.get(account_id),
                later_confidential_touches_by=secret.get(account_id, ()),
                open_commitments=tuple(commitments.get(account_id, ())),
                open_alerts=account_alerts,
                next_visit=next_visit,
                next_visit_purpose=purpose,
                key_contacts=tuple(contacts.get(account_id, ())),
            )
        )
    return tuple(sorted(briefs, key=lambda b: (b.name.lower(), b.id)))


def _health_reasons(signals, alerts: tuple[AlertRow, ...], health) -> tuple[str, ...]:
    """The signals that fire now (red first), the cap they put on health, open alerts' reasons not said yet, then weak components."""
    reasons = [sig.reason for sig in sorted(signals, key=lambda sig: sig.severity != "red")]
    if health is not None and health.cap is not None:
        reasons.append(f"health {health.cap.line()}")
    reasons += [a.reason for a in alerts if a.reason not in reasons]
    if health is not None:
        reasons += [
            f"weak {c.name.replace('_', ' ')} ({c.value:.0f}/100)"
            for c in sorted(health.components, key=lambda c: c.value)
            if c.value < WEAK_COMPONENT
        ]
    return tuple(reasons)


def _shared_touches(ids: list[int]) -> tuple[dict[int, dt.datetime], dict[int, dt.datetime], dict[int, tuple[str, ...]]]:
    """Per account: the last touch and the last visit in records everyone may read, and
    who (login) logged a touch after that in a confidential record."""
    touched: dict[int, dt.datetime] = {}
    visited: dict[int, dt.datetime] = {}
    later: dict[int, set[int]] = {}
    for part in chunks(ids):
        touched.update((aid, as_datetime(at)) for aid, at in raw_rows(touches.last_touch_query(part, shared=True)))
        visited.update((aid, as_datetime(at)) for aid, at in raw_rows(touches.last_touch_query(part, shared=True, kind="visit")))
        for aid, author, at in raw_rows(touches.confidential_touch_query(part)):
            shown = touched.get(aid)
            if shown is None or as_datetime(at) > shown:
                later.setdefault(aid, set()).add(author)
    names = dict(User.select(User.id, User.login).where(User.id.in_({a for authors in later.values() for a in authors if a})).tuples()) if later else {}
    secret = {aid: tuple(sorted({names.get(a, "someone") for a in authors})) for aid, authors in later.items()}
    return touched, visited, secret


def _open_commitments(ids: list[int]) -> dict[int, list[CommitmentBrief]]:
    found: dict[int, list] = {}
    now_day = today()
    for part in chunks(ids):
        query = (
            ActionItem.select(ActionItem, User.login.alias("owner_login"))
            .join(User, JOIN.LEFT_OUTER, on=(ActionItem.owner == User.id))
            .where(ActionItem.account.in_(part) & (ActionItem.status == "open"))
            .order_by(ActionItem.due_on.asc(nulls="LAST"), ActionItem.id)
        )
        rows = list(query.dicts())
        # A brief is handed on: a promise made in a confidential record is named by whose record it is.
        secret = confidential_sources(row["source_activity"] for row in rows)
        for row in rows:
            due = as_date(row["due_on"])
            source = row["source_activity"]
            title = f"a commitment from a confidential record by {secret[source]}" if source in secret else row["title"]
            found.setdefault(row["account"], []).append(
                CommitmentBrief(row["id"], title, row["owner_login"], due, due is not None and due < now_day)
            )
    return found


def _next_visits(ids: list[int]) -> dict[int, tuple[dt.date, str]]:
    found: dict[int, tuple] = {}
    for part in chunks(ids):
        query = (
            PlannedVisit.select(PlannedVisit.account, PlannedVisit.scheduled_for, PlannedVisit.purpose)
            .where(PlannedVisit.account.in_(part) & (PlannedVisit.status == "planned") & (PlannedVisit.scheduled_for >= today()))
            .order_by(PlannedVisit.scheduled_for.desc(), PlannedVisit.id.desc())
        )
        # Newest first, so the soonest one is written last and wins.
        for account_id, when, purpose in query.tuples():
            found[account_id] = (as_date(when), purpose)
    return found


def _key_contacts(ids: list[int]) -> dict[int, list[ContactBrief]]:
    found: dict[int, list] = {}
    order = {role: n for n, role in enumerate(KEY_CONTACT_ROLES)}
    for part in chunks(ids):
        query = Contact.select().where(Contact.account.in_(part) & Contact.role.in_(KEY_CONTACT_ROLES)).order_by(Contact.name)
        for c in query:
            found.setdefault(c.account_id, []).append(ContactBrief(c.name, c.role, c.title, c.left_on))
    for contacts in found.values():
        contacts.sort(key=lambda c: (c.left_on is not None, order[c.role], c.name))
    return found


def _ago(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    days = (today() - moment.date()).days
    return f"{moment.date().isoformat()} ({'today' if days == 0 else plural(days, 'day') + ' ago'})"


def brief_lines(brief: AccountBrief) -> list[str]:
    """The brief as Markdown bullet lines: the same text in the CLI, the file and the app."""
    health = "no score yet" if brief.health_score is None else f"{brief.health_score} ({brief.health_band})"
    renewal = "none set"
    if brief.renewal_date is not None:
        renewal = f"{brief.renewal_date.isoformat()} ({in_days(brief.days_to_renewal)})"
    next_visit = "none planned"
    if brief.next_visit is not None:
        next_visit = brief.next_visit.isoformat() + (f": {brief.next_visit_purpose}" if brief.next_visit_purpose else "")
    lines = [
        f"- **Tier** {brief.tier} · **value** {value_text(brief.base_value, brief.annual_value, brief.currency, brief.base_currency)}"
        f" · **renewal** {renewal}",
        f"- **Health** {health}",
    ]
    lines += [f"  - {reason}" for reason in brief.health_reasons]
    lines += [
        f"- **Last touch** {_ago(brief.last_touch)} · **last visit** {_ago(brief.last_visit)}"
        + (f" · later touches in confidential records by {', '.join(brief.later_confidential_touches_by)}"
           if brief.later_confidential_touches_by else ""),
        f"- **Next planned visit** {next_visit}",
    ]
    if brief.key_contacts:
        people = []
        for c in brief.key_contacts:
            label = f"{c.name} ({c.role.replace('_', ' ')}{', ' + c.title if c.title else ''})"
            people.append(label + (f", left {c.left_on.isoformat()}" if c.left_on else ""))
        lines.append("- **Key contacts** " + "; ".join(people))
    else:
        lines.append("- **Key contacts** none recorded")
    lines.append(f"- **Open commitments** {len(brief.open_commitments) or 'none'}")
    for c in brief.open_commitments:
        due = f"due {c.due_on.isoformat()}" if c.due_on else "no due date"
        lines.append(f"  - {c.title} ({due}{', LATE' if c.late else ''}; {c.owner or 'nobody'})")
    lines.append(f"- **Open alerts** {len(brief.open_alerts) or 'none'}")
    for a in brief.open_alerts:
        escalated = f", escalated to {a.escalated_to}" if a.escalated_to else ""
        lines.append(f"  - {a.severity} {a.rule} ({a.status}{escalated}): {a.reason}")
    return lines


def markdown(briefs: Sequence[AccountBrief], title: str) -> str:
    """A hand-out for the new owner: one section per account."""
    out = [f"# {title}", ""]
    for brief in briefs:
        ref = f" ({brief.external_id})" if brief.external_id else ""
        out += [f"## {brief.name}{ref}", "", *brief_lines(brief), ""]
    return "\n".join(out)
