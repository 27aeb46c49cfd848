"""Shared by the import/export tests: running the CLI, a rich data set, table snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from acct_tui.cli import main
from acct_tui.io.csvdir import FILES, own_key
from acct_tui.io.plan import lookup_field
from acct_tui.models import ALL_MODELS, Account, Contact, Opportunity, Rate, Team, User
from tests import factories as f


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def empty_database() -> None:
    """Delete every row (children first): an empty database for the re-import."""
    for model in reversed(ALL_MODELS):
        model.delete().execute()


def rich_data() -> dict:
    """An organisation with one of everything the own format carries, and awkward text."""
    org = f.org()
    a1, b1 = org["a1"], org["b1"]
    a1.external_id = "ACME-1"
    a1.contact_days, a1.visit_days = 10, 40
    a1.renewal_date, a1.contract_start = dt.date(2027, 3, 1), dt.date(2024, 3, 1)
    a1.industry, a1.currency, a1.annual_value = "=HYPERLINK(\"x\")", "EUR", 123456.78
    a1.save()
    org["b2"].status, org["b2"].churned_on = "churned", dt.date(2026, 6, 30)
    org["b2"].save()
    champion = f.contact(a1, "Lan Trần", external_id="C-1", email="lan@acme.test", birthday=dt.date(1980, 4, 23))
    f.contact(b1, "-Bob", role="other", left_on=dt.date(2026, 1, 2))
    f.activity(a1, "visit", dt.datetime(2026, 11, 3, 14, 30, 5), contact=champion, summary="line one\nline two, \"quoted\"",
               outcome="@mention", sentiment=-2, duration_min=45, attendees="Lan; Minh", confirmed_by="Lan",
               intent_to_leave=True, external_id="ACT-1")
    f.activity(b1, "call", dt.datetime(2026, 10, 1, 9, 0), author=org["am2"], confidential=True, subject="+secret")
    f.action_item(a1, "Send proposal", dt.date(2026, 11, 25))
    f.action_item(b1, "Old promise", dt.date(2026, 9, 1), status="done", done_on=dt.date(2026, 9, 2))
    f.milestone(a1, "Renewal 2027", "renewal", dt.date(2027, 3, 1))
    f.milestone(b1, "QBR", "qbr", dt.date(2026, 10, 1), status="done", completed_on=dt.date(2026, 10, 1))
    f.planned_visit(a1, dt.date(2026, 12, 2), purpose="Quarterly review")
    f.case(a1, dt.datetime(2026, 10, 5, 8, 0), "high", closed_at=dt.datetime(2026, 10, 9, 17, 0), escalated=True)
    f.metric(a1, dt.date(2026, 9, 1), "revenue", 10500.5)
    f.metric(a1, dt.date(2026, 10, 1), "usage", -3.25)
    f.receivable(a1, 1999.99, dt.date(2026, 11, 1), paid_on=dt.date(2026, 11, 10))
    f.receivable(b1, -50, dt.date(2026, 12, 1))
    Opportunity.create(account=a1, kind="renewal", name="=Renewal 2027", amount=123456.78, currency="EUR", stage="Proposal",
                       probability=60, close_date=dt.date(2027, 3, 1), owner=org["am1"], created_on=dt.date(2026, 10, 1))
    Opportunity.create(account=b1, kind="cross_sell", name='Add-on, "quoted"', amount=500_000_000, currency="VND",
                       stage="Closed Won", probability=100, close_date=dt.date(2026, 9, 3), status="won",
                       closed_on=dt.date(2026, 9, 3), created_on=dt.date(2026, 8, 1), external_id="OPP-9", owner=org["am2"])
    Opportunity.create(account=a1, kind="expansion", name="More seats", amount=0, currency="USD", stage="Closed Lost",
                       probability=0, close_date=dt.date(2026, 6, 30), status="lost", closed_on=dt.date(2026, 6, 30),
                       created_on=dt.date(2026, 5, 2))
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate=Decimal("1.0823"))
    Rate.create(currency="VND", quote="USD", as_of=dt.date(2026, 11, 1), rate=Decimal("0.0000394"))
    return org


def _keys(model) -> dict[int, str]:
    name = lookup_field(model)
    rows = model.select(model.id, getattr(model, name)).tuples()
    return {i: (own_key(i, k) if name == "external_id" else k) for i, k in rows}


def snapshot() -> dict[str, list[tuple]]:
    """Every table the format carries, read straight from the models, ids replaced by natural keys."""
    keys = {m: _keys(m) for m in (Team, User, Account, Contact)}
    result = {}
    for spec in FILES:
        rows = []
        for row in spec.model.select():
            values = []
            for column in spec.columns:
                value = row.__data__.get(column.name)
                if column.kind == "ref" and value is not None:
                    value = keys[column.target][value]
                if column.name == "external_id":
                    value = own_key(row.id, value)
                if isinstance(value, float):
                    value = round(value, 6)
                values.append(str(value) if value is not None else None)
            rows.append(tuple(values))
        result[spec.name] = sorted(rows, key=lambda r: tuple(v or "" for v in r))
    return result
