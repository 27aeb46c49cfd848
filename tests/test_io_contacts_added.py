"""When a contact arrived on the client's side (`added_on`) comes through every import
format and the export, so a history replay knows when a successor took over. A file
that does not say leaves it unknown (None), never "today"."""

from __future__ import annotations

import datetime as dt

from acct_tui.io import importer
from acct_tui.io.csvdir import export_dir
from acct_tui.models import Contact
from acct_tui.services.access import OPERATOR
from tests import factories as f
from tests.io_helpers import write


def added(external_id: str):
    return Contact.get(Contact.external_id == external_id).added_on


def test_own_format_reads_and_writes_added_on(db, tmp_path):
    write(tmp_path, "users.csv", "login,name,role\nminh.pham,Minh Pham,am\n")
    write(tmp_path, "accounts.csv", "external_id,name,tier,owner\nA-1,Acme,key,minh.pham\n")
    write(tmp_path, "contacts.csv", "external_id,account,name,role,added_on,left_on\n"
                                    "C-1,A-1,Old,champion,2023-02-01,2026-10-01\nC-2,A-1,New,champion,2026-09-15,\nC-3,A-1,Who,user,,\n")
    report = importer.run("dir", tmp_path, commit=True)
    assert report.committed, report.render()
    assert (added("C-1"), added("C-2"), added("C-3")) == (dt.date(2023, 2, 1), dt.date(2026, 9, 15), None)
    out = tmp_path / "out"
    export_dir(out, OPERATOR)
    lines = (out / "contacts.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert "added_on" in header
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["C-2"][header.index("added_on")] == "2026-09-15" and rows["C-3"][header.index("added_on")] == ""


def test_salesforce_created_date_is_when_the_contact_arrived(db, tmp_path):
    write(tmp_path / "sf", "Account.csv", "Id,Name,Type\n001A,Acme,Customer\n")
    write(tmp_path / "sf", "Contact.csv", "Id,AccountId,FirstName,LastName,CreatedDate\n"
                                          "003A,001A,Lan,Tran,2024-05-06T08:00:00.000+0000\n003B,001A,Bao,Le,\n")
    report = importer.run("salesforce", tmp_path / "sf", commit=True)
    assert report.committed, report.render()
    assert (added("sf:003A"), added("sf:003B")) == (dt.date(2024, 5, 6), None)


def test_hubspot_create_date_is_when_the_contact_arrived(db, tmp_path):
    f.user("minh.pham", name="Minh Pham")
    write(tmp_path / "hs", "all-companies.csv", "Record ID,Company name,Company owner,Lifecycle Stage\n101,Acme,Minh Pham,Customer\n")
    write(tmp_path / "hs", "all-contacts.csv", "Record ID,First Name,Last Name,Associated Company IDs,Create Date\n"
                                               "201,Lan,Tran,101,2025-03-04 10:00\n202,Bao,Le,101,\n")
    report = importer.run("hubspot", tmp_path / "hs", commit=True)
    assert report.committed, report.render()
    assert (added("hs:201"), added("hs:202")) == (dt.date(2025, 3, 4), None)
