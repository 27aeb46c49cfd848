"""`acct-tui export salesforce|hubspot DIR`: accounts and opportunities as those CRMs write them.

What `import salesforce` and `import hubspot` read back, so opportunities
round-trip through both formats: Salesforce's `User.csv`, `Account.csv` and
`Opportunity.csv`; HubSpot's `companies.csv` and `deals.csv`. Only what the
user may see (the access rules), formula-safe like every CSV we write.

Ids: a record imported from that CRM gets its own id back (`sf:0015...` is
written `0015...`); any other record is written under the key the own format
uses (its external id, else `acct-<id>`), which the importers keep as it is
(it holds `-` or `:`, which the CRMs' ids never do). Such a row is then
read as an opportunity only: acct-tui's own accounts already have their
milestones and renewal dates.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

from acct_tui.io.common import escape_formula
from acct_tui.io.csvdir import own_key
from acct_tui.models import Account, Opportunity, User
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids

SF_TYPES = {"renewal": "Renewal", "expansion": "Existing Customer - Upgrade", "cross_sell": "Cross-Sell"}
HS_TYPES = {"renewal": "Renewal", "expansion": "Expansion", "cross_sell": "Cross-sell"}
SF_ACCOUNT_TYPES = {"active": "Customer", "prospect": "Prospect", "churned": "Former Customer"}
HS_STAGES = {"active": "customer", "prospect": "lead", "churned": "former customer"}
HS_CLOSED = {"won": "Closed Won", "lost": "Closed Lost"}


def crm_id(prefix: str, row_id: int, external_id: str | None) -> str:
    """The id a CRM export writes: the CRM's own id for its records, else our key for the record."""
    if external_id and external_id.startswith(prefix):
        return external_id[len(prefix):]
    return own_key(row_id, external_id)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return escape_formula(str(value))


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    return count


def _accounts(viewer: Viewer) -> list[dict]:
    query = Account.select().order_by(Account.id)
    return list(scope_accounts(query, viewer).dicts())


def _opportunities(viewer: Viewer) -> list[dict]:
    query = Opportunity.select().where(Opportunity.account.in_(visible_account_ids(viewer))).order_by(Opportunity.id)
    return list(query.dicts())


def _users(ids: set[int | None]) -> dict[int, dict]:
    wanted = sorted(i for i in ids if i)
    query = User.select().where(User.id.in_(wanted)).order_by(User.login)
    return {row["id"]: row for row in query.dicts()} if wanted else {}


def export_salesforce(directory: Path, viewer: Viewer) -> dict[str, int]:
    """User.csv, Account.csv and Opportunity.csv into `directory`; rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)
    accounts, deals = _accounts(viewer), _opportunities(viewer)
    users = _users({a["owner"] for a in accounts} | {d["owner"] for d in deals})
    login = {i: u["login"] for i, u in users.items()}
    account_ids = {a["id"]: crm_id("sf:", a["id"], a["external_id"]) for a in accounts}
    written = {}
    written["User.csv"] = _write(directory / "User.csv", ("Id", "Username", "Name", "Email", "IsActive", "ManagerId"), (
        (u["login"], u["login"], u["name"], u["email"], u["active"], login.get(u["manager"])) for u in users.values()
    ))
    written["Account.csv"] = _write(directory / "Account.csv", (
        "Id", "Name", "Type", "Industry", "AnnualRevenue", "CurrencyIsoCode", "OwnerId",
    ), (
        (account_ids[a["id"]], a["name"], SF_ACCOUNT_TYPES[a["status"]], a["industry"], a["annual_value"], a["currency"],
         login.get(a["owner"])) for a in accounts
    ))
    written["Opportunity.csv"] = _write(directory / "Opportunity.csv", (
        "Id", "AccountId", "Name", "Type", "StageName", "Amount", "CurrencyIsoCode", "Probability", "CloseDate",
        "IsClosed", "IsWon", "OwnerId", "CreatedDate",
    ), (
        (crm_id("sf:", d["id"], d["external_id"]), account_ids[d["account"]], d["name"], SF_TYPES[d["kind"]], d["stage"], d["amount"], d["currency"], d["probability"], d["close_date"],
         d["status"] != "open", d["status"] == "won", login.get(d["owner"]), d["created_on"]) for d in deals
    ))
    return written


def export_hubspot(directory: Path, viewer: Viewer) -> dict[str, int]:
    """companies.csv and deals.csv into `directory`; owners by email (else login), as HubSpot names them."""
    directory.mkdir(parents=True, exist_ok=True)
    accounts, deals = _accounts(viewer), _opportunities(viewer)
    users = _users({a["owner"] for a in accounts} | {d["owner"] for d in deals})
    owner = {i: u["email"] or u["login"] for i, u in users.items()}
    account_ids = {a["id"]: crm_id("hs:", a["id"], a["external_id"]) for a in accounts}
    written = {}
    written["companies.csv"] = _write(directory / "companies.csv", (
        "Record ID", "Company name", "Industry", "Annual Revenue", "Currency", "Company owner", "Lifecycle Stage",
    ), (
        (account_ids[a["id"]], a["name"], a["industry"], a["annual_value"], a["currency"], owner.get(a["owner"]),
         HS_STAGES[a["status"]]) for a in accounts
    ))
    written["deals.csv"] = _write(directory / "deals.csv", (
        "Record ID", "Deal Name", "Deal Type", "Deal Stage", "Amount", "Currency", "Deal probability", "Close Date",
        "Create Date", "Deal owner", "Associated Company IDs",
    ), (
        (crm_id("hs:", d["id"], d["external_id"]), d["name"], HS_TYPES[d["kind"]], HS_CLOSED.get(d["status"], d["stage"]),
         d["amount"], d["currency"], _fraction(d["probability"]), d["close_date"], d["created_on"], owner.get(d["owner"]),
         account_ids[d["account"]]) for d in deals
    ))
    return written


def _fraction(percent: int) -> str:
    """HubSpot's deal probability: a fraction of 1."""
    return format((Decimal(percent) / 100).normalize(), "f")


EXPORTERS = {"salesforce": export_salesforce, "hubspot": export_hubspot}
