"""The HubSpot importer, on hand-made exports with HubSpot's column labels."""

from __future__ import annotations

import datetime as dt

from acct_tui.io import importer
from acct_tui.models import Account, Activity, CustomerCase, Contact, Milestone, User
from tests import factories as f
from tests.io_helpers import run, write

COMPANIES = (
    "\ufeffRecord ID,Company name,Company owner,Industry,Annual Revenue,Lifecycle Stage,Create Date,Company Domain Name\n"
    "101,Acme,Minh Pham,Energy,500000,Customer,2023-01-01 10:00,acme.test\n"
    "102,Prospect Co,Jane Roe,,,Lead,2024-01-01,\n"
)
CONTACTS = (
    "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Associated Company IDs,Contact owner\n"
    "201,Lan,Tran,lan@acme.test,+84 1,CTO,101,Minh Pham\n"
    "202,No,Company,,,,,\n"
)
DEALS = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal Type,Amount,Associated Company IDs\n"
    "301,Acme annual renewal,Closed Won,2025-06-30,Existing Business,500000,101\n"
    "302,Acme pilot,Appointment Scheduled,2026-12-15,New Business,1000,101;102\n"
)
TICKETS = (
    "Record ID,Ticket name,Priority,Create date,Close date,Ticket status,Associated Company IDs,Associated Contact IDs\n"
    "401,Login broken,URGENT,2026-10-01 09:00,,Escalated to engineering,,201\n"
    "402,Invoice question,Low,2026-09-01 09:00,2026-09-02 09:00,Closed,101,\n"
)
ACTIVITIES = (
    "Activity ID,Activity type,Activity date,Subject,Body,Activity assigned to,Associated Company IDs,Associated Contact IDs,Associated Deal IDs\n"
    '501,CALL,2026-11-02 15:00,Check-in,"Talked about\nthe renewal",Minh Pham,101,201,\n'
    "502,MEETING,2026-11-05 09:00,Site visit at the plant,,Minh Pham,,,301\n"
    "503,NOTE,2026-11-06 09:00,,internal note,Minh Pham,,,\n"
    "504,TASK,2026-11-07 09:00,Send deck,,Ghost Owner,101,,\n"
)


def export(folder, **files):
    for name, text in files.items():
        write(folder, name, text)
    return folder


def test_hubspot_export_maps_links_and_reimports_as_a_no_op(db, tmp_path):
    f.user("minh.pham", name="Minh Pham")
    folder = export(tmp_path / "hs", **{
        "hubspot-crm-exports-all-companies-2026-11-20.csv": COMPANIES, "all-contacts.csv": CONTACTS,
        "all-deals.csv": DEALS, "all-tickets.csv": TICKETS, "activities.csv": ACTIVITIES,
    })
    report = importer.run("hubspot", folder, commit=True)
    assert report.committed, report.render()
    assert {(p.file, p.line) for p in report.skipped} == {("all-contacts.csv", 3), ("activities.csv", 5)}  # 501 spans two lines
    acme = Account.get(Account.external_id == "hs:101")
    assert (acme.name, acme.owner.login, acme.status, float(acme.annual_value)) == ("Acme", "minh.pham", "active", 500000)
    assert acme.renewal_date == dt.date(2026, 6, 30) and acme.contract_start == dt.date(2025, 6, 30)
    prospect = Account.get(Account.external_id == "hs:102")
    assert prospect.status == "prospect" and prospect.owner.login == "hs-jane-roe" and not prospect.owner.active
    assert Contact.get().name == "Lan Tran"
    assert {m.external_id: (m.kind, m.status) for m in Milestone.select()} == {
        "hs:301": ("renewal", "done"), "hs:302": ("contract", "planned"),
    }
    login = CustomerCase.get(CustomerCase.external_id == "hs:401")
    assert (login.account_id, login.severity, login.escalated, login.closed_at) == (acme.id, "critical", True, None)
    kinds = {a.external_id: (a.kind, a.account_id) for a in Activity.select()}
    assert kinds == {"hs:501": ("call", acme.id), "hs:502": ("visit", acme.id), "hs:504": ("note", acme.id)}
    call = Activity.get(Activity.external_id == "hs:501")
    assert call.summary == "Talked about\nthe renewal" and call.contact.name == "Lan Tran" and call.author.login == "minh.pham"
    assert any("Ghost Owner" in n for n in report.notes)

    again = importer.run("hubspot", folder, commit=True)
    assert again.totals().new == 0 and again.totals().updated == 0
    assert User.select().count() == 3


def test_hubspot_bad_rows_reject_the_import(db_url, db, tmp_path, capsys):
    folder = export(tmp_path / "hs", **{
        "companies.csv": COMPANIES,
        "tickets.csv": TICKETS.replace("2026-09-01 09:00,2026", "yesterday,2026").replace("Low", "whenever"),
    })
    code, out, _ = run(capsys, "import", "hubspot", folder, "--db", db_url, "--commit")
    assert code == 1
    assert "rejected: tickets.csv:3: Create date: 'yesterday' is not an ISO 8601 time" in out
    assert "rejected: tickets.csv:3: Priority: 'whenever' is not one of low, medium, high, critical" in out
    assert Account.select().count() == 0


def test_hubspot_unusable_folders_exit_2(db_url, db, tmp_path, capsys):
    write(tmp_path, "readme.txt", "hello")
    code, _, err = run(capsys, "import", "hubspot", tmp_path, "--db", db_url)
    assert code == 2 and "no HubSpot export files" in err
    write(tmp_path, "companies.csv", "Name,Industry\nAcme,Energy\n")
    code, _, err = run(capsys, "import", "hubspot", tmp_path, "--db", db_url)
    assert code == 2 and "companies.csv: missing column Record ID" in err
