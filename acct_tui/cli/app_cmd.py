"""`acct-tui` (no subcommand) and `acct-tui app`: open the dashboard."""

from __future__ import annotations

from acct_tui.cli.context import Context
from acct_tui.errors import UsageError


def register(sub, common) -> None:
    parser = sub.add_parser("app", parents=[common], help="open the dashboard (the default)")
    parser.set_defaults(handler=run_app)


def run_app(ctx: Context) -> int:
    """Open the Textual app on the resolved database as the resolved user."""
    from acct_tui.services import access

    ctx.open_db()
    viewer = access.session_viewer(ctx.login, only_user=True)
    try:
        from acct_tui.ui.app import run
    except ImportError as exc:  # pragma: no cover - a broken install
        raise UsageError(f"the dashboard cannot start: {exc}") from None
    return run(ctx, viewer) or 0
