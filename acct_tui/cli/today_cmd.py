"""`acct-tui next`: the Today queue, who to contact next and why."""

from __future__ import annotations

import argparse

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit
from acct_tui.core.text import plural
from acct_tui.services import money, today

COLUMNS = ["rank", "account_external_id", "account", "owner", "kind", "reason", "due", "score", "terms"]


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (0: everything)")
    return int(text)


def register(sub, common) -> None:
    parser = sub.add_parser(
        "next", parents=[common], help="who to contact next, and why (the Today queue)",
        description="One ranked list across the accounts the user may see: open alerts, accounts past their "
        "contact or visit target, commitments, planned visits, milestones, quiet renewals, escalations and "
        "courtesy dates, each with its urgency score and the terms that make it (the config's [urgency]).",
    )
    parser.add_argument("-n", dest="count", type=_count, default=20, metavar="N", help="the first N items (default 20; 0: all)")
    format_option(parser)
    parser.set_defaults(handler=run_next)


def run_next(ctx: Context) -> int:
    viewer = ctx.viewer
    queue = today.build_today(viewer, settings=ctx.settings, book=money.rate_book(ctx.config.base_currency))
    items = queue.items[: ctx.args.count] if ctx.args.count else queue.items
    rows = [
        {
            "rank": rank,
            "account_external_id": item.account_external_id,
            "account": item.account_name,
            "owner": item.owner,
            "kind": item.kind,
            "reason": item.reason,
            "due": item.due,
            "score": item.score,
            "terms": _terms(item, ctx.fmt),
        }
        for rank, item in enumerate(items, 1)
    ]
    columns = COLUMNS if ctx.fmt != "table" else [c for c in COLUMNS if c not in ("account_external_id", "terms")]
    emit(rows, ctx.fmt, columns, title=_title(viewer.login, len(queue.items), len(items)))
    return 0


def _terms(item, fmt: str):
    if fmt == "json":
        return [{"term": t.term, "value": t.value, "coefficient": t.coefficient, "contribution": t.contribution} for t in item.terms]
    return "; ".join(f"{t.term} {t.value:g} x {t.coefficient:g} = {t.contribution:g}" for t in item.terms)


def _title(login: str, total: int, shown: int) -> str:
    """`Today for minh.pham: 9 items, the first 2`; `1 item`, and no "the first" when all show."""
    title = f"Today for {login}: {plural(total, 'item')}"
    return title if shown == total else f"{title}, the first {shown}"
