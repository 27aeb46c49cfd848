"""`acct-tui import salesforce DIR`: a Salesforce data export folder.

Reads any of User.csv, Account.csv, Contact.csv, Opportunity.csv, Case.csv,
Task.csv and Event.csv (names matched case-insensitively). External ids are
the Salesforce ids prefixed `sf:` so they never collide with another source.

Mapping (documented in the README):

- User -> users: login = Username (lower case), name, email, active, manager.
- Account -> accounts: Name, Industry, AnnualRevenue -> annual_value,
  CurrencyIsoCode, Type (prospect / former customer) -> status, OwnerId -> owner.
- Contact -> contacts: Name, Title, Email, Phone (else MobilePhone), Birthdate,
  CreatedDate (when they arrived: `added_on`).
- Opportunity -> opportunities: kind from Type, else Name (`opportunity_kind`),
  Amount, CurrencyIsoCode (else the account's currency), StageName,
  Probability, CloseDate, IsClosed / IsWon -> open, won or lost (closed on the
  CloseDate), OwnerId, CreatedDate. Each is also a milestone, as before:
  kind `renewal` when Type or Name says renew, else `contract`; CloseDate is
  the due date; won -> done, lost -> missed. The latest won *recurring* one
  (renewal / subscription / recurring / annual in Type or Name) sets the
  account's contract_start (its close date) and renewal_date (a year later).
- A CurrencyIsoCode that is not an ISO 4217 code is a rejected row.
- Case -> cases: Priority -> severity, IsEscalated (or status Escalated),
  CreatedDate / ClosedDate.
- Task / Event -> activities: kind from Type, TaskSubtype or Subject
  (visit, meeting, call, email; a task otherwise a note, an event a meeting).
  A task that is not completed is a to-do, not a touch: it becomes a note so
  it does not reset the contact clock.

Linking: a contact needs its AccountId; a case its AccountId or a ContactId
whose contact has one; a task or event its AccountId, or a WhatId naming an
account, case or opportunity, or a WhoId naming a contact. Each is looked up
in the export and in what earlier imports stored. A record that cannot be
linked is skipped and reported (it is not an error in the data: tasks about
leads are common), as are rows Salesforce marks deleted.

Owners: --owner-map (Id,login) first, then User.csv, else one inactive
placeholder user `sf-<OwnerId>` per unknown owner, reported, to hand over
with `acct-tui reassign`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from acct_tui import enums
from acct_tui.core.currency import currency_code
from acct_tui.errors import UsageError
from acct_tui.io import common
from acct_tui.io.common import Problem, ReportBuilder, Row
from acct_tui.io.crm import CrmImport, external_key, opportunity_kind, probability
from acct_tui.io.plan import Batch, Ref, Staged
from acct_tui.models import Account, Activity, Contact, CustomerCase, Milestone, Opportunity, User

PREFIX = "sf:"
FILES = ("User.csv", "Account.csv", "Contact.csv", "Opportunity.csv", "Case.csv", "Task.csv", "Event.csv")
SEVERITY = {"low": "low", "medium": "medium", "normal": "medium", "high": "high", "critical": "critical", "urgent": "critical"}
RECURRING_WORDS = ("renew", "recurring", "subscription", "annual")
DONE_STATUSES = ("completed", "complete", "closed", "done")
USED = {
    "User.csv": ("Id", "Username", "Name", "FirstName", "LastName", "Email", "IsActive", "ManagerId"),
    "Account.csv": ("Id", "IsDeleted", "Name", "Type", "Industry", "AnnualRevenue", "CurrencyIsoCode", "OwnerId"),
    "Contact.csv": ("Id", "IsDeleted", "AccountId", "Name", "FirstName", "LastName", "Title", "Email", "Phone",
                    "MobilePhone", "Birthdate", "CreatedDate"),
    "Opportunity.csv": ("Id", "IsDeleted", "AccountId", "Name", "Type", "StageName", "CloseDate", "IsClosed", "IsWon",
                        "Amount", "CurrencyIsoCode", "Probability", "OwnerId", "CreatedDate"),
    "Case.csv": ("Id", "IsDeleted", "CaseNumber", "AccountId", "ContactId", "Subject", "Priority", "Status",
                 "IsEscalated", "IsClosed", "CreatedDate", "ClosedDate"),
    "Task.csv": ("Id", "IsDeleted", "AccountId", "WhoId", "WhatId", "Subject", "Description", "Status", "IsClosed",
                 "Type", "TaskSubtype", "CallType", "ActivityDate", "CompletedDateTime", "CreatedDate",
                 "CallDurationInSeconds", "OwnerId"),
    "Event.csv": ("Id", "IsDeleted", "AccountId", "WhoId", "WhatId", "Subject", "Description", "Type", "EventSubtype",
                  "Location", "StartDateTime", "ActivityDateTime", "ActivityDate", "CreatedDate",
                  "DurationInMinutes", "OwnerId"),
}


def sf(record_id: str) -> str:
    """The external id of a Salesforce record: `sf:` and its id (see `crm.external_key`)."""
    return external_key(PREFIX, record_id)


def find_files(directory: Path) -> dict[str, Path]:
    """The export's files by their canonical name (Salesforce spells them `Account.csv`)."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    by_lower = {p.name.lower(): p for p in directory.iterdir() if p.is_file()}
    found = {name: by_lower[name.lower()] for name in FILES if name.lower() in by_lower}
    if not found:
        raise UsageError(f"{directory}: no Salesforce export files ({', '.join(FILES)}) found")
    return found


