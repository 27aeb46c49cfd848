"""Row-level security's cost: an account manager's Portfolio at 100k, with and without it, in one run.

    python scripts/bench_rls.py [--db postgresql://postgres@HOST/DB] [--accounts 100000] [--rounds 5]

Builds (or reuses) the demo database on PostgreSQL (once: several minutes at
100k, then a scan for health and alerts), picks an account manager, gives
them a login role (`<database>_<login>`: roles are shared by the whole
server) and loads their Portfolio (`services.portfolio.load`, the whole book
and the first screen) two ways, alternating, `--rounds` times each:

- with RLS: connected as the AM's own role, so every query also passes the
  row-level security policies (migration 0003);
- baseline: connected as the operator (the schema's owner, whom the policies
  do not apply to), with the same AM as the viewer: the same queries, the
  same rows, minus the policies.

Prints the median of each and the ratio (target: at most 1.3x). The role and
the database's group role are dropped at the end; the data stays for the
next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import clock, db  # noqa: E402
from acct_tui.core.policy import Policy  # noqa: E402
from acct_tui.services import access, logins, portfolio  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def build(url: str, accounts: int) -> None:
    from acct_tui import demo
    from acct_tui.models import HealthSnapshot
    from acct_tui.services.scan import scan_all

    db.connect(url)
    db.upgrade()
    if demo.is_empty():
        print(f"building the demo database ({accounts:,} accounts; minutes at 100k)…", flush=True)
        started = time.perf_counter()
        with db.database.connection_context():
            demo.build(accounts=accounts, seed=1, today=TODAY)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    with db.database.connection_context():
        scanned = HealthSnapshot.select().exists()
    if not scanned:
        print("scanning once for health and alerts…", flush=True)
        scan_all(dt.datetime.combine(TODAY, dt.time(9, 0)))


def account_manager(url: str) -> str:
    """The login of an AM with a typical book, renamed to a role name unique to this database."""
    from acct_tui.models import Account, User

    prefix = urlparse(url).path.lstrip("/") + "_"
    with db.database.connection_context():
        ams = User.select().where((User.role == "am") & (User.active == True)).order_by(User.id)  # noqa: E712
        user = next(u for u in ams if Account.select().where(Account.owner == u.id).count() >= 10)
        if not user.login.startswith(prefix):
            User.update(login=prefix + user.login).where(User.id == user.id).execute()
        return prefix + user.login.removeprefix(prefix)


def role_url(url: str, role: str) -> str:
    parsed = urlparse(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"postgresql://{role}@{parsed.hostname}{port}{parsed.path}"


def timed_load(viewer: access.Viewer, first: int | None) -> tuple[float, int]:
    started = time.perf_counter()
    with db.database.connection_context():
        book = portfolio.load(viewer, Policy(), TODAY, first=first)
    return time.perf_counter() - started, len(book)


def drop_roles(url: str, role: str) -> None:
    from psycopg import connect, sql

    with connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        group = conn.execute("SELECT acct_group_role()").fetchone()[0]
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone():
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(group)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(group)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/acct_tui_bench", help="the operator's URL of a PostgreSQL database")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not db.is_postgres(args.db):
        parser.error("row-level security is PostgreSQL's: give a postgresql:// URL")
    clock.pin(dt.datetime.combine(TODAY, dt.time(9, 0)))
    build(args.db, args.accounts)
    login = account_manager(args.db)
    logins.grant(login)
    am_url = role_url(args.db, login)
    try:
        db.connect(am_url)
        me = access.session_viewer(None)
        assert me.login == login and me.role == "am", me
        db.connect(args.db)
        assert access.session_viewer(None).is_operator
        same = access.viewer_for(login)
        timings: dict[tuple[str, str], list[float]] = {}
        sizes = {}
        for _ in range(args.rounds):
            for label, url, viewer in (("with RLS", am_url, me), ("baseline", args.db, same)):
                db.connect(url)
                for part, first in (("whole book", None), ("first screen", 100)):
                    seconds, rows = timed_load(viewer, first)
                    timings.setdefault((label, part), []).append(seconds)
                    sizes[(label, part)] = rows
        print(f"\ndatabase {db.describe(args.db)}, {login} (am); medians of {args.rounds} rounds, alternating\n")
        print(f"{'':14}{'rows':>7}{'with RLS':>12}{'baseline':>12}{'ratio':>9}")
        for part in ("whole book", "first screen"):
            assert sizes[("with RLS", part)] == sizes[("baseline", part)], "RLS changed what the AM sees"
            a = statistics.median(timings[("with RLS", part)])
            b = statistics.median(timings[("baseline", part)])
            print(f"{part:14}{sizes[('with RLS', part)]:>7}{a * 1000:>10.1f}ms{b * 1000:>10.1f}ms{a / b:>8.2f}x")
    finally:
        db.connect(args.db)
        drop_roles(args.db, login)
    return 0


if __name__ == "__main__":
    sys.exit(main())
