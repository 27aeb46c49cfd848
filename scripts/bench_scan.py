"""Benchmark: `scan_all` over a large portfolio, against a baseline measured in the same run.

    /work/venv/bin/python scripts/bench_scan.py                       # 100k accounts, SQLite
    /work/venv/bin/python scripts/bench_scan.py --db postgresql://... # the same on PostgreSQL
    /work/venv/bin/python scripts/bench_scan.py --accounts 20000 --fresh

Builds the database once (with `acct_tui.demo.build` when it exists, else a
built-in generator of accounts with two years of history) and reuses it on
later runs. Then times, in one process:

- the baselines: `SELECT COUNT(*)` over activities, and a full read of the
  activity table (every row's account, kind, time and sentiment);
- the first scan (opens alerts, stores snapshots) and a second scan at the same
  moment (idempotent: it must change nothing);

and prints each scan's time and its ratio to the baselines, so the numbers
mean the same thing on a fast or a slow machine. Timings are never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import clock, db  # noqa: E402
from acct_tui.models import Account, Activity, Alert, HealthSnapshot  # noqa: E402

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 9, 0)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    param = db.database.param
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join([param] * len(columns))})'
    for start in range(0, len(rows), 20_000):
        with db.database.atomic():
            db.database.cursor().executemany(sql, rows[start : start + 20_000])


def generate(accounts: int, seed: int = 7) -> None:
    """A built-in generator: accounts with two years of touches, cases, metrics and money."""
    rng = random.Random(seed)
    stamp = NOW
    ams = max(1, accounts // 150)
    _insert("team", ["name"], [(f"Team {i}",) for i in range(max(1, ams // 8))])
    leads = [(f"lead{i}", f"Lead {i}", "lead", i + 1, None, True, stamp) for i in range(max(1, ams // 8))]
    _insert("user", ["login", "name", "role", "team_id", "manager_id", "active", "created_at"], leads)
    n_leads = len(leads)
    people = [(f"am{i}", f"AM {i}", "am", i % n_leads + 1, i % n_leads + 1, True, stamp) for i in range(ams)]
    _insert("user", ["login", "name", "role", "team_id", "manager_id", "active", "created_at"], people)

    account_rows, activity, cases, metrics, items, milestones, plans, receivables, contacts = ([] for _ in range(9))
    tiers = ["standard"] * 7 + ["key"] * 2 + ["strategic"]
    for aid in range(1, accounts + 1):
        tier = rng.choice(tiers)
        owner = n_leads + 1 + (aid % ams)
        start = TODAY - dt.timedelta(days=rng.randint(200, 1500))
        churned = rng.random() < 0.05
        churned_on = TODAY - dt.timedelta(days=rng.randint(1, 300)) if churned else None
        renewal = TODAY + dt.timedelta(days=rng.randint(-30, 400))
        account_rows.append((f"ACC-{aid:06d}", f"Account {aid:06d}", tier, owner, "Retail", 10_000 + aid % 5000, "USD",
                             "churned" if churned else "active", churned_on, renewal, start, None, None, stamp, stamp))
        gap = {"strategic": 9, "key": 14, "standard": 30}[tier] * rng.uniform(0.5, 2.5)
        moment = dt.datetime.combine(start, dt.time(9)) + dt.timedelta(days=rng.uniform(0, gap))
        end = dt.datetime.combine(churned_on or TODAY, dt.time(9))
        history_starts = NOW - dt.timedelta(days=730)
        while moment < end:
            if moment >= history_starts:  # two years of history, however old the account
                kind = rng.choice(("call", "call", "email", "email", "visit", "meeting", "update", "note"))
                sentiment = rng.choice((None, None, -2, -1, 0, 1, 1, 2))
                activity.append((aid, kind, moment.replace(microsecond=0), f"{kind} with client", sentiment,
                                 rng.random() < 0.003, False, owner, stamp))
            moment += dt.timedelta(days=rng.expovariate(1 / gap))
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            opened = NOW - dt.timedelta(days=rng.randint(1, 400))
            closed = opened + dt.timedelta(days=rng.randint(1, 40))
            cases.append((aid, "Export broken", rng.choice(("low", "medium", "high", "critical")), opened,
                          closed if closed < NOW and rng.random() < 0.85 else None, rng.random() < 0.05))
        base = rng.uniform(100, 10_000)
        trend = rng.uniform(-0.08, 0.04)
        for back in range(1, 13):
            month = dt.date(TODAY.year + (TODAY.month - 1 - back) // 12, (TODAY.month - 1 - back) % 12 + 1, 1)
            metrics.append((aid, month, "usage", base * (1 + trend) ** (12 - back)))
            metrics.append((aid, month, "revenue", base * 3 * (1 + trend / 2) ** (12 - back)))
        for _ in range(rng.randint(0, 5)):
            due = TODAY + dt.timedelta(days=rng.randint(-200, 60))
            done = rng.random() < 0.7 and due < TODAY
            items.append((aid, "Send proposal", owner, due, "done" if done else "open",
                          due + dt.timedelta(days=rng.randint(-5, 10)) if done else None, stamp))
        for _ in range(rng.randint(0, 2)):
            due = TODAY + dt.timedelta(days=rng.randint(-120, 200))
            milestones.append((aid, "Go-live", rng.choice(("deliverable", "qbr", "renewal", "deadline", "contract")), due,
                               "done" if due < TODAY and rng.random() < 0.8 else "planned", stamp))
        if rng.random() < 0.4:
            plans.append((aid, owner, TODAY + dt.timedelta(days=rng.randint(-30, 60)), "Review", "planned", stamp))
        for back in range(6):
            due = TODAY - dt.timedelta(days=30 * back + rng.randint(0, 20))
            paid = due + dt.timedelta(days=rng.randint(-10, 40))
            receivables.append((aid, 1000, due, paid if paid < TODAY and rng.random() < 0.95 else None))
        for role in ("champion", "sponsor", "user"):
            left = TODAY - dt.timedelta(days=rng.randint(1, 400)) if rng.random() < 0.08 else None
            contacts.append((aid, f"{role.title()} {aid}", role, start, left))
    _insert("account", ["external_id", "name", "tier", "owner_id", "industry", "annual_value", "currency", "status", "churned_on",
                        "renewal_date", "contract_start", "contact_days", "visit_days", "created_at", "updated_at"], account_rows)
    _insert("activity", ["account_id", "kind", "occurred_at", "subject", "sentiment", "intent_to_leave", "confidential",
                         "author_id", "created_at"], activity)
    _insert("case", ["account_id", "subject", "severity", "opened_at", "closed_at", "escalated"], cases)
    _insert("metric_sample", ["account_id", "period", "metric", "value"], metrics)
    _insert("action_item", ["account_id", "title", "owner_id", "due_on", "status", "done_on", "created_at"], items)
    _insert("milestone", ["account_id", "title", "kind", "due_on", "status", "created_at"], milestones)
    _insert("planned_visit", ["account_id", "owner_id", "scheduled_for", "purpose", "status", "created_at"], plans)
    _insert("receivable", ["account_id", "amount", "due_on", "paid_on"], receivables)
    _insert("contact", ["account_id", "name", "role", "added_on", "left_on"], contacts)
    if isinstance(db.database.obj, __import__("peewee").PostgresqlDatabase):
        db.database.execute_sql("ANALYZE")


def build(accounts: int, fresh: bool) -> str:
    with db.database.connection_context():
        have = Account.select().count()
        if have == accounts and not fresh:
            return f"reusing {have} accounts"
        if have:
            from acct_tui.models import ALL_MODELS

            for model in reversed(ALL_MODELS):
                model.delete().execute()
        started = time.perf_counter()
        try:
            from acct_tui import demo  # the demo generator, once it has landed
        except ImportError:
            demo = None
        if demo is not None and hasattr(demo, "build"):
            demo.build(accounts=accounts, seed=7, today=TODAY)
            how = "acct_tui.demo.build"
        else:
            generate(accounts)
            how = "the built-in generator"
        return f"built {accounts} accounts with {how} in {time.perf_counter() - started:.0f} s"


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:////tmp/acct-bench/bench.db", help="database URL (default: a SQLite file in /tmp)")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if it is there")
    args = parser.parse_args()

    from acct_tui.services.scan import scan_all

    clock.pin(NOW)
    db.open_database(args.db)
    print(build(args.accounts, args.fresh), flush=True)
    with db.database.connection_context():
        n_activities = Activity.select().count()
        Alert.delete().execute()  # every run starts from "no alerts yet"
        HealthSnapshot.delete().execute()
        from acct_tui.models import AuditLog

        AuditLog.delete().execute()
        count_s, _ = timed("count", lambda: db.database.execute_sql("SELECT COUNT(*) FROM activity").fetchone())
        read_s, rows = timed("read", lambda: len(db.database.execute_sql(
            "SELECT account_id, kind, occurred_at, sentiment FROM activity").fetchall()))
    first_s, first = timed("first", lambda: scan_all(NOW))
    second_s, second = timed("second", lambda: scan_all(NOW))
    later_s, later = timed("later", lambda: scan_all(NOW + dt.timedelta(days=1)))
    with db.database.connection_context():
        open_alerts = Alert.select().where(Alert.status != "resolved").count()

    print(f"database: {db.describe(args.db)}; {args.accounts:,} accounts, {n_activities:,} activities")
    print(f"baseline COUNT(*) over activities: {count_s:.2f} s; full read of {rows:,} activity rows: {read_s:.2f} s")
    for label, seconds, summary in (("first scan", first_s, first), ("second scan, same now", second_s, second),
                                    ("next day's scan", later_s, later)):
        print(f"{label:24s} {seconds:6.1f} s  = {seconds / read_s:5.1f}x the full read, {seconds / count_s:6.0f}x the count;"
              f" opened {summary.opened}, updated {summary.updated}, resolved {summary.resolved},"
              f" escalated {summary.escalated}, snapshots {summary.snapshots}")
    print(f"non-resolved alerts after the scans: {open_alerts:,}")
    if (second.opened, second.updated, second.resolved, second.escalated, second.snapshots) != (0, 0, 0, 0, 0):
        print("WARNING: the second scan at the same moment changed something", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
