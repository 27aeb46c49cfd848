"""`acct-tui search "WORDS"`: what was written, found by its words (services/search.py)."""

from __future__ import annotations

from acct_tui.cli import format_option
from acct_tui.cli.context import Context
from acct_tui.cli.output import emit
from acct_tui.services import search

#: The columns of each format: a table shows what a person reads; JSON and CSV what a program needs.
TABLE_COLUMNS = ["rank", "kind", "account", "at", "title", "excerpt"]
DATA_COLUMNS = ["rank", "kind", "source", "id", "account_id", "account", "at", "title", "excerpt", "matches", "score"]


def register(sub, common) -> None:
    parser = sub.add_parser(
        "search", parents=[common],
        help="find touches, cases, commitments and milestones by their words (accents and case ignored)",
        description='Words must all be there, in any order; "quoted words" side by side; a trailing * a prefix. '
                    "Accents and case are ignored (cong ty sua finds Công ty Sữa); Chinese is matched character by character.",
    )
    parser.add_argument("words", help='what to look for, e.g. "cong ty sua" or \'"price increase" deliv*\'')
    parser.add_argument("-n", "--limit", type=int, default=search.DEFAULT_LIMIT, help=f"at most this many results (default {search.DEFAULT_LIMIT})")
    format_option(parser)
    parser.set_defaults(handler=run_search)


def run_search(ctx: Context) -> int:
    rows = search.search_rows(ctx.viewer, ctx.args.words, ctx.args.limit)
    if ctx.fmt == "csv":
        rows = [{**row, "matches": " ".join(row["matches"])} for row in rows]
    columns = TABLE_COLUMNS if ctx.fmt == "table" else DATA_COLUMNS
    emit(rows, ctx.fmt, columns, title=f"Search {ctx.args.words!r} as {ctx.viewer.login}")
    return 0
