"""`acct-tui db upgrade|version`: the schema."""

from __future__ import annotations

from acct_tui import db
from acct_tui.cli.context import Context


def register(sub, common) -> None:
    parser = sub.add_parser("db", parents=[common], help="database schema: upgrade, version")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", parents=[common], help="apply pending migrations (safe to repeat)")
    up.set_defaults(handler=upgrade)
    version = actions.add_parser("version", parents=[common], help="print the newest applied migration")
    version.set_defaults(handler=show_version)


def upgrade(ctx: Context) -> int:
    db.connect(ctx.url)
    applied = db.upgrade()
    where = db.describe(ctx.url)
    if applied:
        print(f"{where}: applied {', '.join(applied)}")
    else:
        print(f"{where}: already up to date ({db.schema_version()})")
    return 0


def show_version(ctx: Context) -> int:
    db.connect(ctx.url)
    print(db.schema_version() or "empty (no migrations applied)")
    return 0
