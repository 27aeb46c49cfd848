"""The Timeline's contacts key: `C` lists the account's contacts to edit one, or adds a new one.

A mixin for `TimelineScreen` (it brings `_need_account` and `_entry`). The
form is `services.contact_form`'s, read inside the save worker, so a bad
field is marked in the form and nothing is saved. Someone leaving is `x`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from acct_tui.services import contact_form, contacts
from acct_tui.ui.background import attempt
from acct_tui.ui.screens.pick import PickScreen


@dataclass
class ContactsListed(Message):
    """The account's contacts are back from the worker (or why not)."""

    account_id: int
    account_name: str
    people: list | None
    error: str | None


class ContactActions:
    """Adding and editing an account's contacts from the timeline."""

    def action_contacts(self) -> None:
        """Add a contact to this account, or edit one (name, title, email, phone, role, birthday)."""
        card = self._need_account()
        if card is not None:
            self._load_contacts(card.id, card.name)

    @work(thread=True, exclusive=True, group="timeline-open", exit_on_error=False)
    def _load_contacts(self, account_id: int, account_name: str) -> None:
        self.post_message(ContactsListed(account_id, account_name, *attempt(contacts.account_contacts, self.app.viewer, account_id)))

    def on_contacts_listed(self, message: ContactsListed) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
            return
        account_id, account_name, people = message.account_id, message.account_name, message.people
        viewer = self.app.viewer
        choices = [("new", "+ New contact")]
        for person in people:
            left = f", left {person.left_on:%Y-%m-%d}" if person.left_on else ""
            title = f", {person.title}" if person.title else ""
            choices.append((str(person.id), f"{person.name} ({person.role.replace('_', ' ')}{title}{left})"))

        def chosen(value: str | None) -> None:
            if value == "new":
                self._entry(contact_form.add_contact_form(viewer, account_id, account_name))
            elif value is not None:
                person = next(p for p in people if p.id == int(value))
                self._entry(contact_form.edit_contact_form(viewer, person))

        self.app.push_screen(PickScreen(f"Contacts at {account_name}", choices), chosen)
