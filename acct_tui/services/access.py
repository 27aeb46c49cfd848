"""Who may see what: decided here and nowhere else.

Every read path (screens, the command palette, CLI listings, exports) asks
this module for a filter expression and applies it in SQL.

- an account manager (`am`, `kam`) sees the accounts they own;
- a `senior` sees their own and those of the people who report to them;
- a `lead` sees their team's accounts and their reports' accounts;
- an `admin`, and the database operator (no `--user`), see every account.

Confidential visit records are shown only to their author and the author's
lead (their manager, or a lead of their team); the operator sees them too,
an admin does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Expression

from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, Activity, User

OPERATOR_LOGIN = "operator"
#: Who may hand accounts over (and deactivate people): within the people they oversee.
REASSIGNING_ROLES = ("lead", "admin")


@dataclass(frozen=True)
class Viewer:
    """The person a screen or command acts as."""

    user_id: int | None
    login: str
    name: str
    role: str
    team_id: int | None = None
    team_name: str | None = None

    @property
    def is_operator(self) -> bool:
        return self.user_id is None

    @property
    def sees_everything(self) -> bool:
        return self.is_operator or self.role == "admin"

    @property
    def leads_people(self) -> bool:
        """Leads and admins get the Team pane and the owner filter."""
        return self.is_operator or self.role in ("lead", "admin", "senior")


OPERATOR = Viewer(user_id=None, login=OPERATOR_LOGIN, name="Database operator", role="admin")


def viewer_for(login: str | None) -> Viewer:
    """The viewer for a login; None means the database operator.

    Raises `NotFound` for an unknown login and `UsageError` for a deactivated one.
    """
    if login is None:
        return OPERATOR
    user = User.select().where(User.login == login).first()
    if user is None:
        raise NotFound(f"no user with login {login!r}")
    if not user.active:
        raise UsageError(f"user {login!r} is deactivated")
    return from_user(user)


def from_user(user: User) -> Viewer:
    team = user.team
    return Viewer(
        user_id=user.id,
        login=user.login,
        name=user.name,
        role=user.role,
        team_id=team.id if team else None,
        team_name=team.name if team else None,
    )


def default_login(configured: str | None) -> str | None:
    """`--user`, else the config file, else the only active user if there is exactly one."""
    if configured:
        return configured
    logins = [u.login for u in User.select(User.login).where(User.active == True).limit(2)]  # noqa: E712
    return logins[0] if len(logins) == 1 else None


def _people_under(viewer: Viewer):
    """A subquery of user ids whose accounts this viewer sees (besides their own)."""
    who = User.manager == viewer.user_id
    if viewer.role == "lead" and viewer.team_id is not None:
        who |= User.team == viewer.team_id
    return User.select(User.id).where(who | (User.id == viewer.user_id))


def account_filter(viewer: Viewer) -> Expression | None:
    """A WHERE clause on `Account` for what `viewer` may see; None means everything."""
    if viewer.sees_everything:
        return None
    if viewer.role in ("lead", "senior"):
        return Account.owner.in_(_people_under(viewer))
    return Account.owner == viewer.user_id


def scope_accounts(query, viewer: Viewer):
    """Restrict a query that selects from (or joins) `Account` to what `viewer` sees."""
    clause = account_filter(viewer)
    return query if clause is None else query.where(clause)


def visible_account_ids(viewer: Viewer):
    """A subquery of visible account ids, for filtering other tables."""
    return scope_accounts(Account.select(Account.id), viewer)


def account_visible(viewer: Viewer, account_id: int) -> bool:
    return scope_accounts(Account.select(Account.id).where(Account.id == account_id), viewer).exists()


def activity_filter(viewer: Viewer) -> Expression | None:
    """A WHERE clause on `Activity` hiding confidential records from outsiders."""
    if viewer.is_operator:
        return None
    readers = (Activity.confidential == False) | (Activity.author == viewer.user_id)  # noqa: E712
    if viewer.role in ("lead", "senior", "admin"):
        readers |= Activity.author.in_(_authors_led_by(viewer))
    return readers


def _authors_led_by(viewer: Viewer):
    who = User.manager == viewer.user_id
    if viewer.role == "lead" and viewer.team_id is not None:
        who |= User.team == viewer.team_id
    return User.select(User.id).where(who)


def scope_activities(query, viewer: Viewer):
    """Restrict an `Activity` query to visible accounts and readable records."""
    query = query.where(Activity.account.in_(visible_account_ids(viewer)))
    clause = activity_filter(viewer)
    return query if clause is None else query.where(clause)


def visible_users(viewer: Viewer):
    """The people whose work this viewer oversees (the Team pane's rows)."""
    query = User.select()
    if viewer.sees_everything:
        return query
    return query.where(User.id.in_(_people_under(viewer)))


def oversees(viewer: Viewer, user_id: int) -> bool:
    """Whether `user_id` is one of the people `viewer` oversees (everyone, for admins)."""
    if viewer.sees_everything:
        return True
    return visible_users(viewer).where(User.id == user_id).exists()


def may_reassign(viewer: Viewer) -> bool:
    """Leads, admins and the operator hand accounts over; account managers do not."""
    return viewer.is_operator or viewer.role in REASSIGNING_ROLES
