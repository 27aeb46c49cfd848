"""The Salesforce importer: the real sample export and hand-made messy variants."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from acct_tui.io import importer
from acct_tui.io.salesforce import activity_kind
from acct_tui.models import Account, Activity, CustomerCase, Contact, Milestone, User
from tests import factories as f
from tests.io_helpers import run, write

SAMPLE = Path(__file__).parent / "fixtures" / "salesforce_sample"
BOM = "\ufeff"


def local(text: str) -> dt.datetime:
    """A UTC timestamp as the naive local time the importer stores."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


@pytest.fixture
def sample(tmp_path) -> Path:
    folder = tmp_path / "sf"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_the_real_sample_imports_links_and_reimports_as_a_no_op(db, sample):
    dry = importer.run("salesforce", sample)
    assert dry.exit_code == 0 and not dry.rejected and not dry.skipped
    counts = {label: (c.new, c.updated, c.unchanged) for label, c in dry.counts}
    assert counts == {
        "Account.csv": (1, 0, 0), "Contact.csv": (1, 0, 0), "Case.csv": (3, 0, 0), "Task.csv": (2, 0, 0),
        "placeholder owners": (2, 0, 0),
    }
    assert any("placeholder" in n and "sf-005530000040em2AAA" in n for n in dry.notes)
    assert any(n.startswith("Account.csv: ignored unmapped column(s)") and "BillingAddress" in n for n in dry.notes)
    assert Account.select().count() == 0

    assert importer.run("salesforce", sample, commit=True).committed
    acct = Account.get(Account.external_id == "sf:0015300000MO103AAD")
    assert (acct.name, acct.industry, float(acct.annual_value), acct.owner.login) == (
        "ABC Corporation", "Communications", 999999999.0, "sf-005530000040em2AAA")
    assert acct.owner.active is False
    person = Contact.get()
    assert (person.name, person.birthday, person.account_id) == ("Charlotta Ropblems", dt.date(1980, 4, 23), acct.id)
    hoverbike = CustomerCase.get(CustomerCase.external_id == "sf:500DC000005dMT8YAM")
    assert (hoverbike.severity, hoverbike.escalated, hoverbike.contact_id) == ("high", True, person.id)
    assert hoverbike.opened_at == local("2023-04-04T18:14:26")
    assert CustomerCase.get(CustomerCase.external_id == "sf:500DC000005dMT3YAM").escalated is False
    tasks = {a.subject: a for a in Activity.select()}
    assert "\n\nSubject: Follow-up" in tasks["Email"].summary and "\r" not in tasks["Email"].summary
    assert tasks["Email"].kind == "note"  # "In Progress": a to-do, not a touch that happened
    assert tasks["Send Quote"].occurred_at == dt.datetime(2023, 4, 4)
    assert tasks["Send Quote"].author.login == "sf-005DC000003E79YYAS" and tasks["Send Quote"].contact_id == person.id

    again = importer.run("salesforce", sample, commit=True)
    totals = again.totals()
    assert (totals.new, totals.updated, totals.unchanged) == (0, 0, 9)
    assert Activity.select().count() == 2 and User.select().count() == 2


USERS = "Id,Username,FirstName,LastName,Name,Email,IsActive,ManagerId\n" \
        "005A,kim@corp.test,Kim,Johnson,Kim Johnson,kim@corp.test,true,005B\n" \
        "005B,boss@corp.test,Bo,Ss,Bo Ss,boss@corp.test,1,\n"
