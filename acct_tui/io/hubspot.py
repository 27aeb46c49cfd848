"""`acct-tui import hubspot DIR`: a HubSpot CRM export folder.

HubSpot names export files after the view (`all-companies.csv`,
`hubspot-crm-exports-my-deals-2024-05-01.csv`), so files are recognised by
a word in their name: compan(y/ies), contact, deal, ticket, and activit(y/ies)
/ engagement / call / meeting / email / note / task (several activity files
are fine). Columns are matched by their export labels, case-insensitively,
with the common variants (e.g. "Associated Company IDs" or "Associated
Company ID"). External ids are the record ids prefixed `hs:`.

Mapping (documented in the README):

- companies -> accounts: Company name, Industry, Annual Revenue, Company
  owner, Lifecycle Stage (customer -> active; lead, subscriber, MQL, SQL,
  opportunity -> prospect).
- contacts -> contacts: First/Last Name, Email, Phone Number (else Mobile),
  Job Title, Date of birth, Create Date (when they arrived: `added_on`); the first
  of "Associated Company IDs".
- deals -> opportunities, as Salesforce's: Deal Name, Deal Type (else the
  name) for the kind, Amount, Currency (else the company's), Deal Stage
  (closed won -> won, closed lost -> lost), Deal probability (a fraction),
  Close Date, Create Date, Deal owner. Each is also a milestone (closed won
  -> done, closed lost -> missed, renewal when Deal Type or name says so);
  the latest won recurring deal sets the account's contract start and
  renewal date (a year later).
- tickets -> cases: Ticket name, Priority (urgent -> critical), Create date,
  Close date, escalated when the status or stage says so.
- activities -> activities: Activity type (call, email, meeting, note, task
  -> note), Activity date, Subject/Title, Body/Notes, assigned owner; linked
  through company ids, else contact, deal or ticket ids.

Owners are the owner's name or email as HubSpot writes it: --owner-map
(Id,login, where Id is that text) first, then an existing user with exactly
that name or email, else one inactive placeholder user `hs-<name>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from dateutil.relativedelta import relativedelta

from acct_tui import enums
from acct_tui.core.currency import currency_code
from acct_tui.errors import UsageError
from acct_tui.io import common
from acct_tui.io.common import Problem, ReportBuilder, Row
from acct_tui.io.crm import CrmImport, external_key, opportunity_kind, probability
from acct_tui.io.plan import Batch, Ref, Staged
from acct_tui.io.salesforce import RECURRING_WORDS, SEVERITY, activity_kind
from acct_tui.models import Account, Activity, Contact, CustomerCase, Milestone, Opportunity, User

PREFIX = "hs:"


def hs(record_id: str) -> str:
    """The external id of a HubSpot record: `hs:` and its id (see `crm.external_key`)."""
    return external_key(PREFIX, record_id)


KINDS = (
    ("companies", ("compan",)),
    ("contacts", ("contact",)),
    ("deals", ("deal",)),
    ("tickets", ("ticket",)),
    ("activities", ("activit", "engagement", "call", "meeting", "email", "note", "task")),
)
PROSPECT_STAGES = ("lead", "subscriber", "marketingqualifiedlead", "marketing qualified lead",
                   "salesqualifiedlead", "sales qualified lead", "opportunity")
ENGAGEMENT_KINDS = {"call": "call", "email": "email", "incoming_email": "email", "forwarded_email": "email",
                    "meeting": "meeting", "note": "note", "task": "note"}
COLUMNS = {
    "id": ("Record ID", "Company ID", "Contact ID", "Deal ID", "Ticket ID", "Activity ID", "Engagement ID"),
    "company_name": ("Company name", "Name"),
    "owner": ("Company owner", "Contact owner", "Deal owner", "Ticket owner", "Activity assigned to",
              "Assigned to", "HubSpot Owner", "Owner", "Created by"),
    "industry": ("Industry",),
    "revenue": ("Annual Revenue",),
    "stage": ("Lifecycle Stage",),
    "first": ("First Name",),
    "last": ("Last Name",),
    "email": ("Email",),
    "phone": ("Phone Number", "Mobile Phone Number"),
    "title": ("Job Title",),
    "birthday": ("Date of birth", "Birthdate"),
    "companies": ("Associated Company IDs", "Associated Company ID", "Associated Company IDs (Primary)", "Company ID"),
    "contacts": ("Associated Contact IDs", "Associated Contact ID"),
    "deals": ("Associated Deal IDs", "Associated Deal ID"),
    "tickets": ("Associated Ticket IDs", "Associated Ticket ID"),
    "deal_name": ("Deal Name",),
    "deal_stage": ("Deal Stage",),
    "deal_type": ("Deal Type",),
    "amount": ("Amount",),
    "currency": ("Currency", "Deal currency code", "Currency code"),
    "probability": ("Deal probability", "Probability", "Forecast probability"),
    "close_date": ("Close Date", "Close date"),
    "ticket_name": ("Ticket name", "Subject"),
    "priority": ("Priority",),
    "ticket_status": ("Ticket status", "Pipeline stage", "Status"),
    "created": ("Create date", "Create Date", "Created date"),
    "activity_type": ("Activity type", "Engagement type", "Type"),
    "activity_date": ("Activity date", "Timestamp", "Create date", "Create Date"),
    "subject": ("Subject", "Title", "Activity subject", "Call title", "Meeting name", "Task title", "Email subject"),
    "body": ("Body", "Notes", "Activity body", "Call notes", "Meeting description", "Note body", "Description"),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "owner"


def find_files(directory: Path) -> list[tuple[str, Path]]:
    """(kind, path) for each recognised CSV file, in dependency order."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    found = []
    for kind, words in KINDS:
        for path in files:
            name = path.name.lower()
            first = next((k for k, w in KINDS if any(x in name for x in w)), None)
            if first == kind:
                found.append((kind, path))
    if not found:
        raise UsageError(f"{directory}: no HubSpot export files (companies, contacts, deals, tickets, activities) found")
    return found


