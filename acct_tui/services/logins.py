"""Team mode: who may connect to a PostgreSQL database, given and taken by the operator.

A person connects as a PostgreSQL role named exactly like their login; the
role is a member of the database's one group role (`acct_group_role()`,
migration 0003), which holds the table privileges. Row-level security then
shows them what `services/access.py` says they may see. Only the operator
(the role owning the schema) grants and revokes; on SQLite there are no
logins at all (a file is one person's).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from acct_tui import db
from acct_tui.db import database
from acct_tui.errors import Forbidden, NotFound, UsageError
from acct_tui.models import User


@dataclass(frozen=True)
class Granted:
    login: str
    created: bool
    with_password: bool
    group: str


def _require_operator(what: str) -> None:
    role = db.session_role()
    if role is None:
        raise UsageError(f"{what} is for a PostgreSQL team database; a SQLite file has no logins")
    if not role.operator:
        raise Forbidden(f"{what} takes the database operator (the role that owns the schema), not {role.name}")


def _role(cursor, login: str):
    cursor.execute("SELECT rolsuper OR rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s", (login,))
    return cursor.fetchone()


def grant(login: str, password: str | None = None) -> Granted:
    """Create or update the login role `login` and make it a member of the group role.

    The user must exist and be active. A role that would bypass row-level
    security (a superuser) is refused: it would see everything.
    """
    from psycopg import sql

    _require_operator("db grant")
    with database.connection_context():
        if not User.select().where((User.login == login) & (User.active == True)).exists():  # noqa: E712
            raise NotFound(f"no active acct-tui user with login {login!r}: add them first (users.csv), then grant")
        with database.atomic():
            cursor = database.connection().cursor()
            cursor.execute("SELECT acct_secure(true), acct_group_role()")
            group = cursor.fetchone()[1]
            existing = _role(cursor, login)
            if existing and existing[0]:
                raise Forbidden(f"role {login!r} is a superuser or bypasses row-level security: it would see everything")
            verb = sql.SQL("ALTER ROLE" if existing else "CREATE ROLE")
            statement = sql.SQL("{} {} LOGIN").format(verb, sql.Identifier(login))
            if password is not None:
                statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
            cursor.execute(statement)
            cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
    return Granted(login, created=existing is None, with_password=password is not None, group=group)


def revoke(login: str) -> bool:
    """Take the login away (NOLOGIN, out of the group) and end its open sessions; False if it had none."""
    from psycopg import sql

    _require_operator("db revoke")
    with database.connection_context(), database.atomic():
        cursor = database.connection().cursor()
        if _role(cursor, login) is None:
            return False
        cursor.execute("SELECT acct_group_role()")
        group = cursor.fetchone()[0]
        cursor.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login)))
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,))
        if cursor.fetchone():
            cursor.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(login)))
    _end_sessions(login)
    return True


def _end_sessions(login: str) -> None:
    """Close the role's open connections, where the operator is allowed to (else they end at disconnect)."""
    with database.connection_context():
        try:
            with database.atomic():
                database.execute_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()",
                    (login,),
                )
        except Exception:  # noqa: BLE001 - no right to signal them: the rules already show them nothing
            pass


def connect_url(operator_url: str, login: str) -> str:
    """How `login` reaches the same database: the operator's URL with their role and no password."""
    parsed = urlparse(operator_url)
    host = parsed.hostname or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"postgresql://{login}@{host}{port}{parsed.path}"


def is_team_database() -> bool:
    return db.session_role() is not None


def is_operator() -> bool:
    role = db.session_role()
    return role is not None and role.operator
