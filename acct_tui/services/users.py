"""User listings and look-ups."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

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
