"""The KPIs on hand-built data, with every answer worked out by hand in the comments. Both backends.

The world: team North, lead lena.lead; minh.pham, an.nguyen and kim.le own
accounts; the clock is 2026-11-20. The period is 2026-Q3 (1 Jul - 30 Sep),
over; `test_a_running_period...` looks at 2026-Q4 to date.

    Acme    minh  strategic USD 120,000  customer since 2024-01-01
    Beta    minh  standard  EUR  10,000  since 2025-01-01 (EUR = 1.10 USD from 1 Jun, 1.20 from 15 Sep)
    Gamma   an    key       USD  50,000  since 2023-05-01, churned 15 Aug
    Delta   an    standard  XAF 1,000,000 since 2025-06-01, own cadence 7 days; no rate for XAF
    Eps     an    standard  USD   8,000  since 1 Aug (new in the period)
    Kappa   kim   standard  USD   6,000  since 2024-03-01
    Pros    kim   standard  a prospect: never counted
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from acct_tui.core.periods import parse_period
from acct_tui.models import Alert, Opportunity, Rate
from acct_tui.services import access, kpi, money, team
from tests import factories as f
from tests.io_helpers import run

TODAY = dt.date(2026, 11, 20)
d, t = dt.date, dt.datetime


@pytest.fixture
def world(db):
    north = f.team("North")
    lena = f.user("lena.lead", role="lead", team=north)
    minh = f.user("minh.pham", team=north, manager=lena)
    an = f.user("an.nguyen", team=north, manager=lena)
    kim = f.user("kim.le", team=north, manager=lena)
    created = t(2023, 1, 1)

    def account(owner, name, tier, value, since, currency="USD", **kw):
        return f.account(owner, name, tier, annual_value=value, currency=currency, contract_start=since, created_at=created, **kw)

    acme = account(minh, "Acme", "strategic", 120_000, d(2024, 1, 1))
    beta = account(minh, "Beta", "standard", 10_000, d(2025, 1, 1), "EUR")
    gamma = account(an, "Gamma", "key", 50_000, d(2023, 5, 1), status="churned", churned_on=d(2026, 8, 15))
    delta = account(an, "Delta", "standard", 1_000_000, d(2025, 6, 1), "XAF", contact_days=7)
    eps = account(an, "Eps", "standard", 8_000, d(2026, 8, 1))
    kappa = account(kim, "Kappa", "standard", 6_000, d(2024, 3, 1))
    account(kim, "Pros", "standard", 99_000, None, status="prospect")
    Rate.create(currency="EUR", quote="USD", as_of=d(2026, 6, 1), rate="1.10")
    Rate.create(currency="EUR", quote="USD", as_of=d(2026, 9, 15), rate="1.20")

    # Renewals due in Q3: Acme done; Beta missed; Gamma missed (it churned); Eps still planned but past.
    f.milestone(acme, "Renewal 2026", "renewal", d(2026, 7, 15), status="done", completed_on=d(2026, 7, 10))
    f.milestone(beta, "Renewal 2026", "renewal", d(2026, 9, 20), status="missed")
    f.milestone(gamma, "Renewal 2026", "renewal", d(2026, 8, 15), status="missed")
    f.milestone(eps, "First renewal", "renewal", d(2026, 9, 30))
    f.milestone(acme, "Renewal 2027", "renewal", d(2026, 10, 5))  # Q4
    f.milestone(acme, "Go-live", "deliverable", d(2026, 8, 1), status="done")  # not a renewal

    # Monthly revenue: June (the month before) and September (the last month).
    for account_, june, september in ((acme, 10_000, 12_000), (beta, 1_000, 800), (gamma, 4_000, 500),
                                      (delta, 100_000, 100_000), (kappa, 500, None)):
        f.metric(account_, d(2026, 6, 1), "revenue", june)
        if september is not None:
            f.metric(account_, d(2026, 9, 1), "revenue", september)
    f.metric(eps, d(2026, 9, 1), "revenue", 700)
    f.metric(acme, d(2026, 9, 1), "usage", 99_999)  # not revenue

    def deal(account_, kind, amount, currency, status, closed_on, **kw):
        return Opportunity.create(account=account_, kind=kind, name=f"{kind} {amount}", amount=amount, currency=currency,
                                  status=status, close_date=closed_on, closed_on=closed_on if status != "open" else None,
                                  probability=100 if status == "won" else 0, created_on=d(2026, 1, 1), **kw)

    deal(acme, "expansion", 5_000, "USD", "won", d(2026, 8, 10))
    deal(beta, "cross_sell", 1_000, "EUR", "won", d(2026, 7, 1))  # at 1 Jul's rate: 1.10
    deal(beta, "renewal", 9_999, "EUR", "won", d(2026, 9, 1))  # a renewal is not expansion
    deal(acme, "expansion", 3_000, "USD", "lost", d(2026, 8, 12))
    deal(acme, "expansion", 7_000, "USD", "won", d(2026, 10, 2))  # Q4
    deal(delta, "cross_sell", 50_000, "XAF", "won", d(2026, 9, 1))  # no rate
    deal(acme, "expansion", 4_000, "USD", "open", d(2026, 9, 30))  # open: not won

    # Touches on or before 30 Sep decide coverage (strategic 14 days, standard 45, Delta its own 7).
    f.activity(acme, "call", t(2026, 9, 20, 10))  # 10 days: covered
    f.activity(beta, "email", t(2026, 8, 1, 10))  # 60 days: not covered...
    f.activity(beta, "visit", t(2026, 10, 1, 9))  # ...this one came after the period
    f.activity(beta, "note", t(2026, 9, 29, 9))  # a note is not a touch
    f.activity(delta, "meeting", t(2026, 9, 25, 16))  # 5 days, within its own 7: covered
    f.activity(eps, "update", t(2026, 8, 16, 18))  # exactly 45 days: covered (whole days)
    # Kappa: never touched.

    # Planned visits in Q3: Acme done, Acme planned and never fulfilled, Acme cancelled, Eps missed.
    f.planned_visit(acme, d(2026, 7, 10), status="done")
    f.planned_visit(acme, d(2026, 8, 20))
    f.planned_visit(acme, d(2026, 9, 5), status="cancelled")
    f.planned_visit(eps, d(2026, 9, 15), status="missed")

    # Commitments due in Q3.
    f.action_item(acme, "early", d(2026, 7, 5), status="done", done_on=d(2026, 7, 4))  # on time
    f.action_item(acme, "late", d(2026, 8, 1), status="done", done_on=d(2026, 8, 3))  # kept, late
    f.action_item(acme, "broken", d(2026, 9, 10))  # open past due: late
    f.action_item(acme, "dropped", d(2026, 8, 15), status="cancelled")  # not counted
    f.action_item(acme, "next quarter", d(2026, 10, 1))
    f.action_item(eps, "on the day", d(2026, 9, 30), status="done", done_on=d(2026, 9, 30))  # on time

    # Cases: opened in Q3 count; closed in Q3 give the days open.
    f.case(acme, t(2026, 7, 1, 8), closed_at=t(2026, 7, 4, 20))  # 3.5 days
    f.case(acme, t(2026, 9, 30, 23))  # opened on the last evening, still open
    f.case(acme, t(2026, 6, 28, 8), closed_at=t(2026, 7, 2, 8))  # opened before, closed in: 4.0 days
    f.case(gamma, t(2026, 8, 1, 10), closed_at=t(2026, 8, 11, 10))  # 10.0 days, a churned account's

    # Escalations in Q3.
    for account_, when in ((acme, t(2026, 8, 5, 9)), (acme, t(2026, 10, 2, 9)), (delta, t(2026, 9, 30, 23, 59))):
        f.alert(account_, escalated_to=lena, escalated_at=when, status="resolved")
    f.alert(kappa, status="open")  # never escalated
    return dict(lena=lena, minh=minh, an=an, kim=kim, acme=acme, beta=beta, delta=delta, eps=eps)


def q3(login="lena.lead", by="owner", base="USD"):
    return kpi.report(access.viewer_for(login), parse_period("2026-Q3", TODAY), money.rate_book(base), by=by, today=TODAY)


def test_each_persons_figures_worked_by_hand(world):
    rows = {r.group: r for r in q3().rows}
    assert list(rows) == ["an.nguyen", "kim.le", "minh.pham"]
    minh, an, kim = rows["minh.pham"], rows["an.nguyen"], rows["kim.le"]

    # minh: Acme and Beta are customers on 30 Sep; 120,000 + 10,000 EUR x 1.20 = 132,000.
    assert (minh.accounts, minh.value, minh.label) == (2, Decimal("132000.00"), "Minh Pham")
    # Renewals: Acme done, Beta missed -> 1 of 2.
    assert (minh.renewals_due, minh.renewed, minh.renewal_rate, minh.churned) == (2, 1, 0.5, 0)
    # Cohort (customers on 30 Jun with June revenue): Acme 10,000 -> 12,000; Beta 1,000 -> 800 EUR, both at 1.20:
    # start 10,000 + 1,200 = 11,200; kept 10,000 + 960 = 10,960; end 12,000 + 960 = 12,960.
    assert (minh.grr, minh.nrr) == (round(10_960 / 11_200, 4), round(12_960 / 11_200, 4)) == (0.9786, 1.1571)
    # Won expansion and cross-sell: 5,000 USD + 1,000 EUR at 1 Jul's 1.10 = 6,100.
    assert minh.expansion_won == Decimal("6100.00")
    # Coverage on 30 Sep: Acme yes (10 days), Beta no (60 days; the October visit is too late).
    assert minh.coverage == 0.5
    # Visits: done 10 Jul, unfulfilled 20 Aug (cancelled not counted) -> 1 of 2.
    assert (minh.visits_planned, minh.visits_done, minh.visit_plan_rate) == (2, 1, 0.5)
    # Commitments: early (on time), late, broken (cancelled not counted) -> 1 of 3.
    assert (minh.commitments_due, minh.commitments_on_time, minh.on_time_rate) == (3, 1, 0.3333)
    # Cases: opened 1 Jul and 30 Sep; closed in Q3 after 3.5 and 4.0 days -> median 3.75, shown 3.8.
    assert (minh.cases_opened, minh.cases_per_account, minh.median_case_days) == (2, 1.0, 3.8)
    assert (minh.escalations, minh.without_rate) == (1, "")

    # an: Gamma churned 15 Aug, so the customers on 30 Sep are Delta (no rate) and Eps: value 8,000.
    assert (an.accounts, an.value, an.churned) == (2, Decimal("8000.00"), 1)
    # Renewals: Gamma missed, Eps's still planned but its day passed -> 0 of 2.
    assert (an.renewals_due, an.renewed, an.renewal_rate) == (2, 0, 0.0)
    # Cohort: Gamma 4,000 in June; it churned, so it ends at 0 whatever September says. Delta has no rate;
    # Eps started in August. GRR = NRR = 0 / 4,000.
    assert (an.grr, an.nrr) == (0.0, 0.0)
    assert an.expansion_won == Decimal("0.00")  # Delta's cross-sell is in XAF, without a rate
    assert an.coverage == 1.0  # Delta (5 of its own 7 days) and Eps (45 of 45)
    assert (an.visits_planned, an.visits_done, an.visit_plan_rate) == (1, 0, 0.0)
    assert (an.commitments_due, an.commitments_on_time, an.on_time_rate) == (1, 1, 1.0)
    assert (an.cases_opened, an.cases_per_account, an.median_case_days) == (1, 0.5, 10.0)
    assert an.escalations == 1  # Delta's, at 23:59 on the last day
    assert an.without_rate == "1 account without a rate for XAF; 1 won opportunity without a rate for XAF"

    # kim: one customer (the prospect never counts), nothing due, never touched.
    assert (kim.accounts, kim.value, kim.renewals_due, kim.renewal_rate) == (1, Decimal("6000.00"), 0, None)
    assert (kim.grr, kim.nrr) == (None, None)  # Kappa has no September revenue on record: no cohort
    assert (kim.coverage, kim.visit_plan_rate, kim.on_time_rate, kim.median_case_days) == (0.0, None, None, None)
    assert (kim.cases_opened, kim.cases_per_account, kim.escalations) == (0, 0.0, 0)


def test_the_total_is_worked_over_all_the_accounts_not_averaged_from_the_rows(world):
    total = q3().total
    assert (total.accounts, total.value) == (5, Decimal("146000.00"))
    assert (total.renewals_due, total.renewed, total.renewal_rate, total.churned) == (4, 1, 0.25, 1)
    # start 11,200 + 4,000 = 15,200; kept 10,960; end 12,960.
    assert (total.grr, total.nrr) == (round(10_960 / 15_200, 4), round(12_960 / 15_200, 4)) == (0.7211, 0.8526)
    assert total.expansion_won == Decimal("6100.00")
    assert total.coverage == 0.6  # Acme, Delta, Eps of Acme, Beta, Delta, Eps, Kappa
    assert (total.visit_plan_rate, total.on_time_rate) == (0.3333, 0.5)
    assert (total.cases_opened, total.cases_per_account, total.median_case_days, total.escalations) == (3, 0.6, 4.0, 2)


def test_by_team_tier_and_book_add_up_the_same_accounts(world):
    [north] = q3(by="team").rows
    [book] = q3(by="book").rows
    total = q3().total
    for row in (north, book):
        assert {k: v for k, v in vars(row).items() if k not in ("group", "label")} == {
            k: v for k, v in vars(total).items() if k not in ("group", "label")
        }
    tiers = {r.group: r for r in q3(by="tier").rows}
    assert list(tiers) == ["strategic", "key", "standard"]
    assert (tiers["strategic"].accounts, tiers["strategic"].renewal_rate, tiers["strategic"].nrr) == (1, 1.0, 1.2)
    assert (tiers["key"].accounts, tiers["key"].churned, tiers["key"].grr) == (0, 1, 0.0)
    assert tiers["key"].cases_per_account is None  # no customers left: nothing to divide by
    assert (tiers["standard"].accounts, tiers["standard"].renewals_due, tiers["standard"].renewed) == (4, 2, 0)


def test_only_the_accounts_the_viewer_may_see(world):
    assert [r.group for r in q3("minh.pham").rows] == ["minh.pham"]
    assert q3("minh.pham").total.accounts == 2
    assert q3("kim.le").total.value == Decimal("6000.00")


def test_another_base_currency_converts_through_the_rates_quote(world):
    eur = {r.group: r for r in q3(base="EUR").rows}
    # 120,000 USD / 1.20 + 10,000 EUR = 110,000 EUR; the ratios do not move.
    assert eur["minh.pham"].value == Decimal("110000.00")
    assert (eur["minh.pham"].grr, eur["minh.pham"].nrr) == (0.9786, 1.1571)


def test_a_running_period_counts_only_what_is_due_by_today(world):
    acme, eps = world["acme"], world["eps"]
    f.milestone(eps, "Renewal next month", "renewal", d(2026, 12, 15))  # still to come: not counted
    f.action_item(acme, "due next week", d(2026, 11, 27))  # still to come: not counted
    f.action_item(acme, "done early", d(2026, 12, 1), status="done", done_on=d(2026, 11, 10))  # kept: counted
    f.planned_visit(acme, d(2026, 12, 3))  # still to come
    f.metric(world["acme"], d(2026, 10, 1), "revenue", 13_200)
    f.metric(world["beta"], d(2026, 10, 1), "revenue", 800)
    row = kpi.report(access.viewer_for("minh.pham"), parse_period("2026-Q4", TODAY), money.rate_book("USD"), today=TODAY).rows[0]
    # Renewals: Acme's Renewal 2027 was due 5 Oct and is still planned: due, not renewed.
    assert (row.renewals_due, row.renewed) == (1, 0)
    # Commitments: "next quarter" (1 Oct, open: late) and "done early" (on time).
    assert (row.commitments_due, row.commitments_on_time) == (2, 1)
    assert (row.visits_planned, row.visit_plan_rate) == (0, None)
    # Retention so far: September to October, today's EUR rate 1.20:
    # start 12,000 + 960 = 12,960; end 13,200 + 960 = 14,160; kept 12,000 + 960.
    assert (row.nrr, row.grr) == (round(14_160 / 12_960, 4), 1.0)
    # Coverage today: Acme's last touch 20 Sep (61 days), Beta's the 1 Oct visit (50 days): none.
    assert row.coverage == 0.0
    # Expansion won 2 Oct.
    assert row.expansion_won == Decimal("7000.00")


def test_the_team_panes_coverage_is_the_reports_at_today(world):
    lead = access.viewer_for("lena.lead")
    now = kpi.report(lead, parse_period("2026-Q4", TODAY), money.rate_book("USD"), today=TODAY)
    pane = {r.login: r for r in team.team_rows(lead)}
    for row in now.rows:
        assert pane[row.group].coverage == row.coverage
    escalated = Alert.select().where(Alert.escalated_to.is_null(False)).count()
    assert escalated == 3


def test_report_command_prints_every_figure_in_each_format(world, db_url, capsys):
    code, out, err = run(capsys, "report", "--period", "2026-Q3", "--now", "2026-11-20", "--db", db_url, "-f", "json",
                         "--user", "lena.lead")
    assert code == 0, err
    import json

    data = json.loads(out)
    assert [r["group"] for r in data] == ["an.nguyen", "kim.le", "minh.pham"]
    assert data[2]["value"] == 132000 and data[2]["nrr"] == 1.1571 and data[1]["renewal_rate"] is None
    assert set(kpi.FIGURES) <= set(data[0])
    code, out, _ = run(capsys, "report", "--period", "2026-Q3", "--now", "2026-11-20", "--db", db_url, "-f", "csv", "--by", "tier")
    assert out.splitlines()[0].startswith("group,accounts,value,renewals_due,renewed,churned,renewal_rate,grr,nrr")
    code, out, _ = run(capsys, "report", "--period", "2026-Q3", "--now", "2026-11-20", "--db", db_url, "--user", "lena.lead")
    assert "Minh Pham" in out and "97.9%" in out and "(all)" in out and "left out of An Nguyen: 1 account" in out
    code, _, err = run(capsys, "report", "--period", "2026-Q5", "--db", db_url)
    assert code == 2 and "--period" in err and "2026-Q2" in err
