"""Contacts: add and edit from the form's text, audited, access-checked; the champion rule sees it at the next scan."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.models import Alert, AuditLog, Contact
from acct_tui.services import access, contacts, visits
from acct_tui.services.contact_form import contact_fields, read_contact
from acct_tui.services.contacts import ContactDraft
from acct_tui.services.scan import scan_all
from acct_tui.errors import NotFound
from acct_tui.services.visits import DraftInvalid
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def org(db):
    return f.org()


def me(user):
    return access.from_user(user)


def form(**typed) -> dict[str, str]:
    values = {"name": "", "title": "", "email": "", "phone": "", "role": "user", "birthday": ""}
    values.update(typed)
    return values


def test_a_contact_added_from_the_form_is_stored_added_today_and_audited(org):
    acme = org["a1"]
    draft = read_contact(form(name="  Lan   Trần ", title="Head of IT", email="lan@acme.vn", phone="+84 28 1234 5678",
                              role="champion", birthday="1985-03-14"))
    contact_id = contacts.add_contact(me(org["am1"]), acme.id, draft)
    stored = Contact.get_by_id(contact_id)
    assert (stored.account_id, stored.name, stored.title, stored.email, stored.phone, stored.role, stored.birthday,
            stored.added_on, stored.left_on) == (
        acme.id, "Lan Trần", "Head of IT", "lan@acme.vn", "+84 28 1234 5678", "champion", dt.date(1985, 3, 14), TODAY, None)
    entry = AuditLog.get((AuditLog.table == "contact") & (AuditLog.row_id == contact_id))
    assert entry.actor == "minh.pham" and entry.action == "create"
    assert entry.changes["name"] == "Lan Trần" and entry.changes["added_on"] == "2026-11-20"


def test_only_a_name_is_required_and_blank_fields_are_empty(org):
    contact_id = contacts.add_contact(me(org["am1"]), org["a1"].id, read_contact(form(name="Bo Vu")))
    stored = Contact.get_by_id(contact_id)
    assert (stored.title, stored.email, stored.phone, stored.role, stored.birthday) == (None, None, None, "user", None)


@pytest.mark.parametrize("typed, field, reason", [
    (dict(name="  "), "name", "needs a name"),
    (dict(name="X", email="lan@"), "email", "not an email address"),
    (dict(name="X", phone="call me"), "phone", "not a phone number"),
    (dict(name="X", phone="12"), "phone", "not a phone number"),
    (dict(name="X", role="boss"), "role", "not one of"),
    (dict(name="X", birthday="someday"), "birthday", ""),
    (dict(name="X", birthday="in 3d"), "birthday", "not a birthday"),
    (dict(name="X" * 161), "name", "too long"),
])
def test_a_bad_field_is_named_and_nothing_is_written(org, typed, field, reason):
    with pytest.raises(DraftInvalid) as caught:
        read_contact(form(**typed))
    assert field in caught.value.problems and reason in caught.value.problems[field]
    # The service checks a draft too, whoever builds it.
    with pytest.raises(DraftInvalid):
        contacts.add_contact(me(org["am1"]), org["a1"].id, ContactDraft(name="", role="boss"))
    assert Contact.select().count() == 0 and AuditLog.select().where(AuditLog.table == "contact").count() == 0


def test_several_bad_fields_are_named_together(org):
    with pytest.raises(DraftInvalid) as caught:
        read_contact(form(name="", email="nope", birthday="31/02/1980"))
    assert set(caught.value.problems) == {"name", "email", "birthday"}


def test_an_edit_changes_only_what_changed_and_audits_before_and_after(org):
    lan = f.contact(org["a1"], "Lan Tran", "user", email="lan@old.vn", added_on=dt.date(2024, 1, 5))
    values = {field.key: field.value for field in contact_fields(contacts.get_contact(me(org["am1"]), lan.id))}
    assert values == {"name": "Lan Tran", "title": "", "email": "lan@old.vn", "phone": "", "role": "user", "birthday": ""}
    values.update(email="lan@new.vn", title="CTO")
    changes = contacts.edit_contact(me(org["am1"]), lan.id, read_contact(values))
    assert changes == {"title": [None, "CTO"], "email": ["lan@old.vn", "lan@new.vn"]}
    stored = Contact.get_by_id(lan.id)
    assert (stored.name, stored.title, stored.email, stored.added_on) == ("Lan Tran", "CTO", "lan@new.vn", dt.date(2024, 1, 5))
    entry = AuditLog.get((AuditLog.table == "contact") & (AuditLog.row_id == lan.id))
    assert entry.action == "update" and entry.changes == {"title": [None, "CTO"], "email": ["lan@old.vn", "lan@new.vn"]}
    # Saving the same again changes nothing and writes no entry.
    assert contacts.edit_contact(me(org["am1"]), lan.id, read_contact(values)) == {}
    assert AuditLog.select().where(AuditLog.table == "contact").count() == 1


def test_someone_elses_account_is_not_found(org):
    theirs = f.contact(org["b1"], "Mai", "user")
    with pytest.raises(NotFound):
        contacts.add_contact(me(org["am1"]), org["b1"].id, ContactDraft(name="Sneaky"))
    with pytest.raises(NotFound):
        contacts.edit_contact(me(org["am1"]), theirs.id, ContactDraft(name="Renamed"))
    assert Contact.get_by_id(theirs.id).name == "Mai" and Contact.select().count() == 1
    # Their lead may.
    contacts.edit_contact(me(org["lead"]), theirs.id, ContactDraft(name="Mai Anh"))
    assert Contact.get_by_id(theirs.id).name == "Mai Anh"


def test_account_contacts_lists_those_still_there_first(org):
    f.contact(org["a1"], "Zed", "user")
    f.contact(org["a1"], "Gone", "champion", left_on=dt.date(2026, 10, 1))
    f.contact(org["a1"], "Amy", "champion")
    assert [c.name for c in contacts.account_contacts(me(org["am1"]), org["a1"].id)] == ["Amy", "Zed", "Gone"]


def _champion_alerts(account):
    return {(a.rule, a.status) for a in Alert.select().where((Alert.account == account.id) & (Alert.rule == "champion_left"))}


def test_a_new_champion_clears_the_champion_left_alert_at_the_next_scan(org):
    acme = org["a1"]
    lan = f.contact(acme, "Lan Tran", "champion", added_on=dt.date(2025, 1, 1))
    visits.record_contact_left(me(org["am1"]), lan.id, TODAY - dt.timedelta(days=5))
    scan_all(NOW)
    assert _champion_alerts(acme) == {("champion_left", "open")}
    contacts.add_contact(me(org["am1"]), acme.id, read_contact(form(name="Minh Vo", role="champion")))
    scan_all(NOW)
    assert _champion_alerts(acme) == {("champion_left", "resolved")}


def test_someone_promoted_to_sponsor_takes_the_place_too(org):
    acme = org["a1"]
    lan = f.contact(acme, "Lan Tran", "sponsor", added_on=dt.date(2025, 1, 1))
    bo = f.contact(acme, "Bo Vu", "user", added_on=dt.date(2025, 6, 1))
    visits.record_contact_left(me(org["am1"]), lan.id, TODAY - dt.timedelta(days=3))
    scan_all(NOW)
    assert _champion_alerts(acme) == {("champion_left", "open")}
    changes = contacts.edit_contact(me(org["am1"]), bo.id, ContactDraft(name="Bo Vu", role="sponsor"))
    assert changes == {"role": ["user", "sponsor"], "added_on": [dt.date(2025, 6, 1), TODAY]}
    assert Contact.get_by_id(bo.id).added_on == TODAY
    scan_all(NOW)
    assert _champion_alerts(acme) == {("champion_left", "resolved")}
