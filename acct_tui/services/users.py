"""User listings and look-ups."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from peewee import JOIN, fn

from acct_tui.errors import NotFound
from acct_tui.models import Team, User


@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    name: str
    role: str
    team: str | None
    manager: str | None
    active: bool


def list_users() -> list[UserRow]:
    Manager = User.alias("manager")
    query = (
        User.select(User, Team.name.alias("team_name"), Manager.login.alias("manager_login"))
        .join(Team, JOIN.LEFT_OUTER, on=(User.team == Team.id))
        .switch(User)
        .join(Manager, JOIN.LEFT_OUTER, on=(User.manager == Manager.id))
        .order_by(User.login)
    )
    return [
        UserRow(
            id=r["id"],
            login=r["login"],
            name=r["name"],
            role=r["role"],
            team=r["team_name"],
            manager=r["manager_login"],
            active=r["active"],
        )
        for r in query.dicts()
    ]


def get_user(login: str) -> User:
    user = User.get_or_none(User.login == login)
    if user is None:
        raise NotFound(f"no user with login {login!r}")
    return user


def find_login(text: str, *, active_only: bool = True) -> User | None:
    """The user whose login is `text`, case and surrounding spaces ignored (`Lena.Lead` is lena.lead)."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    query = User.select().where(fn.LOWER(User.login) == wanted)
    if active_only:
        query = query.where(User.active == True)  # noqa: E712
    return query.first()


def closest_login(text: str, *, active_only: bool = True) -> str | None:
    """The login nearest to `text`, to suggest when `text` names nobody."""
    query = User.select(User.login)
    if active_only:
        query = query.where(User.active == True)  # noqa: E712
    logins = {login.lower(): login for (login,) in query.tuples()}
    close = difflib.get_close_matches(text.strip().lower(), list(logins), n=1, cutoff=0.5)
    return logins[close[0]] if close else None


def unknown_login(text: str, *, active_only: bool = True, what: str = "user") -> str:
    """The message for a login that names nobody, with the closest one suggested."""
    close = closest_login(text, active_only=active_only)
    active = "active " if active_only else ""
    return f"no {active}{what} with login {text.strip()!r}" + (f": did you mean {close}?" if close else "")


def resolve_login(text: str, *, active_only: bool = True, what: str = "user") -> User:
    """`find_login`, else `NotFound` saying so and suggesting the closest login."""
    user = find_login(text, active_only=active_only)
    if user is None:
        raise NotFound(unknown_login(text, active_only=active_only, what=what))
    return user
