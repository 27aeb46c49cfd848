"""The contact form (add or edit a contact from the timeline): what it asks, and reading what was typed.

`read_contact` turns the form's strings into a `contacts.ContactDraft` or
raises `DraftInvalid` naming each bad field; the forms save through
`services/contacts.py`. Nothing is parsed in a screen.
"""

from __future__ import annotations

from acct_tui.core.text import clean_text
from acct_tui.enums import CONTACT_ROLES
from acct_tui.services import contacts
from acct_tui.services.access import Viewer
from acct_tui.services.contacts import ContactDraft, ContactRow
from acct_tui.services.entry_forms import EntryField, EntryForm, read_date
from acct_tui.services.visits import DraftInvalid


def read_contact(values: dict[str, str]) -> ContactDraft:
    """A contact draft from the form's text: blank optional fields are None; `DraftInvalid` names each bad field."""
    text = {key: " ".join(clean_text(values.get(key, "")).split()) for key in ("name", "title", "email", "phone", "role")}
    found: dict[str, str] = {}
    birthday = None
    try:
        birthday = read_date(values, "birthday", "past", required=False)
    except DraftInvalid as exc:
        found.update(exc.problems)
    draft = ContactDraft(
        name=text["name"],
        title=text["title"] or None,
        email=text["email"] or None,
        phone=text["phone"] or None,
        role=text["role"] or "user",
        birthday=birthday,
    )
    found = {**contacts.problems(draft), **found}
    if found:
        raise DraftInvalid(found)
    return draft


def contact_fields(current: ContactRow | None = None) -> tuple[EntryField, ...]:
    """The form's fields, filled in with a contact's details when editing."""
    draft = current.draft() if current else ContactDraft(name="")
    return (
        EntryField("name", "Name", value=draft.name, placeholder="Lan Tran"),
        EntryField("title", "Title", value=draft.title or "", placeholder="Head of IT (optional)"),
        EntryField("email", "Email", value=draft.email or "", placeholder="lan@example.com (optional)"),
        EntryField("phone", "Phone", value=draft.phone or "", placeholder="+84 28 1234 5678 (optional)"),
        EntryField("role", "Role", "select", value=draft.role, options=tuple((r.replace("_", " "), r) for r in CONTACT_ROLES)),
        EntryField("birthday", "Birthday", "past_date", value=draft.birthday.isoformat() if draft.birthday else "",
                   placeholder="1985-03-14 (optional)"),
    )


def add_contact_form(viewer: Viewer, account_id: int, account_name: str) -> EntryForm:
    def save(values: dict[str, str]) -> int:
        return contacts.add_contact(viewer, account_id, read_contact(values))

    return EntryForm(f"New contact at {account_name}", contact_fields(), save, f"Contact added to {account_name}.")


def edit_contact_form(viewer: Viewer, contact: ContactRow) -> EntryForm:
    def save(values: dict[str, str]) -> dict:
        return contacts.edit_contact(viewer, contact.id, read_contact(values))

    return EntryForm(f"Edit {contact.name}", contact_fields(contact), save, f"Saved {contact.name}.")
