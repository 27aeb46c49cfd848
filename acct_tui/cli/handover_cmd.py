"""`acct-tui reassign` and `acct-tui deactivate`: handing accounts over without loss."""

from __future__ import annotations

import sys
from pathlib import Path

from acct_tui.cli.context import Context
from acct_tui.cli.output import say
from acct_tui.core.currency import plural
from acct_tui.core.text import terminal_safe
from acct_tui.errors import UsageError
from acct_tui.services import briefs as briefs_mod
from acct_tui.services import handover, money


def register(sub, common) -> None:
    parser = sub.add_parser(
        "reassign",
        parents=[common],
        help="hand accounts over to another person (a preview unless --apply)",
        description="Preview (default) or apply a handover: a brief per account and every row that changes owner.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from", dest="from_login", metavar="LOGIN", help="the current owner")
    source.add_argument("--unowned", action="store_true", help="accounts whose owner is deactivated (or missing)")
    parser.add_argument("--to", dest="to_login", metavar="LOGIN", required=True, help="the new owner (an active user)")
    parser.add_argument("--account", dest="account_ids", metavar="ID", type=int, action="append",
                        help="only this account id (repeat for more); default: all of them")
    parser.add_argument("--apply", action="store_true", help="do it (one transaction, audited)")
    parser.add_argument("-o", "--output", metavar="FILE", help="also write the briefs as a Markdown file")
    parser.set_defaults(handler=reassign)

    parser = sub.add_parser(
        "deactivate",
        parents=[common],
        help="mark a user as gone; their accounts show as unowned until reassigned",
    )
    parser.add_argument("login", metavar="LOGIN")
    parser.set_defaults(handler=deactivate)


def reassign(ctx: Context) -> int:
    args = ctx.args
    from_login = None if args.unowned else args.from_login
    viewer = ctx.viewer
    book = money.rate_book(ctx.config.base_currency)
    if args.apply:
        result = handover.apply(viewer, from_login, args.to_login, args.account_ids, book=book)
        plan = result.plan
        ctx.rescan(plan.account_ids)
    else:
        plan = handover.preview(viewer, from_login, args.to_login, args.account_ids, book=book)
    _print_plan(plan, applied=args.apply)
    if args.output:
        title = f"Handover from {plan.from_label} to {plan.to_login}, {plan.made_at.date().isoformat()}"
        try:
            Path(args.output).write_text(briefs_mod.markdown(plan.briefs, title) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        say(f"briefs written to {args.output}")
    return 0


def _print_plan(plan: handover.HandoverPlan, applied: bool) -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table
    from rich.text import Text

    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 120)
    verb = "Handed over" if applied else "Preview: hand over"
    console.print(Text(terminal_safe(f"{verb} {plural(len(plan.account_ids), 'account')} from {plan.from_label} to {plan.to_login}"), style="bold"))
    for brief in plan.briefs:
        console.print()
        ref = f" ({brief.external_id})" if brief.external_id else ""
        console.print(Text.assemble((terminal_safe(f"{brief.name}{ref}"), "bold underline"), " ", (f"#{brief.id}", "dim")))
        console.print(Markdown(terminal_safe("\n".join(briefs_mod.brief_lines(brief)), multiline=True)))
    table = Table(title="What changes owner", header_style="bold")
    for column in ("kind", "id", "account", "what", "from", "to"):
        table.add_column(column, overflow="fold")
    for change in plan.changes:
        cells = (change.kind.replace("_", " "), str(change.id), change.account_name, change.description,
                 change.from_owner or "-", change.to_owner)
        table.add_row(*(Text(terminal_safe(cell)) for cell in cells))
    console.print()
    console.print(table)
    counts = plan.figures_text()
    if applied:
        console.print(f"done: {counts}; history keeps its authors; audited")
    else:
        console.print(f"would move: {counts}.")
        console.print("Nothing changed: add --apply to do it.")


def deactivate(ctx: Context) -> int:
    from acct_tui.services import logins

    handover.deactivate(ctx.viewer, ctx.args.login)
    say(f"{ctx.args.login} deactivated; their accounts show as unowned until reassigned")
    if logins.is_operator():
        if logins.revoke(ctx.args.login):
            say(f"{ctx.args.login} can no longer connect to the database")
    elif logins.is_team_database():
        say(f"they now see nothing here; the operator removes their database login with `acct-tui db revoke {ctx.args.login}`")
    return 0
