"""`acct-tui` (no subcommand) and `acct-tui app`: open the dashboard."""

from __future__ import annotations

import sys

from acct_tui import db
from acct_tui.cli.context import Context
from acct_tui.cli.output import say
from acct_tui.errors import UsageError


def register(sub, common) -> None:
    parser = sub.add_parser("app", parents=[common], help="open the dashboard (the default)")
    parser.add_argument("--open", metavar="AREA", dest="area",
                        help="open on this area instead of Today: portfolio, timeline, visits, alerts, team")
    parser.set_defaults(handler=run_app)


def run_app(ctx: Context) -> int:
    """Open the Textual app on the resolved database as the resolved user."""
    from acct_tui.services import access

    ctx.open_db()
    viewer = access.session_viewer(ctx.login, only_user=True)
    if viewer.sees_everything and _empty():
        # An empty table teaches nothing: say how to get something to look at.
        say(
            f"The database {db.location(ctx.url)} holds no accounts yet.\n"
            "  See the app on sample data:  acct-tui demo\n"
            "  Bring in your own:           acct-tui import dir DIR --commit   (or import salesforce|hubspot DIR; see the README)",
            file=sys.stderr,
        )
        return 1
    try:
        from acct_tui.ui.app import run
    except ImportError as exc:  # pragma: no cover - a broken install
        raise UsageError(f"the dashboard cannot start: {exc}") from None
    return run(ctx, viewer) or 0


def _empty() -> bool:
    """No account at all: nothing the dashboard could show anyone."""
    from acct_tui.models import Account

    return not Account.select().exists()
