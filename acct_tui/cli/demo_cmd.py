"""`acct-tui demo`: build (or reuse) the demo database and open it as a team lead."""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

from acct_tui import clock, db
from acct_tui.cli.args import iso_date, positive_int
from acct_tui.cli.context import Context
from acct_tui.services import access
from acct_tui.services.alerts import alert_counts
from acct_tui.services.scan import scan_all
from acct_tui.errors import UsageError


def register(sub, common) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[common],
        help="build a realistic demo database and open it",
        description=(
            "Build a deterministic demo database (teams, account managers, accounts with two years "
            "of history) and open the dashboard on it as a team lead. An existing demo database "
            "is reused unless --fresh is given."
        ),
    )
    parser.add_argument("--accounts", type=positive_int, default=250, metavar="N", help="number of accounts (default 250)")
    parser.add_argument("--seed", type=int, default=7, metavar="N", help="random seed (default 7)")
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD", help="the demo's today (default: the clock's)")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if the demo database exists")
    parser.add_argument("--no-open", action="store_true", help="only build the database")
    parser.set_defaults(handler=run_demo)


def demo_url() -> str:
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('acct-tui')) / 'demo.db'}"


def chosen_url(cli_url: str | None) -> str:
    """`--db`, else `ACCT_TUI_DB`, as every command; else the demo's own file (never the config's database)."""
    return db.as_url(cli_url or os.environ.get("ACCT_TUI_DB") or demo_url())


def reopen_command(url: str, login: str | None, today: dt.date | None = None) -> str:
    """The command that opens this demo database again, ready to paste into a shell."""
    # never the password: a PostgreSQL URL is shown as `location` gives it
    words = ["acct-tui", "--db", db.location(url) if db.is_postgres(url) else f"sqlite:///{db.location(url)}"]
    if login:
        words += ["--user", login]
    if today:  # a demo built for another day is seen on that day
        words += ["--now", today.isoformat()]
    return shlex.join(words)


#: Weekly scans replayed over the last month, so the demo opens with a history:
#: health trends, alerts that have aged, and escalations waiting for a lead.
HISTORY_WEEKS = (4, 3, 2, 1, 0)


def replay_scans(today: dt.date, settings) -> None:
    """Scan as each of the weeks before `today` would have."""
    for weeks in HISTORY_WEEKS:
        scan_all(dt.datetime.combine(today - dt.timedelta(weeks=weeks), dt.time(9, 0)), settings)


def run_demo(ctx: Context) -> int:
    from acct_tui import demo

    url = chosen_url(getattr(ctx.args, "db", None))
    today = ctx.args.today or clock.today()
    db.connect(url)
    db.upgrade()
    where = db.location(url)
    if ctx.args.fresh or demo.is_empty():
        summary = demo.build(accounts=ctx.args.accounts, seed=ctx.args.seed, today=today, fresh=ctx.args.fresh)
        print(f"demo database {where}: {summary}")
        replay_scans(today, ctx.settings)
        counts = alert_counts(access.OPERATOR)
        print(f"risk: {len(HISTORY_WEEKS)} weekly scans replayed; {counts['red']} red and {counts['yellow']} yellow alerts need attention")
    else:
        print(f"reusing demo database {where} (--fresh rebuilds it)")
    login = ctx.login or demo.default_viewer_login()
    if login is None:
        raise UsageError("the demo database has no team lead to open it as; try --fresh")
    print(f"open it again with: {reopen_command(url, login, ctx.args.today)}")
    if ctx.args.no_open:
        return 0
    if not getattr(ctx.args, "now", None) and ctx.args.today:
        clock.pin(dt.datetime.combine(today, dt.time(9, 0)))
    ctx.args.db = url
    ctx.args.user = login
    from acct_tui.cli.app_cmd import run_app

    return run_app(ctx)