ACCOUNTS = (
    BOM + "Id,IsDeleted,Name,Type,Industry,AnnualRevenue,OwnerId,BillingAddress\n"
    '001A,0,Acme,Customer - Direct,Energy,250000,005A,"{""city"":""Hanoi"",""street"":""1 Trang Tien""}"\n'
    "001B,false,Prospective Co,Prospect,,,005Z,\n"
    "001C,1,Deleted Co,,,,005A,\n"
)
CONTACTS = (
    "Id,AccountId,FirstName,LastName,Email,MobilePhone,Birthdate\n"
    "003A,001A,Lan,Tran,lan@acme.test,+84 90,1985-02-03\n"
    "003B,,No,Account,,,\n"
)
CASES = (
    "Id,CaseNumber,AccountId,ContactId,Subject,Priority,Status,IsEscalated,IsClosed,CreatedDate,ClosedDate\n"
    "500A,0001,,003A,Only a contact,URGENT,escalated,,false,2024-01-22T14:49:34.000+0000,\n"
    "500B,0002,,,Nobody,low,new,0,0,2024-01-23T10:00:00.000+0000,\n"
    '500C,0003,001A,,"Multi\nline subject? no: description",Normal,Closed,false,true,2024-01-01T09:00:00.000+0000,2024-01-02T09:00:00.000+0000\n'
)
TASKS = (
    "Id,AccountId,WhoId,WhatId,Subject,Status,IsClosed,TaskSubtype,ActivityDate,CreatedDate,Description,OwnerId,CallDurationInSeconds\n"
    '00TA,,,500A,Call with CFO,completed,,Call,2024-01-24,2024-01-24T08:00:00.000+0000,"first line\r\nsecond line",005A,610\n'
    "00TB,,003A,,Email follow-up,COMPLETED,,Email,2024-01-25,2024-01-25T08:00:00.000+0000,,005Q,\n"
    "00TC,,00QLEAD,,Lead call,Completed,,Call,2024-01-26,2024-01-26T08:00:00.000+0000,,005A,\n"
    "00TD,001A,,,Prepare deck,Not Started,false,Task,2024-02-01,2024-01-26T08:00:00.000+0000,,005A,\n"
)
EVENTS = (
    "Id,AccountId,WhoId,WhatId,Subject,StartDateTime,DurationInMinutes,OwnerId\n"
    "00UA,,,006R,Site visit at plant,2024-03-05T02:30:00.000+0000,90,005A\n"
)
OPPORTUNITIES = (
    "Id,AccountId,Name,Type,StageName,CloseDate,IsClosed,IsWon,Amount\n"
    "006R,001A,Acme renewal 2024,Renewal,Closed Won,2024-03-31,true,true,250000\n"
    "006N,001A,Acme expansion,New Business,Prospecting,2024-09-30,false,false,10000\n"
    "006L,001A,Acme add-on,New Business,closed lost,2024-02-01,,,\n"
    "006X,001A,Broken,New Business,Prospecting,someday,,,\n"
)


