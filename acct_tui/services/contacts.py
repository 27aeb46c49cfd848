"""The people on the client's side: add and edit an account's contacts (leaving: `visits.record_contact_left`).

Access-checked (the account must be one the viewer sees; on PostgreSQL
row-level security checks it again), validated by `services/contact_form.py`
(which reads what a form typed), and audited with the values before and
after. A new contact is added today (`added_on`); someone who becomes the
account's champion or sponsor counts as added that day too, so the
`champion_left` rule sees at its next scan that somebody took the place of
one who left.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from acct_tui import clock
from acct_tui.db import database
from acct_tui.enums import CHAMPION_ROLES, CONTACT_ROLES
from acct_tui.errors import NotFound
from acct_tui.models import Contact
from acct_tui.services import audit
from acct_tui.services.access import Viewer, account_visible
from acct_tui.services.visits import DraftInvalid


@dataclass(frozen=True)
class ContactDraft:
    """What a contact form says: every field checked (`contact_form.read_contact`)."""

    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    role: str = "user"
    birthday: dt.date | None = None


@dataclass(frozen=True)
class ContactRow:
    """One contact as screens show it."""

    id: int
    account_id: int
    name: str
    title: str | None
    email: str | None
    phone: str | None
    role: str
    birthday: dt.date | None
    added_on: dt.date | None
    left_on: dt.date | None

    def draft(self) -> ContactDraft:
        return ContactDraft(self.name, self.title, self.email, self.phone, self.role, self.birthday)


FIELDS = ("name", "title", "email", "phone", "role", "birthday")
#: The longest each text may be (the columns' sizes).
LIMITS = {"name": 160, "title": 160, "email": 200, "phone": 60}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().\-/]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?", re.IGNORECASE)


def problems(draft: ContactDraft) -> dict[str, str]:
    """What is wrong with a draft, field by field (empty when nothing is)."""
    found: dict[str, str] = {}
    if not draft.name or not draft.name.strip():
        found["name"] = "a contact needs a name"
    for field, limit in LIMITS.items():
        value = getattr(draft, field)
        if value and len(value) > limit:
            found[field] = f"too long: {len(value)} characters, at most {limit}"
    if draft.email and "email" not in found and not _EMAIL.fullmatch(draft.email):
        found["email"] = f"{draft.email!r} is not an email address (name@example.com)"
    if draft.phone and "phone" not in found and (not _PHONE.fullmatch(draft.phone) or sum(c.isdigit() for c in draft.phone) < 5):
        found["phone"] = f"{draft.phone!r} is not a phone number (digits, spaces, + ( ) - .)"
    if draft.role not in CONTACT_ROLES:
        found["role"] = f"{draft.role!r} is not one of {', '.join(CONTACT_ROLES)}"
    if draft.birthday is not None and not (dt.date(1900, 1, 1) <= draft.birthday <= clock.today()):
        found["birthday"] = f"{draft.birthday:%Y-%m-%d} is not a birthday (after 1900, not in the future)"
    return found


def _checked(draft: ContactDraft) -> None:
    found = problems(draft)
    if found:
        raise DraftInvalid(found)


def _row(contact: Contact) -> ContactRow:
    return ContactRow(contact.id, contact.account_id, contact.name, contact.title, contact.email, contact.phone, contact.role,
                      contact.birthday, contact.added_on, contact.left_on)


def account_contacts(viewer: Viewer, account_id: int) -> list[ContactRow]:
    """Every contact of an account: those still there first (by role, name), then who left."""
    if not account_visible(viewer, account_id):
        raise NotFound(f"no account {account_id}")
    query = Contact.select().where(Contact.account == account_id).order_by(Contact.left_on.is_null(False), Contact.role, Contact.name)
    return [_row(c) for c in query]


def get_contact(viewer: Viewer, contact_id: int) -> ContactRow:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None or not account_visible(viewer, contact.account_id):
        raise NotFound(f"no contact {contact_id}")
    return _row(contact)


def add_contact(viewer: Viewer, account_id: int, draft: ContactDraft) -> int:
    """A new contact on an account, added today; returns its id."""
    _checked(draft)
    with database.atomic():
        if not account_visible(viewer, account_id):
            raise NotFound(f"no account {account_id}")
        values = {name: getattr(draft, name) for name in FIELDS}
        contact = Contact.create(account=account_id, added_on=clock.today(), **values)
        audit.record(viewer.actor, "create", "contact", contact.id, {"account_id": account_id, **values, "added_on": clock.today()})
    return contact.id


def edit_contact(viewer: Viewer, contact_id: int, draft: ContactDraft) -> dict[str, list]:
    """Change a contact's details; returns (and audits) what changed, `{field: [before, after]}`."""
    _checked(draft)
    with database.atomic():
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None or not account_visible(viewer, contact.account_id):
            raise NotFound(f"no contact {contact_id}")
        changes = {name: [getattr(contact, name), getattr(draft, name)] for name in FIELDS
                   if getattr(contact, name) != getattr(draft, name)}
        if not changes:
            return {}
        update = {name: after for name, (_, after) in changes.items()}
        if "role" in changes and draft.role in CHAMPION_ROLES and contact.role not in CHAMPION_ROLES and contact.left_on is None:
            # Someone taking a champion's or sponsor's place: added to that role today.
            changes["added_on"] = [contact.added_on, clock.today()]
            update["added_on"] = clock.today()
        Contact.update(**update).where(Contact.id == contact_id).execute()
        audit.record(viewer.actor, "update", "contact", contact_id, changes)
    return changes
