"""Benchmark `acct-tui report` on the 100k demo book against the same facts' SQL run directly.

    python scripts/bench_report.py [--accounts 100000] [--db sqlite:///PATH] [--period 2026-Q3] [--runs 3]

Builds (or reuses) the demo database, then, in the same run:

- **acct-tui**: `services.kpi.report` as the operator (the whole book), for
  the period, `--by owner` and `--by book`: every fact's grouped query
  through peewee, the tallies, the currency conversion and the ratios;
- **baseline**: the same facts written by hand as plain SQL (SQLite), in
  the shapes the indexes answer best (the period's range alone in each
  WHERE, coverage over the touches of the weeks before the day), executed
  with the `sqlite3` module and fetched, nothing else: the most direct way
  to get the same numbers out of the database.

Prints the best of `--runs` for each, the ratio, each fact's share of the
baseline, and checks that both found the same accounts, renewals and cases.
Timings are printed, never asserted. The target: under 5 s for a quarter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acct_tui import clock, db  # noqa: E402
from acct_tui.core.periods import DAY, parse_period, revenue_months  # noqa: E402
from acct_tui.services import access, kpi, money  # noqa: E402

TODAY = dt.date(2026, 11, 20)
TARGET_SECONDS = 5.0
TOUCHES = "('visit', 'call', 'email', 'meeting', 'update')"


def build_database(url: str, accounts: int) -> None:
    db.open_database(url)
    from acct_tui import demo

    if demo.is_empty():
        print(f"building the demo database ({accounts:,} accounts, several minutes at 100k)…", flush=True)
        started = time.perf_counter()
        with db.database.connection_context():
            demo.build(accounts=accounts, seed=1, today=TODAY)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def started_by(day: str) -> str:
    return f"(a.contract_start <= '{day}' OR (a.contract_start IS NULL AND a.created_at < '{day}T99'))"


def customer_on(day: dt.date) -> str:
    d = day.isoformat()
    return f"(a.status = 'active' OR (a.status = 'churned' AND a.churned_on > '{d}')) AND {started_by(d)}"


def baseline_queries(period, today: dt.date) -> dict[str, str]:
    """Every fact of the report, by hand, as SQLite reads it (dates are ISO text there)."""
    s, e, t = period.start.isoformat(), period.end.isoformat(), today.isoformat()
    as_of = min(period.end, today)
    nxt = (period.end + DAY).isoformat()
    first, last = revenue_months(period, today)
    cutoff = {tier: (dt.datetime.combine(as_of, dt.time()) - dt.timedelta(days=days)).isoformat(sep=" ")
              for tier, days in (("standard", 45), ("key", 21), ("strategic", 14))}
    closing = f"CASE WHEN a.churned_on IS NOT NULL AND a.churned_on <= '{e}' THEN 0 ELSE COALESCE(em.value, 0) END"
    return {
        "accounts, value, churned": f"""
            SELECT a.owner_id, a.tier, a.currency, SUM({customer_on(as_of)}),
                   SUM(CASE WHEN {customer_on(as_of)} THEN a.annual_value ELSE 0 END),
                   SUM(a.churned_on BETWEEN '{s}' AND '{e}')
              FROM account a GROUP BY 1, 2, 3""",
        "renewals": f"""
            SELECT a.owner_id, a.tier, SUM(m.status != 'planned' OR m.due_on < '{t}'), SUM(m.status = 'done')
              FROM milestone m JOIN account a ON a.id = m.account_id
             WHERE m.kind = 'renewal' AND m.due_on BETWEEN '{s}' AND '{e}' GROUP BY 1, 2""",
        "retention": f"""
            SELECT a.owner_id, a.tier, a.currency, COUNT(*), SUM(sm.value), SUM(MIN({closing}, sm.value)), SUM({closing})
              FROM account a
              JOIN metric_sample sm ON sm.account_id = a.id AND sm.metric = 'revenue' AND sm.period = '{first}'
              LEFT JOIN metric_sample em ON em.account_id = a.id AND em.metric = 'revenue' AND em.period = '{last}'
             WHERE {customer_on(period.start - DAY)} AND sm.value > 0
               AND (em.id IS NOT NULL OR (a.churned_on IS NOT NULL AND a.churned_on <= '{e}'))
             GROUP BY 1, 2, 3""",
        "expansion won": f"""
            SELECT a.owner_id, a.tier, o.currency, o.closed_on, COUNT(*), SUM(o.amount)
              FROM opportunity o JOIN account a ON a.id = o.account_id
             WHERE o.status = 'won' AND o.kind IN ('expansion', 'cross_sell') AND o.closed_on BETWEEN '{s}' AND '{e}'
             GROUP BY 1, 2, 3, 4""",
        "coverage": f"""
            SELECT a.owner_id, a.tier, COUNT(*),
                   SUM(CASE WHEN a.tier = 'standard' THEN lt.at >= '{cutoff["standard"]}'
                            WHEN a.tier = 'key' THEN lt.at >= '{cutoff["key"]}'
                            ELSE lt.at >= '{cutoff["strategic"]}' END)
              FROM account a
              LEFT JOIN (SELECT account_id, MAX(occurred_at) AS at FROM activity
                          WHERE kind IN {TOUCHES} AND occurred_at >= '{cutoff["standard"]}' AND occurred_at < '{nxt}'
                          GROUP BY account_id) lt ON lt.account_id = a.id
             WHERE {customer_on(as_of)} AND a.contact_days IS NULL GROUP BY 1, 2""",
        "coverage, own cadence": f"""
            SELECT a.owner_id, a.tier, a.contact_days,
                   (SELECT MAX(x.occurred_at) FROM activity x
                     WHERE x.account_id = a.id AND x.kind IN {TOUCHES} AND x.occurred_at < '{nxt}')
              FROM account a WHERE {customer_on(as_of)} AND a.contact_days IS NOT NULL""",
        "visits": f"""
            SELECT a.owner_id, a.tier, SUM(v.status != 'cancelled' AND (v.status = 'done' OR v.scheduled_for < '{t}')),
                   SUM(v.status = 'done')
              FROM planned_visit v JOIN account a ON a.id = v.account_id
             WHERE v.scheduled_for BETWEEN '{s}' AND '{e}' GROUP BY 1, 2""",
        "commitments": f"""
            SELECT a.owner_id, a.tier, SUM(i.status = 'done' OR (i.status = 'open' AND i.due_on < '{t}')),
                   SUM(i.status = 'done' AND i.done_on <= i.due_on)
              FROM action_item i JOIN account a ON a.id = i.account_id
             WHERE i.due_on BETWEEN '{s}' AND '{e}' GROUP BY 1, 2""",
        "cases opened": f"""
            SELECT a.owner_id, a.tier, COUNT(*) FROM "case" c JOIN account a ON a.id = c.account_id
             WHERE c.opened_at >= '{s}' AND c.opened_at < '{nxt}' GROUP BY 1, 2""",
        "case days": f"""
            SELECT a.owner_id, a.tier, julianday(c.closed_at) - julianday(c.opened_at) FROM "case" c JOIN account a ON a.id = c.account_id
             WHERE c.closed_at >= '{s}' AND c.closed_at < '{nxt}'""",
        "escalations": f"""
            SELECT a.owner_id, a.tier, COUNT(*) FROM alert al JOIN account a ON a.id = al.account_id
             WHERE al.escalated_to_id IS NOT NULL AND al.escalated_at >= '{s}' AND al.escalated_at < '{nxt}' GROUP BY 1, 2""",
    }


def run_baseline(path: str, period, today) -> tuple[float, dict[str, float], dict[str, list]]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA cache_size = -64000")
    started = time.perf_counter()
    each, rows = {}, {}
    for name, sql in baseline_queries(period, today).items():
        t0 = time.perf_counter()
        rows[name] = conn.execute(sql).fetchall()
        each[name] = time.perf_counter() - t0
    total = time.perf_counter() - started
    conn.close()
    return total, each, rows


def run_ours(period, today, by: str) -> tuple[float, kpi.KpiReport]:
    started = time.perf_counter()
    with db.database.connection_context():
        book = money.rate_book("USD")
        result = kpi.report(access.OPERATOR, period, book, by=by, today=today)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="database URL (default: the SQLite file bench_ui.py builds, in /tmp)")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = args.db or f"sqlite:////tmp/acct-tui-bench-{args.accounts}.db"
    if not url.startswith("sqlite"):
        raise SystemExit("the baseline is written for SQLite; give a sqlite:/// URL")
    clock.pin(dt.datetime.combine(TODAY, dt.time(9)))
    build_database(url, args.accounts)
    path = url.split("://", 1)[1][1:] if url.startswith("sqlite:///") else url
    period = parse_period(args.period, TODAY)

    base_best, base_each, base_rows = None, {}, {}
    ours = {"owner": [], "book": []}
    result = None
    for _ in range(args.runs):  # interleaved, so both see the same machine
        total, each, rows = run_baseline(path, period, TODAY)
        if base_best is None or total < base_best:
            base_best, base_each, base_rows = total, each, rows
        for by in ours:
            seconds, report = run_ours(period, TODAY, by)
            ours[by].append(seconds)
            if by == "book":
                result = report.total

    accounts = sum(r[3] or 0 for r in base_rows["accounts, value, churned"])
    due = sum(r[2] or 0 for r in base_rows["renewals"])
    opened = sum(r[2] for r in base_rows["cases opened"])
    same = (accounts, due, opened) == (result.accounts, result.renewals_due, result.cases_opened)
    print(f"\nreport for {period.label} over the whole book ({accounts:,} customers), best of {args.runs}, SQLite:\n")
    print("| what | acct-tui | baseline (same facts' SQL, sqlite3) | ratio | target |")
    print("|---|---|---|---|---|")
    for by, times in ours.items():
        best = min(times)
        verdict = "PASS" if best < TARGET_SECONDS else "FAIL"
        print(f"| `report --by {by}` | {best:.2f} s | {base_best:.2f} s | {best / base_best:.2f}x | < {TARGET_SECONDS:.0f} s: {verdict} |")
    print("\nbaseline per fact: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in base_each.items()))
    print(f"same customers, renewals due and cases opened as the baseline: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
