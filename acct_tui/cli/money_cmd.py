"""`acct-tui rates`: the exchange rates every total converts with; `rates import FILE` adds them."""

from __future__ import annotations

from pathlib import Path

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit, say
from acct_tui.errors import Forbidden


def register(sub, common) -> None:
    parser = sub.add_parser("rates", parents=[common], help="list exchange rates; `rates import FILE` adds them")
    format_option(parser)
    parser.set_defaults(handler=list_rates)
    actions = parser.add_subparsers(dest="rates_action", metavar="ACTION")
    p = actions.add_parser("import", parents=[common], help="import rates.csv (currency,rate,as_of[,quote]); a dry run unless --commit")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--commit", action="store_true", help="apply it, in one transaction (default: dry run)")
    p.set_defaults(handler=import_rates)


def list_rates(ctx: Context) -> int:
    from acct_tui.services.money import list_rates as rates

    ctx.open_db()
    emit(rates(), ctx.fmt, ["currency", "quote", "as_of", "rate", "inverse"],
         title=f"Exchange rates (totals are in {ctx.config.base_currency})")
    return 0


def import_rates(ctx: Context) -> int:
    from acct_tui.io import importer

    viewer = ctx.viewer
    if not viewer.sees_everything:
        raise Forbidden(f"{viewer.login} may not import rates: it takes an admin or the database operator")
    report = importer.run_rates(ctx.args.file, commit=ctx.args.commit, actor=viewer.actor, base_currency=ctx.config.base_currency)
    say(report.render())
    return report.exit_code
