"""`acct-tui users`, `acct-tui accounts` and `acct-tui team`: listings for people and pipes.

Each lists what a screen shows through that screen's service, so the
figures can be checked against the app and piped: `accounts` the
Portfolio's accounts (the book; `--all` adds churned ones), `team` the
Team pane's rows (README "The figures").
"""

from __future__ import annotations

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit, to_dict
from acct_tui.services import accounts, kpi_facts, money, team, users

#: `acct-tui team`'s columns: the Team pane's, by `TeamRow` field name.
TEAM_COLUMNS = [
    "login", "name", "role", "accounts", "total_value", "base_currency", "unrated", "red", "yellow", "snoozed_red",
    "coverage", "covered", "judged", "late_commitments", "escalations_waiting", "last_touch", "days_since_touch",
]
#: The table for people: the pane's columns, without what only a program needs.
TEAM_TABLE = [
    "login", "name", "role", "accounts", "total_value", "unrated", "red", "yellow", "snoozed_red", "coverage",
    "late_commitments", "escalations_waiting", "days_since_touch",
]


def register(sub, common) -> None:
    parser = sub.add_parser("users", parents=[common], help="list users with role, team and manager")
    format_option(parser)
    parser.set_defaults(handler=list_users)

    parser = sub.add_parser(
        "accounts", parents=[common], help="list the accounts a user may see",
        description="List the accounts in the book (customers and prospects) that --user may see, as the "
        "Portfolio counts them; --all adds the churned ones.",
    )
    format_option(parser)
    parser.add_argument("--all", action="store_true", help="churned accounts too")
    parser.set_defaults(handler=list_accounts)

    parser = sub.add_parser(
        "team", parents=[common], help="list the Team pane's rows: one per person --user leads",
        description="The Team pane's rows, from the same service: accounts, value, red and yellow alerts "
        "(snoozed red apart), coverage, late commitments, escalations waiting and days since the last "
        "touch, for each person --user leads (an account manager: their own row).",
    )
    format_option(parser)
    parser.set_defaults(handler=list_team)


def list_users(ctx: Context) -> int:
    ctx.viewer  # noqa: B018 - who you are is checked first (a role that is nobody is refused)
    emit(users.list_users(), ctx.fmt, ["login", "name", "role", "team", "manager", "active"], title="Users")
    return 0


def list_accounts(ctx: Context) -> int:
    rows = accounts.list_accounts(ctx.viewer, money.rate_book(ctx.config.base_currency))
    if not ctx.args.all:
        rows = [row for row in rows if kpi_facts.is_in_book(row.status)]
    columns = [
        "id", "external_id", "name", "owner", "tier", "status", "annual_value", "currency", "base_value",
        "base_currency", "renewal_date", "last_touch", "health_score", "health_band", "health_trend",
    ]
    emit(rows, ctx.fmt, columns, title=f"Accounts visible to {ctx.viewer.login}")
    return 0


def list_team(ctx: Context) -> int:
    from acct_tui.core.policy import policy_from_config

    base = ctx.config.base_currency
    rows = team.team_rows(ctx.viewer, policy_from_config(ctx.config.section("cadence")), money.rate_book(base))
    out = []
    for row in rows:
        found = to_dict(row)
        # The unowned pool has no login: say which row it is.
        found["login"] = row.login or team.UNOWNED_LABEL
        found["base_currency"] = base
        found["unrated"] = " ".join(f"{code}:{count}" for code, count in row.unrated)
        if ctx.fmt == "table":
            found["coverage"] = "-" if row.coverage is None else f"{row.coverage * 100:.0f}%"
        elif row.coverage is not None:
            found["coverage"] = round(row.coverage, 4)
        out.append(found)
    columns = TEAM_TABLE if ctx.fmt == "table" else TEAM_COLUMNS
    emit(out, ctx.fmt, columns, title=f"Team as {ctx.viewer.login} sees it (values in {base})")
    return 0
