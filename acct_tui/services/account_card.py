"""The header card of an account's timeline, and the full record behind any timeline line.

The health explanation is the risk engine's (`services.health.explain`, the
same one `acct-tui explain` prints, with the loaded settings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from acct_tui import clock
from acct_tui.core.currency import DEFAULT_BASE, RateBook
from acct_tui.core.health import Component
from acct_tui.enums import KEY_CONTACT_ROLES
from acct_tui.errors import NotFound
from acct_tui.models import (
    Account,
    ActionItem,
    Alert,
    Contact,
    CustomerCase,
    HealthSnapshot,
    Milestone,
    Opportunity,
    PlannedVisit,
    User,
)
from acct_tui.services import audit, health
from acct_tui.services.access import Viewer, account_visible
from acct_tui.services.alerts import AlertRow, alerts_on
from acct_tui.services.money import rate_book



@dataclass(frozen=True)
class CardContact:
    id: int
    name: str
    role: str
    title: str | None
    left_on: dt.date | None


@dataclass(frozen=True)
class AccountCard:
    """Who owns the account, what it is worth, how healthy it is and who matters there."""

    id: int
    name: str
    external_id: str | None
    owner: str | None
    owner_name: str | None
    tier: str
    status: str
    annual_value: Decimal
    currency: str
    #: The annual value in `base` at today's rate; None when the currency has no rate.
    base_value: Decimal | None
    base: str
    renewal_date: dt.date | None
    score: int | None
    band: str | None
    trend: int | None
    components: tuple[Component, ...]
    alerts: tuple[AlertRow, ...]
    contacts: tuple[CardContact, ...]
    #: "capped at 50: departure_intent" when red signals hold the score down (as `explain` says).
    cap_line: str | None = None

    @property
    def days_to_renewal(self) -> int | None:
        return None if self.renewal_date is None else (self.renewal_date - clock.today()).days


def account_card(viewer: Viewer, account_id: int, book: RateBook | None = None) -> AccountCard:
    """The card for a visible account (its value also in `book.base`); `NotFound` otherwise."""
    book = book or rate_book(DEFAULT_BASE)
    if not account_visible(viewer, account_id):
        raise NotFound(f"no account with id {account_id}")
    row = (
        Account.select(Account, User.login, User.name.alias("owner_name"))
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .where(Account.id == account_id)
        .dicts()
        .get()
    )
    score, band, trend, components, cap = _health(viewer, account_id)
    contacts = Contact.select(Contact.id, Contact.name, Contact.role, Contact.title, Contact.left_on).where(
        (Contact.account == account_id) & (Contact.role.in_(KEY_CONTACT_ROLES) | Contact.left_on.is_null(False))
    ).order_by(Contact.left_on.is_null(False), Contact.role, Contact.name)
    return AccountCard(
        id=row["id"], name=row["name"], external_id=row["external_id"], owner=row["login"], owner_name=row["owner_name"],
        tier=row["tier"], status=row["status"], annual_value=row["annual_value"], currency=row["currency"],
        base_value=book.convert(row["annual_value"], row["currency"], clock.today()), base=book.base,
        renewal_date=row["renewal_date"], score=score, band=band, trend=trend, components=components,
        alerts=tuple(alerts_on([account_id]).get(account_id, ())),
        contacts=tuple(CardContact(*c) for c in contacts.tuples()),
        cap_line=cap.line() if cap is not None else None,
    )


def _health(viewer: Viewer, account_id: int):
    """The risk engine's explanation (the same as `acct-tui explain`, with the loaded settings)."""
    found = health.explain(viewer, account_id, clock.now())
    return found.score, found.band, found.trend, found.components, found.cap


@dataclass(frozen=True)
class RecordDetail:
    """Any record behind a timeline line, as labelled lines, with its audit history."""

    title: str
    fields: tuple[tuple[str, str], ...]
    history: tuple[str, ...]


def record_detail(viewer: Viewer, source: str, source_id: int) -> RecordDetail:
    """The full record of a timeline line; `NotFound` when it is not visible."""
    if source == "activity":
        return _activity_detail(viewer, source_id)
    model = _MODELS.get(source)
    if model is None:
        raise NotFound(f"no {source} records")
    row = model.get_or_none(model.id == source_id)
    if row is None or not account_visible(viewer, row.account_id):
        raise NotFound(f"no {source} {source_id}")
    fields = []
    for name, field in row._meta.fields.items():
        if name in ("id", "account"):
            continue
        value = getattr(row, field.name + ("_id" if field.__class__.__name__ == "ForeignKeyField" else ""), None)
        if field.__class__.__name__ == "ForeignKeyField" and value is not None and field.rel_model is User:
            value = User.select(User.login).where(User.id == value).scalar()
        fields.append((name.replace("_", " "), _show(value)))
    history = tuple(_history_line(h) for h in audit.history(source, source_id))
    return RecordDetail(title=f"{source.replace('_', ' ')} {source_id}", fields=tuple(fields), history=history)


def _history_line(entry) -> str:
    line = f"{entry.at:%Y-%m-%d %H:%M} {entry.actor} {entry.action}"
    if entry.action == "update":
        moves = [f"{k} {v[0]} → {v[1]}" for k, v in entry.changes.items() if isinstance(v, list) and len(v) == 2]
        line += ": " + "; ".join(moves) if moves else ""
    return line


def _activity_detail(viewer: Viewer, activity_id: int) -> RecordDetail:
    from acct_tui.services.visit_log import visit_record

    rec = visit_record(viewer, activity_id)
    r = rec.row
    fields = [
        ("account", r.account_name), ("kind", r.kind), ("when", _show(r.occurred_at)), ("by", _show(r.author)),
        ("duration", f"{r.duration_min} min" if r.duration_min else ""), ("subject / purpose", r.subject),
        ("attendees", _show(r.attendees)), ("summary", _show(rec.summary)), ("outcome", _show(rec.outcome)),
        ("sentiment", _show(r.sentiment)), ("tags", _show(rec.tags)), ("contact", _show(rec.contact)),
        ("confirmed by", _show(rec.confirmed_by)), ("intent to leave", _show(r.intent_to_leave)),
        ("confidential", _show(r.confidential)), ("fulfilled plan of", _show(rec.fulfilled_plan)),
    ]
    for c in rec.commitments:
        fields.append(("commitment", f"{c.title} · {c.owner or 'nobody'} · due {_show(c.due_on) or '-'} · {c.status}"))
    history = tuple(f"{h.at:%Y-%m-%d %H:%M} {h.actor} {h.action}" for h in audit.history("activity", activity_id))
    return RecordDetail(title=f"{r.kind} on {r.occurred_at:%Y-%m-%d}", fields=tuple(fields), history=history)


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


_MODELS = {
    "opportunity": Opportunity, "case": CustomerCase, "milestone": Milestone, "action_item": ActionItem,
    "planned_visit": PlannedVisit, "alert": Alert, "health_snapshot": HealthSnapshot, "contact": Contact,
}