class _Import(CrmImport):
    """One HubSpot folder, read into a batch with its links resolved."""

    PREFIX = PREFIX

    def __init__(self, directory: Path, builder: ReportBuilder, owner_map: dict[str, str], base_currency: str):
        super().__init__(builder, owner_map, base_currency)
        self.files = []
        for kind, path in find_files(directory):
            header, rows = common.read_csv(path, unescape=True)
            lower = {h.lower(): h for h in header}
            pick = {key: next((lower[a.lower()] for a in aliases if a.lower() in lower), None)
                    for key, aliases in COLUMNS.items()}
            if pick["id"] is None:
                raise UsageError(f"{path.name}: missing column Record ID (found: {', '.join(header[:8])})")
            note = common.unknown_columns(path.name, header, [c for c in pick.values() if c])
            if note:
                builder.note(note.replace("unknown column(s)", "unmapped column(s)"))
            builder.bucket(path.name)
            self.files.append((kind, path.name, pick, rows))
        users = list(User.select(User.login, User.name, User.email).tuples())
        self.known_users = {}
        for login, name, email in users:
            for text in filter(None, (name, email, login)):
                self.known_users.setdefault(text.lower(), set()).add(login)
        self.owners: dict[str, str] = {}
        self.links = {kind: self.stored_links(model) for kind, model in
                      (("contacts", Contact), ("deals", Milestone), ("tickets", CustomerCase))}
        self.renewals: dict[str, object] = {}

    # -- helpers ---------------------------------------------------------------

    def owner(self, row: Row, pick: dict) -> Ref | None:
        column = pick["owner"]
        value = row.raw(column) if column else None
        if value is None:
            return None
        login = self.owner_map.get(value) or self.owners.get(value)
        if login is None:
            matches = self.known_users.get(value.lower(), set())
            if len(matches) == 1:
                login = next(iter(matches))
            else:
                login = f"hs-{_slug(value)}"
                self.placeholders.append(value)
                self.batch.add(User, Staged(row.file, row.line, {"login": login, "name": value[:120], "active": False},
                                            label="placeholder owners"))
            self.owners[value] = login
        return Ref(User, login, column)

    @staticmethod
    def ids(row: Row, column: str | None) -> list[str]:
        value = row.raw(column) if column else None
        return [hs(part) for part in re.split(r"[;,]", value or "") if part.strip()]

    def account_of(self, row: Row, pick: dict, via: tuple[str, ...]) -> str | None:
        for key in ("companies",) + via:
            for ref in self.ids(row, pick[key]):
                account = ref if key == "companies" else self.links[key].get(ref)
                if account in self.accounts:
                    return account
        return None

    def linked(self, name: str, pick: dict, rows: list[Row], via: tuple[str, ...]):
        """(row, account) for each row that links to a company (directly, else `via`); the rest are reported."""
        for row in rows:
            account = self.account_of(row, pick, via)
            if account is None:
                self.unlinked(name, row, pick, via)
            else:
                yield row, account

    def unlinked(self, name: str, row: Row, pick: dict, via: tuple[str, ...]) -> None:
        given = [f"{pick[k]} {row.raw(pick[k])}" for k in ("companies",) + via if pick[k] and row.raw(pick[k])]
        reason = ("cannot link to a company: " + ", ".join(given) + " not found in the export or the database"
                  if given else "cannot link to a company: no associated company" + (" or " + "/".join(via) if via else ""))
        self.builder.skip(name, Problem(row.file, row.line, pick["companies"], reason))

    def done(self, name: str, row: Row, model, values: dict, refs: dict) -> Staged | None:
        return self.stage(name, row, model, values, refs)

    def get(self, row: Row, pick: dict, key: str, parser=None, required: bool = False, max_len: int | None = None):
        column = pick[key]
        if column is None:
            if required:
                row.bad(COLUMNS[key][0], "is required (no such column)")
            return None
        if parser is None:
            return row.text(column, required=required, max_len=max_len)
        return row.parse(column, parser, required=required)

    # -- objects ---------------------------------------------------------------

    def companies(self, name: str, pick: dict, rows: list[Row]) -> None:
        for row in rows:
            values = {"external_id": hs(row.raw(pick["id"])),
                      "name": self.get(row, pick, "company_name", required=True, max_len=200)}
            if pick["industry"]:
                values["industry"] = self.get(row, pick, "industry", max_len=80)
            if pick["revenue"]:
                values["annual_value"] = self.get(row, pick, "revenue", common.decimal) or 0
            if pick["currency"] and row.raw(pick["currency"]):
                values["currency"] = self.get(row, pick, "currency", currency_code)
            stage = (row.raw(pick["stage"]) if pick["stage"] else None) or ""
            if stage.lower() == "customer":
                values["status"] = "active"
            elif stage.lower() in PROSPECT_STAGES:
                values["status"] = "prospect"
            elif stage.lower() in ("former customer", "churned"):
                values["status"] = "churned"
            owner = self.owner(row, pick)
            record = self.done(name, row, Account, values, {"owner": owner} if owner else {})
            if record:
                self.accounts.add(values["external_id"])
                self.account_rows[values["external_id"]] = record

    def contacts(self, name: str, pick: dict, rows: list[Row]) -> None:
        for row, account in self.linked(name, pick, rows, ()):
            full = " ".join(filter(None, [self.get(row, pick, "first"), self.get(row, pick, "last")]))
            full = full or self.get(row, pick, "email") or ""
            if not full:
                row.bad(pick["first"] or "First Name", "a contact needs a name or an email")
            values = {"external_id": hs(row.raw(pick["id"])), "name": full[:160],
                      "email": self.get(row, pick, "email", max_len=200), "phone": self.get(row, pick, "phone", max_len=60),
                      "title": self.get(row, pick, "title", max_len=160),
                      "birthday": self.get(row, pick, "birthday", common.date),
                      # When the person came on the client's side; none given stays unknown, never "today".
                      "added_on": self.get(row, pick, "created", common.date)}
            if self.done(name, row, Contact, values, {"account": Ref(Account, account, pick["companies"])}):
                self.links["contacts"][values["external_id"]] = account

    def deals(self, name: str, pick: dict, rows: list[Row]) -> None:
        for row, account in self.linked(name, pick, rows, ()):
            title = self.get(row, pick, "deal_name", required=True, max_len=300)
            deal_type = self.get(row, pick, "deal_type")
            words = f"{deal_type or ''} {title or ''}".lower()
            stage_text = self.get(row, pick, "deal_stage", max_len=80) or ""
            stage = stage_text.lower().replace(" ", "")
            won, lost = stage == "closedwon", stage == "closedlost"
            due = self.get(row, pick, "close_date", common.date, required=True)
            external_id = hs(row.raw(pick["id"]))
            milestone = {"external_id": external_id, "title": title, "due_on": due,
                         "kind": "renewal" if "renew" in words else "contract",
                         "status": "done" if won else ("missed" if lost else "planned"), "completed_on": due if won else None}
            status = "won" if won else ("lost" if lost else "open")
            # HubSpot writes a deal's probability as a fraction (0.4); 40% also reads.
            chance = self.get(row, pick, "probability", lambda text: probability(text, fractions=True))
            deal = {"external_id": external_id, "name": title, "kind": opportunity_kind(deal_type, title),
                    "amount": self.get(row, pick, "amount", common.decimal) or 0,
                    "currency": self.get(row, pick, "currency", currency_code) or self.currency_of(account),
                    "stage": stage_text, "close_date": due, "status": status,
                    "probability": chance if chance is not None else {"won": 100}.get(status, 0),
                    "closed_on": due if status != "open" else None}
            created = self.get(row, pick, "created", common.date)
            if created is not None:
                deal["created_on"] = created
            refs = {"account": Ref(Account, account, pick["companies"])}
            owner = self.owner(row, pick)
            deal_refs = {**refs, **({"owner": owner} if owner else {})}
            if not external_id.startswith(PREFIX):
                # Written by acct-tui's own export: its account has its milestones and dates already.
                self.done(name, row, Opportunity, deal, deal_refs)
                continue
            if self.done(name, row, Milestone, milestone, dict(refs)):
                self.batch.add(Opportunity, Staged(row.file, row.line, deal, deal_refs, label=f"{name} (opportunities)"))
                self.links["deals"][external_id] = account
                if won and any(w in words for w in RECURRING_WORDS) and due > self.renewals.get(account, due.min):
                    self.renewals[account] = due

    def tickets(self, name: str, pick: dict, rows: list[Row]) -> None:
        for row, account in self.linked(name, pick, rows, ("contacts",)):
            status = (self.get(row, pick, "ticket_status") or "").lower()
            values = {"external_id": hs(row.raw(pick["id"])),
                      "subject": self.get(row, pick, "ticket_name", required=True, max_len=300),
                      "severity": self.get(row, pick, "priority", common.choice(enums.CASE_SEVERITIES, SEVERITY)) or "medium",
                      "opened_at": self.get(row, pick, "created", common.moment, required=True),
                      "closed_at": self.get(row, pick, "close_date", common.moment),
                      "escalated": "escalat" in status}
            if self.done(name, row, CustomerCase, values, {"account": Ref(Account, account, pick["companies"])}):
                self.links["tickets"][values["external_id"]] = account

    def activities(self, name: str, pick: dict, rows: list[Row]) -> None:
        for row, account in self.linked(name, pick, rows, ("contacts", "deals", "tickets")):
            kind_text = (self.get(row, pick, "activity_type") or "").lower().replace(" ", "_")
            subject = self.get(row, pick, "subject", max_len=300) or ""
            kind = ENGAGEMENT_KINDS.get(kind_text) or activity_kind([kind_text, subject], "note")
            if kind == "meeting" and activity_kind([subject], "meeting") == "visit":
                kind = "visit"
            values = {"external_id": hs(row.raw(pick["id"])), "kind": kind, "subject": subject,
                      "summary": self.get(row, pick, "body"),
                      "occurred_at": self.get(row, pick, "activity_date", common.moment, required=True)}
            refs = {"account": Ref(Account, account, pick["companies"] or "Associated Company IDs")}
            author = self.owner(row, pick)
            if author:
                refs["author"] = author
            contact = next((c for c in self.ids(row, pick["contacts"]) if self.links["contacts"].get(c) == account), None)
            if contact:
                refs["contact"] = Ref(Contact, contact, pick["contacts"])
            self.done(name, row, Activity, values, refs)

    def run(self) -> Batch:
        for kind, name, pick, rows in self.files:
            live = []
            for row in rows:
                if row.raw(pick["id"]) is None:
                    row.bad(pick["id"], "is required")
                    self.builder.reject(name, row.problems)
                else:
                    live.append(row)
            getattr(self, kind)(name, pick, live)
        for account, closed_on in self.renewals.items():
            dates = {"contract_start": closed_on, "renewal_date": closed_on + relativedelta(years=1)}
            if account in self.account_rows:
                self.account_rows[account].values.update(dates)
            else:
                self.batch.add(Account, Staged("deals", 0, {"external_id": account, **dates}, label="deals (renewal dates)"))
        return self.finish("owner(s) not in --owner-map or the users", self.placeholders)


def parse_dir(directory: Path, builder: ReportBuilder, owner_map: dict[str, str], base_currency: str = "USD") -> Batch:
    """Read a HubSpot export folder into a batch; problems go to the report."""
    return _Import(directory, builder, owner_map, base_currency).run()
