"""Exports: only what the user may see, formula escaping, and the calendar feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from icalendar import Calendar

from acct_tui.cli.output import csv_cell, escape_formula
from acct_tui.models import Alert, Opportunity, Rate
from tests import factories as f
from tests.io_helpers import run

ALL = {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Epsilon", "Zeta", "Eta Group", "Theta"}
SEES = {
    "minh.pham": {"Acme Corp", "Beta Ltd"},
    "lena.lead": {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Theta"},
    "sara.senior": {"Epsilon", "Zeta"},
    "jo.junior": {"Zeta"},
    "olga.other": {"Eta Group"},
    "ada.admin": ALL,
    None: ALL,
}


@pytest.fixture
def org(db):
    org = f.org()
    for key in ("a1", "a2", "b1", "b2", "s1", "j1", "o1", "l1"):
        acct = org[key]
        f.activity(acct, "call", dt.datetime(2026, 11, 2, 9, 0), subject=f"call {acct.name}")
        f.case(acct, dt.datetime(2026, 11, 1, 9, 0), subject=f"case {acct.name}")
        Alert.create(account=acct, rule="overdue_touch", severity="yellow", reason=f"quiet {acct.name}",
                     first_seen=dt.datetime(2026, 11, 1), last_seen=dt.datetime(2026, 11, 20))
    # Confidential: readable by the author, the author's lead and the operator only (not an admin).
    f.activity(org["b1"], "visit", dt.datetime(2026, 11, 3, 9, 0), author=org["am2"], subject="secret visit", confidential=True)
    for key in ("a1", "a2", "b1", "b2", "s1", "j1", "o1", "l1"):
        Opportunity.create(account=org[key], kind="expansion", name=f"seats {org[key].name}", amount=1_000, currency="USD",
                           close_date=dt.date(2026, 12, 31), probability=50)
    return org


def export(capsys, db_url, what, login, fmt="json"):
    argv = ["export", what, "-f", fmt, "--db", db_url] + (["--user", login] if login else [])
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("login", list(SEES))
def test_every_export_shows_only_what_the_user_may_see(db_url, org, capsys, login):
    expected = SEES[login]
    assert {r["name"] for r in export(capsys, db_url, "accounts", login)} == expected
    assert {r["account"] for r in export(capsys, db_url, "cases", login)} == expected
    assert {r["account"] for r in export(capsys, db_url, "alerts", login)} == expected
    assert {r["account"] for r in export(capsys, db_url, "opportunities", login)} == expected
    activities = export(capsys, db_url, "activities", login, fmt="csv")
    assert {r["account"] for r in activities} == expected
    secret = any(r["subject"] == "secret visit" for r in activities)
    assert secret == (login in ("lena.lead", None))  # an.nguyen is not among the logins here


def test_the_author_reads_their_confidential_record(db_url, org, capsys):
    rows = export(capsys, db_url, "activities", "an.nguyen")
    assert "secret visit" in {r["subject"] for r in rows}
    assert {r["account"] for r in rows} == {"Gamma Inc", "Delta Co"}


def test_export_json_uses_logins_external_ids_and_iso_dates(db_url, org, capsys):
    org["a1"].external_id = "ACME-1"
    org["a1"].save()
    [row] = [r for r in export(capsys, db_url, "activities", "minh.pham") if r["account"] == "Acme Corp"]
    assert row["account_external_id"] == "ACME-1" and row["author"] == "minh.pham"
    assert row["occurred_at"] == "2026-11-02T09:00:00"
    [alert] = [r for r in export(capsys, db_url, "alerts", "minh.pham") if r["account"] == "Acme Corp"]
    assert alert["owner"] == "minh.pham" and alert["severity"] == "yellow"


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1 555", "'+1 555"),
        ("-rm", "'-rm"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        ("", ""),
        (-5, "-5"),  # a number is data: escaping it would turn it into text
        (-2.5, "-2.5"),
        (None, ""),
        (True, "yes"),
    ],
)
def test_csv_cells_escape_text_formulas_but_not_numbers(value, cell):
    assert csv_cell(value) == cell


def test_csv_export_escapes_formulas_in_every_text_column(db_url, org, capsys, tmp_path):
    org["a1"].name = "=HYPERLINK(\"http://evil\",\"x\")"
    org["a1"].save()
    f.activity(org["a1"], "call", dt.datetime(2026, 11, 4), subject="@SUM(1)", summary="-1 day", sentiment=-2)
    out = tmp_path / "acts.csv"
    code, _, _ = run(capsys, "export", "activities", "-f", "csv", "-o", out, "--db", db_url)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    row = next(r for r in rows if r["subject"].endswith("@SUM(1)"))
    assert (row["account"], row["subject"], row["summary"], row["sentiment"]) == (
        escape_formula(org["a1"].name), "'@SUM(1)", "'-1 day", "-2")
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "@")) and not (value.startswith("-") and not value[1:].isdigit())


def test_unusable_output_file_is_one_line_exit_2(db_url, org, capsys, tmp_path):
    code, _, err = run(capsys, "export", "cases", "-o", tmp_path / "missing" / "x.csv", "--db", db_url)
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1


# -- the calendar feed -----------------------------------------------------------


@pytest.fixture
def calendar_data(org):
    am1, am2 = org["am1"], org["am2"]
    org["a1"].renewal_date = dt.date(2027, 3, 1)
    org["a1"].save()
    org["b1"].renewal_date = dt.date(2027, 4, 1)
    org["b1"].save()
    visit = f.planned_visit(org["a1"], dt.date(2026, 12, 2), purpose="QBR on site")
    f.planned_visit(org["a1"], dt.date(2026, 10, 2), status="done")
    f.planned_visit(org["b1"], dt.date(2026, 12, 3))
    milestone = f.milestone(org["a2"], "Go-live", due_on=dt.date(2026, 12, 15))
    f.milestone(org["a2"], "Old", due_on=dt.date(2026, 1, 15), status="done")
    item = f.action_item(org["a1"], "Send pricing", dt.date(2026, 11, 25), owner=am1)
    f.action_item(org["a1"], "Someone else's", dt.date(2026, 11, 26), owner=am2)
    f.action_item(org["a1"], "Closed", dt.date(2026, 11, 27), owner=am1, status="done")
    return dict(visit=visit, milestone=milestone, item=item, **org)


def feed(capsys, db_url, login, tmp_path=None):
    argv = ["ics", "--db", db_url] + (["--user", login] if login else [])
    if tmp_path is not None:
        argv += ["-o", tmp_path / "feed.ics"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    data = (tmp_path / "feed.ics").read_bytes() if tmp_path is not None else out.encode()
    events = Calendar.from_ical(data).walk("VEVENT")
    return {str(e["UID"]): (e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events}


def test_ics_feed_parses_back_with_my_events_and_stable_uids(db_url, calendar_data, capsys, tmp_path):
    d = calendar_data
    events = feed(capsys, db_url, "minh.pham", tmp_path)
    assert events == {
        f"planned-visit-{d['visit'].id}@acct-tui": (dt.date(2026, 12, 2), "Visit: Acme Corp"),
        f"renewal-account-{d['a1'].id}@acct-tui": (dt.date(2027, 3, 1), "Renewal: Acme Corp"),
        f"milestone-{d['milestone'].id}@acct-tui": (dt.date(2026, 12, 15), "Deliverable: Go-live (Beta Ltd)"),
        f"commitment-{d['item'].id}@acct-tui": (dt.date(2026, 11, 25), "Due: Send pricing (Acme Corp)"),
    }
    # A second export, after the visit moved: same UIDs, so a calendar updates instead of duplicating.
    d["visit"].scheduled_for = dt.date(2026, 12, 9)
    d["visit"].save()
    again = feed(capsys, db_url, "minh.pham")
    assert set(again) == set(events)
    assert again[f"planned-visit-{d['visit'].id}@acct-tui"][0] == dt.date(2026, 12, 9)


def test_ics_feed_is_scoped_to_the_user(db_url, calendar_data, capsys):
    assert feed(capsys, db_url, "olga.other") == {}
    # b1's visit and renewal; the commitment an.nguyen owes on a1 is on an account they may not see.
    assert {summary for _, summary in feed(capsys, db_url, "an.nguyen").values()} == {"Visit: Gamma Inc", "Renewal: Gamma Inc"}
    assert len(feed(capsys, db_url, None)) == 7


def test_a_renewal_milestone_on_the_renewal_date_is_one_event(db_url, calendar_data, capsys):
    a1 = calendar_data["a1"]
    same = f.milestone(a1, "Contract renewal", kind="renewal", due_on=dt.date(2027, 3, 1))
    other_day = f.milestone(a1, "Renewal talks", kind="renewal", due_on=dt.date(2027, 2, 1))
    events = feed(capsys, db_url, "minh.pham")
    on_renewal_day = {uid_: summary for uid_, (day, summary) in events.items() if day == dt.date(2027, 3, 1)}
    assert on_renewal_day == {f"milestone-{same.id}@acct-tui": "Renewal: Contract renewal (Acme Corp)"}
    assert f"milestone-{other_day.id}@acct-tui" in events
    # once that milestone is done, the account's renewal date is the event again
    same.status = "done"
    same.save()
    assert feed(capsys, db_url, "minh.pham")[f"renewal-account-{a1.id}@acct-tui"] == (dt.date(2027, 3, 1), "Renewal: Acme Corp")


def test_export_writes_csv_by_default(db_url, org, capsys):
    code, out, _ = run(capsys, "export", "accounts", "--db", db_url, "--user", "minh.pham")
    assert code == 0 and out.startswith("id,external_id,name,")
    assert {r["name"] for r in csv.DictReader(io.StringIO(out))} == SEES["minh.pham"]


def test_money_exports_add_the_base_currency_beside_the_own_amount_and_never_guess(db_url, org, capsys):
    org["a1"].currency, org["a1"].annual_value = "EUR", 2_000
    org["a1"].save()
    org["a2"].currency = "XAF"
    org["a2"].save()
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate="1.25")
    Opportunity.update(currency="EUR").where(Opportunity.account == org["a1"]).execute()
    accounts = {r["name"]: r for r in export(capsys, db_url, "accounts", "minh.pham", fmt="csv")}
    assert (accounts["Acme Corp"]["annual_value"], accounts["Acme Corp"]["currency"]) == ("2000", "EUR")
    assert (accounts["Acme Corp"]["base_value"], accounts["Acme Corp"]["base_currency"]) == ("2500", "USD")
    assert accounts["Beta Ltd"]["base_value"] == ""  # no rate for XAF: empty, never the own amount
    deals = {r["account"]: r for r in export(capsys, db_url, "opportunities", "minh.pham")}
    assert (deals["Acme Corp"]["amount"], deals["Acme Corp"]["base_amount"]) == (1000, 1250)
