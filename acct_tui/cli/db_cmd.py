"""`acct-tui db upgrade|version|grant|revoke`: the schema, and who may connect to it."""

from __future__ import annotations

from pathlib import Path

from acct_tui import db
from acct_tui.cli.context import Context
from acct_tui.cli.output import say
from acct_tui.errors import UsageError


def register(sub, common) -> None:
    parser = sub.add_parser("db", parents=[common], help="database schema: upgrade, version")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", parents=[common], help="apply pending migrations (safe to repeat)")
    up.set_defaults(handler=upgrade)
    version = actions.add_parser("version", parents=[common], help="print the newest applied migration")
    version.set_defaults(handler=show_version)
    grant = actions.add_parser(
        "grant", parents=[common], help="let a person connect to this PostgreSQL database as themselves",
        description="Create or update the PostgreSQL role named LOGIN (it can log in) and add it to the "
        "database's group role; row-level security shows them what their place in the team lets them see.",
    )
    grant.add_argument("login", metavar="LOGIN")
    grant.add_argument("--password-file", metavar="FILE", type=Path, help="set the role's password from the first line of FILE")
    grant.set_defaults(handler=grant_login)
    revoke = actions.add_parser("revoke", parents=[common], help="take a person's database login away")
    revoke.add_argument("login", metavar="LOGIN")
    revoke.set_defaults(handler=revoke_login)


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


def _password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"--password-file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--password-file {path}: not UTF-8 text") from None
    if not lines or not lines[0].strip():
        raise UsageError(f"--password-file {path}: the first line is empty")
    return lines[0].strip()


def grant_login(ctx: Context) -> int:
    from acct_tui.services import logins

    password = _password(ctx.args.password_file)
    ctx.open_db()
    done = logins.grant(ctx.args.login, password)
    url = logins.connect_url(ctx.url, done.login)
    say(f"{'created' if done.created else 'updated'} login {done.login} (member of {done.group})")
    how = "with the password from the file" if done.with_password else "no password set: the server's pg_hba.conf must admit them"
    say(f"they connect with: acct-tui --db {url}   ({how})")
    return 0


def revoke_login(ctx: Context) -> int:
    from acct_tui.services import logins

    ctx.open_db()
    if logins.revoke(ctx.args.login):
        say(f"{ctx.args.login} can no longer connect")
    else:
        say(f"{ctx.args.login} had no database login")
    return 0