def messy(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        write(folder, name, text)
    return folder


def test_messy_export_links_through_contacts_cases_and_opportunities(db, tmp_path):
    folder = messy(tmp_path / "sf", **{"User.csv": USERS, "Account.csv": ACCOUNTS, "Contact.csv": CONTACTS,
                                       "Case.csv": CASES, "Task.csv": TASKS, "Event.csv": EVENTS,
                                       "Opportunity.csv": OPPORTUNITIES.replace("006X,001A,Broken,New Business,Prospecting,someday,,,\n", "")})
    report = importer.run("salesforce", folder, commit=True)
    assert report.committed, report.render()
    skipped = {(p.file, p.line): p.reason for p in report.skipped}
    assert skipped == {
        ("Account.csv", 4): "deleted in Salesforce",
        ("Contact.csv", 3): "cannot link to an account: no AccountId",
        ("Case.csv", 3): "cannot link to an account: no AccountId / ContactId",
        ("Task.csv", 5): "cannot link to an account: WhoId 00QLEAD not found in the export or the database",
    }
    acme = Account.get(Account.external_id == "sf:001A")
    assert acme.owner.login == "kim@corp.test" and acme.owner.manager.login == "boss@corp.test"
    assert acme.contract_start == dt.date(2024, 3, 31) and acme.renewal_date == dt.date(2025, 3, 31)
    assert Account.get(Account.external_id == "sf:001B").status == "prospect"
    assert Account.get(Account.external_id == "sf:001B").owner.login == "sf-005Z"
    lan = Contact.get(Contact.external_id == "sf:003A")
    assert (lan.name, lan.phone, lan.birthday) == ("Lan Tran", "+84 90", dt.date(1985, 2, 3))
    only_contact = CustomerCase.get(CustomerCase.external_id == "sf:500A")
    assert (only_contact.account_id, only_contact.severity, only_contact.escalated) == (acme.id, "critical", True)
    assert only_contact.opened_at == local("2024-01-22T14:49:34")
    closed = CustomerCase.get(CustomerCase.external_id == "sf:500C")
    assert closed.severity == "medium" and closed.closed_at == local("2024-01-02T09:00:00")
    kinds = {a.external_id: (a.kind, a.account_id, a.duration_min) for a in Activity.select()}
    assert kinds == {
        "sf:00TA": ("call", acme.id, 10),  # through its case
        "sf:00TB": ("email", acme.id, None),  # through its contact
        "sf:00TD": ("note", acme.id, None),  # not started: a to-do
        "sf:00UA": ("visit", acme.id, 90),  # an event through its opportunity
    }
    assert Activity.get(Activity.external_id == "sf:00TA").summary == "first line\nsecond line"
    assert Activity.get(Activity.external_id == "sf:00TB").author.login == "sf-005Q"
    milestones = {m.external_id: (m.kind, m.status, m.due_on) for m in Milestone.select()}
    assert milestones == {
        "sf:006R": ("renewal", "done", dt.date(2024, 3, 31)),
        "sf:006N": ("contract", "planned", dt.date(2024, 9, 30)),
        "sf:006L": ("contract", "missed", dt.date(2024, 2, 1)),
    }
    assert importer.run("salesforce", folder).totals().new == 0


def test_a_later_export_links_to_records_stored_by_an_earlier_one(db, tmp_path):
    messy(tmp_path / "first", **{"Account.csv": ACCOUNTS, "Contact.csv": CONTACTS})
    importer.run("salesforce", tmp_path / "first", commit=True)
    messy(tmp_path / "second", **{"Task.csv": TASKS.replace(",,,500A,", ",,003A,,")})
    report = importer.run("salesforce", tmp_path / "second", commit=True)
    assert report.committed and Activity.get(Activity.external_id == "sf:00TA").contact.name == "Lan Tran"


def test_bad_values_reject_everything_with_file_line_and_column(db, tmp_path):
    folder = messy(tmp_path / "sf", **{"Account.csv": ACCOUNTS, "Opportunity.csv": OPPORTUNITIES,
                                       "Case.csv": CASES.replace("Normal", "P1")})
    report = importer.run("salesforce", folder, commit=True)
    assert report.exit_code == 1 and not report.committed
    assert {(p.file, p.line, p.column) for p in report.rejected} == {
        ("Opportunity.csv", 5, "CloseDate"), ("Case.csv", 4, "Priority"),
    }
    assert Account.select().count() == 0 and Milestone.select().count() == 0


def test_owner_map_names_existing_users(db_url, db, tmp_path, capsys):
    f.user("kim.johnson")
    folder = messy(tmp_path / "sf", **{"Account.csv": ACCOUNTS})
    write(tmp_path, "owners.csv", "Id,login\n005A,kim.johnson\n005Z,kim.johnson\n")
    code, out, _ = run(capsys, "import", "salesforce", folder, "--owner-map", tmp_path / "owners.csv", "--db", db_url, "--commit")
    assert code == 0 and "placeholder" not in out
    assert {a.owner.login for a in Account.select()} == {"kim.johnson"}
    assert User.select().count() == 1


def test_owner_map_to_an_unknown_login_is_rejected(db, tmp_path):
    folder = messy(tmp_path / "sf", **{"Account.csv": ACCOUNTS})
    report = importer.run("salesforce", folder, owner_map={"005A": "ghost"})
    assert [(p.line, p.column, p.reason) for p in report.rejected] == [(2, "OwnerId", "no user with login 'ghost'")]


@pytest.mark.parametrize(
    "hints, default, kind",
    [
        (["Call", None, None, "Anything"], "note", "call"),
        ([None, "Email", None, "Re: contract"], "note", "email"),
        ([None, "Task", None, "On-site workshop"], "note", "visit"),
        ([None, "Task", None, "QBR prep"], "note", "meeting"),
        ([None, "Task", None, "Send Quote"], "note", "note"),
        ([None, None, None, None], "meeting", "meeting"),
    ],
)
def test_activity_kind_from_type_subtype_and_subject(hints, default, kind):
    assert activity_kind(hints, default) == kind


def test_unusable_salesforce_folders_exit_2(db_url, db, tmp_path, capsys):
    code, _, err = run(capsys, "import", "salesforce", tmp_path, "--db", db_url)
    assert code == 2 and "no Salesforce export files" in err
    write(tmp_path, "Account.csv", "Name\nAcme\n")
    code, _, err = run(capsys, "import", "salesforce", tmp_path, "--db", db_url)
    assert code == 2 and "Account.csv: missing column(s) Id" in err


def test_a_missing_or_unusable_owner_map_exits_2(db_url, db, tmp_path, capsys):
    folder = messy(tmp_path / "sf", **{"Account.csv": ACCOUNTS})
    code, _, err = run(capsys, "import", "salesforce", folder, "--owner-map", tmp_path / "nope.csv", "--db", db_url)
    assert code == 2 and "--owner-map" in err and "no such file" in err
    write(tmp_path, "owners.csv", "Id,user\n005A,kim\n")
    code, _, err = run(capsys, "import", "salesforce", folder, "--owner-map", tmp_path / "owners.csv", "--db", db_url)
    assert code == 2 and "owners.csv: missing column(s) login" in err
