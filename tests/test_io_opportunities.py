"""Opportunities and rates through every format: own CSV, Salesforce, HubSpot; ISO 4217 checked on the way in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from acct_tui.io import importer
from acct_tui.io.crm import opportunity_kind
from acct_tui.models import Account, Milestone, Opportunity, Rate, User
from tests.io_helpers import empty_database, rich_data, run, write


def deals() -> list[tuple]:
    """Every opportunity as a person would compare them: by account name and owner login, no ids."""
    rows = []
    for o in Opportunity.select().join(Account).order_by(Opportunity.name):
        rows.append((
            o.account.name, o.kind, o.name, Decimal(str(o.amount)).quantize(Decimal("0.01")), o.currency, o.stage,
            o.probability, o.close_date, o.status, o.closed_on, o.created_on, o.owner.login if o.owner else None,
        ))
    return rows


def files(folder) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_opportunities_round_trip_through_each_crm_format(db_url, db, tmp_path, capsys, crm):
    rich_data()
    before = deals()
    assert len(before) == 3
    code, out, err = run(capsys, "export", crm, tmp_path / "out", "--db", db_url)
    assert code == 0, err
    exported = files(tmp_path / "out")
    assert "'=Renewal 2027" in "".join(exported.values())  # formula-safe for spreadsheets

    # Into the same database: every record is found again, nothing is duplicated.
    milestones = Milestone.select().count()
    report = importer.run(crm, tmp_path / "out", commit=True)
    assert report.committed and not report.rejected and not report.skipped, report.render()
    assert deals() == before and Milestone.select().count() == milestones
    assert importer.run(crm, tmp_path / "out").totals().new == 0

    # Into an empty database (HubSpot carries no users: they are there already).
    if crm == "hubspot":
        Account.delete().execute()
    else:
        empty_database()
    report = importer.run(crm, tmp_path / "out", commit=True)
    assert report.committed, report.render()
    assert deals() == before
    assert Milestone.select().count() == 0  # acct-tui's own opportunities: no invented milestones
    run(capsys, "export", crm, tmp_path / "again", "--db", db_url)
    assert files(tmp_path / "again") == exported


def test_the_own_format_carries_opportunities_and_rates(db_url, db, tmp_path, capsys):
    rich_data()
    before, rates = deals(), sorted((r.currency, r.quote, r.as_of, r.rate) for r in Rate.select())
    run(capsys, "export", "dir", tmp_path, "--db", db_url)
    assert (tmp_path / "rates.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "EUR,1.0823,2026-11-01,USD", "VND,0.0000394,2026-11-01,USD",
    ]
    empty_database()
    assert importer.run("dir", tmp_path, commit=True).committed
    assert deals() == before
    assert sorted((r.currency, r.quote, r.as_of, r.rate) for r in Rate.select()) == rates


SF_ACCOUNTS = "Id,Name,CurrencyIsoCode\n001A,Acme,EUR\n001B,Beta,\n001C,Gamma,EURO\n"
SF_OPPS = (
    "Id,AccountId,Name,Type,StageName,Amount,CurrencyIsoCode,Probability,CloseDate,IsClosed,IsWon,OwnerId,CreatedDate\n"
    "006A,001A,Acme renewal 2027,Existing Customer - Replacement,Negotiation,1000,,75.0,2027-01-31,false,false,005A,2026-10-01T09:00:00.000+0000\n"
    "006B,001A,Acme analytics add-on,New Customer,Closed Won,250,USD,100,2026-06-30,true,true,,\n"
    "006C,001B,Beta seats,Existing Customer - Upgrade,Closed Lost,80,,,2026-05-31,true,false,,\n"
    "006D,001B,Beta bad money,,Prospecting,10,XXX,10,2026-12-31,false,false,,\n"
    "006E,001B,Beta odd chance,,Prospecting,10,USD,150,2026-12-31,false,false,,\n"
)


def test_salesforce_opportunities_read_kind_money_and_chance_and_refuse_unknown_currencies(db, tmp_path):
    write(tmp_path, "Account.csv", SF_ACCOUNTS)
    write(tmp_path, "Opportunity.csv", SF_OPPS)
    report = importer.run("salesforce", tmp_path, base_currency="SGD")
    rejected = {(p.file, p.line, p.column): p.reason for p in report.rejected}
    assert rejected == {
        ("Account.csv", 4, "CurrencyIsoCode"): "'EURO' is not a currency code (ISO 4217, like USD, EUR, VND)",
        ("Opportunity.csv", 5, "CurrencyIsoCode"): "'XXX' is not a currency code (ISO 4217, like USD, EUR, VND)",
        ("Opportunity.csv", 6, "Probability"): "'150' is not a percentage (from 0 to 100)",
    }
    assert Opportunity.select().count() == 0  # a rejected row blocks the commit too
    write(tmp_path, "Account.csv", SF_ACCOUNTS.replace("001C,Gamma,EURO\n", ""))
    write(tmp_path, "Opportunity.csv", "\n".join(SF_OPPS.splitlines()[:4]) + "\n")
    report = importer.run("salesforce", tmp_path, commit=True, base_currency="SGD")
    assert report.committed, report.render()
    got = {o.external_id: o for o in Opportunity.select()}
    renewal, addon, seats = got["sf:006A"], got["sf:006B"], got["sf:006C"]
    assert (renewal.kind, renewal.currency, renewal.probability, renewal.status, renewal.closed_on) == ("renewal", "EUR", 75, "open", None)
    assert renewal.created_on == dt.date(2026, 10, 1) and renewal.owner.login == "sf-005A"
    assert (addon.kind, addon.amount, addon.currency, addon.status, addon.closed_on) == ("cross_sell", 250, "USD", "won", dt.date(2026, 6, 30))
    assert (seats.kind, seats.currency, seats.status, seats.probability) == ("expansion", "SGD", "lost", 0)  # Beta has no currency
    # ... and each is still a milestone, setting the renewal dates as before.
    assert Milestone.get(Milestone.external_id == "sf:006A").kind == "renewal"


@pytest.mark.parametrize(
    "type_text, name, kind",
    [
        ("Renewal", "Seats", "renewal"),
        ("Existing Customer - Upgrade", "Renewal of the add-on", "expansion"),  # the Type decides
        ("Existing Customer - Replacement", "Renewal 2027", "renewal"),  # a Type that says nothing: the Name
        ("New Business", "Analytics add-on", "cross_sell"),
        ("", "Cross-sell training", "cross_sell"),
        (None, "Second site", "expansion"),
    ],
)
def test_the_kind_comes_from_the_type_then_the_name(type_text, name, kind):
    assert opportunity_kind(type_text, name) == kind


HS_COMPANIES = "Record ID,Company name,Currency\n101,Acme,VND\n"
HS_DEALS = (
    "Record ID,Deal Name,Deal Type,Deal Stage,Amount,Currency,Deal probability,Close Date,Associated Company IDs\n"
    "901,Acme more seats,existingbusiness,Contract sent,5000000,,0.8,2026-12-31,101\n"
    "902,Acme renewal,newbusiness,closedwon,1000,USD,1,2026-03-31,101\n"
    "903,Acme bad,newbusiness,closedlost,1,DOGE,0,2026-03-31,101\n"
    "904,Acme pct,newbusiness,appointmentscheduled,1,USD,40%,2026-03-31,101\n"
)


def test_hubspot_deals_read_fractions_currencies_and_refuse_unknown_codes(db, tmp_path):
    write(tmp_path, "companies.csv", HS_COMPANIES)
    write(tmp_path, "deals.csv", HS_DEALS)
    report = importer.run("hubspot", tmp_path)
    assert [(p.line, p.column, p.reason) for p in report.rejected] == [
        (4, "Currency", "'DOGE' is not a currency code (ISO 4217, like USD, EUR, VND)"),
    ]
    write(tmp_path, "deals.csv", HS_DEALS.replace("903,Acme bad,newbusiness,closedlost,1,DOGE,0,2026-03-31,101\n", ""))
    assert importer.run("hubspot", tmp_path, commit=True).committed
    got = {o.external_id: o for o in Opportunity.select()}
    assert (got["hs:901"].currency, got["hs:901"].probability, got["hs:901"].stage, got["hs:901"].kind) == ("VND", 80, "Contract sent", "expansion")
    assert (got["hs:902"].kind, got["hs:902"].status, got["hs:902"].probability) == ("renewal", "won", 100)
    assert got["hs:904"].probability == 40
    assert Account.get().currency == "VND"


def test_own_format_rejects_currencies_outside_iso_4217(db, tmp_path):
    write(tmp_path, "accounts.csv", "external_id,name,currency\nA-1,Acme,eur\nA-2,Beta,EURO\n")
    write(tmp_path, "opportunities.csv", "external_id,account,kind,name,amount,currency,close_date,probability\n"
                                         "O-1,A-1,upsell,Seats,5,US$,2026-12-31,120\n")
    report = importer.run("dir", tmp_path)
    assert {(p.file, p.line, p.column) for p in report.rejected} == {
        ("accounts.csv", 3, "currency"), ("opportunities.csv", 2, "kind"), ("opportunities.csv", 2, "currency"),
        ("opportunities.csv", 2, "probability"),
    }
    write(tmp_path, "accounts.csv", "external_id,name,currency\nA-1,Acme,eur\n")
    write(tmp_path, "opportunities.csv", "external_id,account,kind,name,amount,currency,close_date\nO-1,A-1,expansion,Seats,5,usd,2026-12-31\n")
    assert importer.run("dir", tmp_path, commit=True).committed
    assert (Account.get().currency, Opportunity.get().currency, Opportunity.get().status) == ("EUR", "USD", "open")


def test_rates_import_is_a_dry_run_until_commit_and_quotes_in_the_base(db_url, db, tmp_path, capsys):
    write(tmp_path, "fx.csv", "currency,rate,as_of\nEUR,0.92,2026-11-01\nVND,0.000036,2026-11-01\n")
    code, out, _ = run(capsys, "rates", "import", tmp_path / "fx.csv", "--db", db_url)
    assert code == 0 and "dry run" in out and Rate.select().count() == 0
    config = write(tmp_path, "config.toml", 'base_currency = "chf"\n')
    code, out, _ = run(capsys, "rates", "import", tmp_path / "fx.csv", "--commit", "--db", db_url, "--config", config)
    assert code == 0 and "committed" in out
    assert {(r.currency, r.quote) for r in Rate.select()} == {("EUR", "CHF"), ("VND", "CHF")}
    code, out, _ = run(capsys, "rates", "-f", "csv", "--db", db_url)
    assert out.splitlines()[1] == "EUR,CHF,2026-11-01,0.92,1.087"
    code, out, _ = run(capsys, "rates", "import", tmp_path / "fx.csv", "--db", db_url, "--user", User.create(login="x", name="X").login)
    assert code != 0


def test_a_bad_base_currency_in_the_config_is_refused(db_url, tmp_path, capsys):
    config = write(tmp_path, "config.toml", 'base_currency = "EURO"\n')
    code, _, err = run(capsys, "rates", "--db", db_url, "--config", config)
    assert code == 2 and "base_currency" in err and "ISO 4217" in err
