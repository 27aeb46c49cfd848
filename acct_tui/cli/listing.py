"""`acct-tui users` and `acct-tui accounts`: listings for people and pipes."""

from __future__ import annotations

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit
from acct_tui.services import accounts, money, users


def register(sub, common) -> None:
    parser = sub.add_parser("users", parents=[common], help="list users with role, team and manager")
    format_option(parser)
    parser.set_defaults(handler=list_users)

    parser = sub.add_parser("accounts", parents=[common], help="list the accounts a user may see")
    format_option(parser)
    parser.set_defaults(handler=list_accounts)


def list_users(ctx: Context) -> int:
    ctx.viewer  # noqa: B018 - who you are is checked first (a role that is nobody is refused)
    emit(users.list_users(), ctx.fmt, ["login", "name", "role", "team", "manager", "active"], title="Users")
    return 0


def list_accounts(ctx: Context) -> int:
    rows = accounts.list_accounts(ctx.viewer, money.rate_book(ctx.config.base_currency))
    columns = [
        "id", "external_id", "name", "owner", "tier", "status", "annual_value", "currency", "base_value",
        "base_currency", "renewal_date", "last_touch", "health_score", "health_band", "health_trend",
    ]
    emit(rows, ctx.fmt, columns, title=f"Accounts visible to {ctx.viewer.login}")
    return 0