def activity_kind(hints: list[str | None], default: str) -> str:
    """visit, meeting, call or email from the first hint that names one."""
    for hint in hints:
        word = (hint or "").lower()
        if "visit" in word or "on-site" in word or "onsite" in word:
            return "visit"
        if "meeting" in word or "qbr" in word or "demo" in word:
            return "meeting"
        if "call" in word:
            return "call"
        if "email" in word or "e-mail" in word:
            return "email"
    return default


class _Import(CrmImport):
    """One Salesforce folder, read into a batch with its links resolved."""

    PREFIX = PREFIX

    def __init__(self, directory: Path, builder: ReportBuilder, owner_map: dict[str, str], base_currency: str):
        super().__init__(builder, owner_map, base_currency)
        self.files = find_files(directory)
        # Read everything first: an unusable file stops the import before any work.
        self.rows: dict[str, list[Row]] = {}
        for name, path in self.files.items():
            header, rows = common.read_csv(path, required=("Id",), unescape=True)
            note = common.unknown_columns(path.name, header, USED[name])
            if note:
                builder.note(note.replace("unknown column(s)", "unmapped column(s)"))
            self.rows[name] = rows
            builder.bucket(path.name)
        self.users: dict[str, str] = {}  # Salesforce user id -> login
        self.contact_account = self.stored_links(Contact)
        self.case_account = self.stored_links(CustomerCase)
        self.opp_account = self.stored_links(Milestone)

    def label(self, name: str) -> str:
        return self.files[name].name

    def each(self, name: str):
        """Live rows of one file (deleted ones are skipped and reported)."""
        for row in self.rows.get(name, ()):
            if row.raw("Id") is None:
                row.bad("Id", "is required")
                self.builder.reject(self.label(name), row.problems)
                continue
            if row.has("IsDeleted") and row.parse("IsDeleted", common.boolean):
                self.builder.skip(self.label(name), Problem(row.file, row.line, "IsDeleted", "deleted in Salesforce"))
                continue
            yield row

    def done(self, name: str, row: Row, model, values: dict[str, Any], refs: dict[str, Ref]) -> Staged | None:
        return self.stage(self.label(name), row, model, values, refs)

    def skip(self, name: str, row: Row, column: str | None, reason: str) -> None:
        self.builder.skip(self.label(name), Problem(row.file, row.line, column, reason))

    # -- owners ----------------------------------------------------------------

    def owner(self, row: Row, column: str = "OwnerId") -> Ref | None:
        owner_id = row.raw(column)
        if owner_id is None:
            return None
        login = self.owner_map.get(owner_id) or self.users.get(owner_id)
        if login is None:
            login = f"sf-{owner_id}"
            self.users[owner_id] = login
            self.placeholders.append(owner_id)
            self.batch.add(User, Staged(row.file, row.line, {
                "login": login, "name": f"Salesforce user {owner_id}", "active": False,
            }, label="placeholder owners"))
        return Ref(User, login, column)

    def read_users(self) -> None:
        rows = list(self.each("User.csv"))
        for row in rows:
            username = row.raw("Username")
            self.users[row.raw("Id")] = (username or f"sf-{row.raw('Id')}").lower()
        for row in rows:
            name = row.text("Name") or " ".join(filter(None, [row.text("FirstName"), row.text("LastName")]))
            values = {"login": self.users[row.raw("Id")], "name": name or self.users[row.raw("Id")]}
            if row.has("Email"):
                values["email"] = row.text("Email", max_len=200)
            if row.has("IsActive"):
                values["active"] = bool(row.parse("IsActive", common.boolean))
            refs = {}
            manager = row.raw("ManagerId")
            if manager and manager in self.users:
                refs["manager"] = Ref(User, self.users[manager], "ManagerId")
            self.done("User.csv", row, User, values, refs)

    # -- accounts and contacts -------------------------------------------------

    def read_accounts(self) -> None:
        for row in self.each("Account.csv"):
            values = {"external_id": sf(row.raw("Id")), "name": row.text("Name", required=True, max_len=200)}
            if row.has("Industry"):
                values["industry"] = row.text("Industry", max_len=80)
            if row.has("AnnualRevenue"):
                values["annual_value"] = row.parse("AnnualRevenue", common.decimal) or 0
            if row.raw("CurrencyIsoCode"):
                values["currency"] = row.parse("CurrencyIsoCode", currency_code)
            kind = (row.raw("Type") or "").lower()
            if "prospect" in kind:
                values["status"] = "prospect"
            elif "former" in kind or "churn" in kind:
                values["status"] = "churned"
            elif "customer" in kind:
                values["status"] = "active"
            owner = self.owner(row)
            record = self.done("Account.csv", row, Account, values, {"owner": owner} if owner else {})
            if record:
                self.accounts.add(values["external_id"])
                self.account_rows[values["external_id"]] = record

    def account_of(self, row: Row, links: list[tuple[str, dict[str, str] | None]]) -> str | None:
        """The account external id reached through the first column that links to one."""
        for column, via in links:
            value = row.raw(column)
            if not value:
                continue
            key = sf(value)
            if via is None and key in self.accounts:
                return key
            if via is not None and via.get(key) in self.accounts:
                return via[key]
        return None

    def read_contacts(self) -> None:
        for row in self.each("Contact.csv"):
            account = self.account_of(row, [("AccountId", None)])
            if account is None:
                self.skip("Contact.csv", row, "AccountId", self._unlinked(row, ["AccountId"]))
                continue
            name = row.text("Name") or " ".join(filter(None, [row.text("FirstName"), row.text("LastName")]))
            if not name:
                row.bad("Name", "is required")
            values = {
                "external_id": sf(row.raw("Id")), "name": (name or "")[:160], "title": row.text("Title", max_len=160),
                "email": row.text("Email", max_len=200),
                "phone": row.text("Phone", max_len=60) or row.text("MobilePhone", max_len=60),
                "birthday": row.parse("Birthdate", common.date),
                # When the person came on the client's side; none given stays unknown, never "today".
                "added_on": row.parse("CreatedDate", common.date),
            }
            if self.done("Contact.csv", row, Contact, values, {"account": Ref(Account, account, "AccountId")}):
                self.contact_account[values["external_id"]] = account

    @staticmethod
    def _unlinked(row: Row, columns: list[str]) -> str:
        given = [f"{c} {row.raw(c)}" for c in columns if row.raw(c)]
        if not given:
            return f"cannot link to an account: no {' / '.join(columns)}"
        return f"cannot link to an account: {', '.join(given)} not found in the export or the database"

    # -- opportunities, cases, activities ---------------------------------------

    def read_opportunities(self) -> None:
        renewals: dict[str, dt.date] = {}
        name = "Opportunity.csv"
        for row in self.each(name):
            account = self.account_of(row, [("AccountId", None)])
            if account is None:
                self.skip(name, row, "AccountId", self._unlinked(row, ["AccountId"]))
                continue
            words = f"{row.raw('Type') or ''} {row.raw('Name') or ''}".lower()
            stage = (row.raw("StageName") or "").lower()
            closed = row.parse("IsClosed", common.boolean) if row.raw("IsClosed") else stage.startswith("closed")
            won = row.parse("IsWon", common.boolean) if row.raw("IsWon") else stage == "closed won"
            due = row.parse("CloseDate", common.date, required=True)
            title = row.text("Name", required=True, max_len=300)
            milestone = {
                "external_id": sf(row.raw("Id")), "title": title, "kind": "renewal" if "renew" in words else "contract",
                "due_on": due, "status": "done" if won else ("missed" if closed else "planned"),
                "completed_on": due if won else None,
            }
            status = "won" if won else ("lost" if closed else "open")
            chance = row.parse("Probability", probability) if row.raw("Probability") else None
            opportunity = {
                "external_id": milestone["external_id"], "name": title, "kind": opportunity_kind(row.raw("Type"), row.raw("Name")),
                "amount": row.parse("Amount", common.decimal) or 0,
                "currency": row.parse("CurrencyIsoCode", currency_code) if row.raw("CurrencyIsoCode") else self.currency_of(account),
                "stage": row.text("StageName", max_len=80) or "", "close_date": due, "status": status,
                "probability": chance if chance is not None else {"won": 100}.get(status, 0),
                "closed_on": due if closed or won else None,
            }
            if row.raw("CreatedDate"):
                opportunity["created_on"] = row.parse("CreatedDate", common.date)
            refs = {"account": Ref(Account, account, "AccountId")}
            owner = self.owner(row)
            deal_refs = {**refs, **({"owner": owner} if owner else {})}
            if not milestone["external_id"].startswith(PREFIX):
                # Written by acct-tui's own export: its account has its milestones and dates already.
                self.done(name, row, Opportunity, opportunity, deal_refs)
                continue
            if self.done(name, row, Milestone, milestone, dict(refs)):
                self.batch.add(Opportunity, Staged(row.file, row.line, opportunity, deal_refs,
                                                   label=f"{self.label(name)} (opportunities)"))
                self.opp_account[milestone["external_id"]] = account
                if won and any(w in words for w in RECURRING_WORDS) and due > renewals.get(account, dt.date.min):
                    renewals[account] = due
        for account, closed_on in renewals.items():
            dates = {"contract_start": closed_on, "renewal_date": closed_on + relativedelta(years=1)}
            if account in self.account_rows:
                self.account_rows[account].values.update(dates)
            else:  # an account stored by an earlier import: update just these dates
                self.batch.add(Account, Staged(self.label("Opportunity.csv"), 0, {"external_id": account, **dates},
                                               label=f"{self.label('Opportunity.csv')} (renewal dates)"))

    def read_cases(self) -> None:
        for row in self.each("Case.csv"):
            account = self.account_of(row, [("AccountId", None), ("ContactId", self.contact_account)])
            if account is None:
                self.skip("Case.csv", row, "AccountId", self._unlinked(row, ["AccountId", "ContactId"]))
                continue
            priority = row.parse("Priority", common.choice(enums.CASE_SEVERITIES, SEVERITY))
            escalated = row.parse("IsEscalated", common.boolean) if row.raw("IsEscalated") else False
            closed = row.parse("IsClosed", common.boolean) if row.raw("IsClosed") else False
            subject = row.text("Subject", max_len=300) or f"Case {row.raw('CaseNumber') or row.raw('Id')}"
            values = {
                "external_id": sf(row.raw("Id")), "subject": subject, "severity": priority or "medium",
                "opened_at": row.parse("CreatedDate", common.moment, required=True),
                "closed_at": row.parse("ClosedDate", common.moment) if closed or row.raw("ClosedDate") else None,
                "escalated": bool(escalated) or (row.raw("Status") or "").lower() == "escalated",
            }
            refs = {"account": Ref(Account, account, "AccountId")}
            contact = row.raw("ContactId")
            if contact and self.contact_account.get(sf(contact)) == account:
                refs["contact"] = Ref(Contact, sf(contact), "ContactId")
            if self.done("Case.csv", row, CustomerCase, values, refs):
                self.case_account[values["external_id"]] = account

    def read_activities(self, name: str) -> None:
        event = name == "Event.csv"
        for row in self.each(name):
            what = row.raw("WhatId") or ""
            links = [("AccountId", None)]
            links.append(("WhatId", None if what.startswith("001") else self.case_account if what.startswith("500") else self.opp_account))
            links.append(("WhoId", self.contact_account))
            account = self.account_of(row, links)
            if account is None:
                self.skip(name, row, "AccountId", self._unlinked(row, ["AccountId", "WhatId", "WhoId"]))
                continue
            hints = [row.raw("Type"), row.raw("EventSubtype" if event else "TaskSubtype"), row.raw("CallType") and "call", row.raw("Subject")]
            kind = activity_kind(hints, "meeting" if event else "note")
            if not event:
                status = (row.raw("Status") or "").lower()
                closed = row.parse("IsClosed", common.boolean) if row.raw("IsClosed") else False
                if not (closed or status in DONE_STATUSES):
                    kind = "note"
            when = None
            for column in (("StartDateTime", "ActivityDateTime", "ActivityDate") if event else ("CompletedDateTime", "ActivityDate")) + ("CreatedDate",):
                if row.raw(column):
                    when = row.parse(column, common.moment)
                    break
            if when is None and not row.problems:
                row.bad("ActivityDate", "no date (ActivityDate, CreatedDate) to place it in time")
            duration = None
            if event and row.raw("DurationInMinutes"):
                duration = row.parse("DurationInMinutes", common.integer(0, 100_000))
            elif row.raw("CallDurationInSeconds"):
                seconds = row.parse("CallDurationInSeconds", common.integer(0, None))
                duration = None if seconds is None else round(seconds / 60)
            values = {
                "external_id": sf(row.raw("Id")), "kind": kind, "occurred_at": when,
                "subject": row.text("Subject", max_len=300) or "", "summary": row.text("Description"),
                "duration_min": duration,
            }
            refs = {"account": Ref(Account, account, "AccountId")}
            author = self.owner(row)
            if author:
                refs["author"] = author
            who = row.raw("WhoId")
            if who and self.contact_account.get(sf(who)) == account:
                refs["contact"] = Ref(Contact, sf(who), "WhoId")
            self.done(name, row, Activity, values, refs)

    def run(self) -> Batch:
        self.read_users()
        self.read_accounts()
        self.read_contacts()
        self.read_opportunities()
        self.read_cases()
        self.read_activities("Task.csv")
        self.read_activities("Event.csv")
        return self.finish("owner id(s) not in User.csv or --owner-map", ["sf-" + p for p in self.placeholders])


def parse_dir(directory: Path, builder: ReportBuilder, owner_map: dict[str, str], base_currency: str = "USD") -> Batch:
    """Read a Salesforce export folder into a batch; problems go to the report."""
    return _Import(directory, builder, owner_map, base_currency).run()
