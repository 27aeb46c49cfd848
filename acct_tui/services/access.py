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

Who the viewer is (`session_viewer`, for the app, the CLI and the scanner
alike): on SQLite, `--user` (else the config's user) picks whose view to show;
a local file is not a security boundary. On PostgreSQL the database role a
session connects as is who they are; the role owning the schema is the
operator; `--user` is an admin's (or the operator's) way to see as someone
else, and is audited. PostgreSQL enforces the same rules with row-level
security (migration 0003); `tests/test_rls.py` holds the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from peewee import JOIN, SQL, Expression, fn

from acct_tui import db
from acct_tui.db import database
from acct_tui.errors import DatabaseUnavailable, Forbidden, NotFound, UsageError
from acct_tui.models import (
    Account,
    ActionItem,
    Activity,
    Alert,
    AuditLog,
    CustomerCase,
    Contact,
    HealthSnapshot,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    Receivable,
    User,
)
from acct_tui.services import audit
from acct_tui.services.query import chunks, ids_in

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
    #: Who is really at the keyboard when an admin (or the operator) sees as this person.
    acting_admin: str | None = None
    #: Whether this session runs the risk scan: on PostgreSQL only the operator's does.
    may_scan: bool = True

    @property
    def is_operator(self) -> bool:
        return self.user_id is None

    @property
    def actor(self) -> str:
        """Who the audit trail names for what this session does: the person at the keyboard."""
        return self.acting_admin or self.login

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
        from acct_tui.services.users import unknown_login  # users knows nothing of access: no cycle

        raise NotFound(unknown_login(login, active_only=False))
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


def session_viewer(requested: str | None, *, only_user: bool = False) -> Viewer:
    """Who this session acts as: the one answer for the app, the CLI and the scanner.

    `requested` is `--user` (else the config's `user`). On SQLite it picks the
    view (none: the operator, or with `only_user` the only active user, as the
    app wants). On PostgreSQL the connection's role decides: the operator
    (the schema's owner), or the active user whose login is the role name;
    a role that maps to nobody is refused. `requested` naming someone else is
    refused unless that is an admin or the operator, and is audited.
    """
    role = db.session_role()
    if role is None:
        return viewer_for(default_login(requested) if only_user else requested)
    if role.operator:
        me = OPERATOR
    else:
        user = User.get_or_none(User.login == role.name)
        if user is None or not user.active:
            raise DatabaseUnavailable(
                f"database role {role.name!r} is not an active acct-tui user: "
                "the operator grants people with `acct-tui db grant LOGIN`"
            )
        me = replace(from_user(user), may_scan=False)
    if not requested or requested == me.login:
        return me
    if not me.sees_everything:
        raise Forbidden(
            f"you are {me.login} ({me.role}) on this database: only an admin may see as someone else (--user {requested})"
        )
    other = viewer_for(requested)
    with database.atomic():
        audit.record(me.login, "act_as", "user", other.user_id, {"as": other.login})
    return replace(other, acting_admin=me.login, may_scan=me.may_scan)


def require_scanner(viewer: Viewer) -> None:
    """The risk scan writes every account's alerts: on a team database only the operator runs it."""
    if not viewer.may_scan:
        raise Forbidden(
            f"the risk scan runs as the database operator (the role that owns the schema), not as {viewer.actor}; "
            "the team's scanner keeps alerts current"
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
    if not viewer.sees_everything:
        # Never "every account" as a subquery: SQLite then probes the account index once per
        # account and id (an admin's Today took minutes at 100k), and every activity has an account.
        query = query.where(Activity.account.in_(visible_account_ids(viewer)))
    clause = activity_filter(viewer)
    return query if clause is None else query.where(clause)


def scope_commitment_words(query, viewer: Viewer):
    """Restrict an `ActionItem` query to commitments whose words `viewer` may read.

    A visible account's commitment, unless it was made in a confidential
    record `viewer` may not read (elsewhere it is named by whose record it
    is, `hidden_sources`; a search must not find it by its words at all).
    """
    query = scope_rows(ActionItem, query, viewer)
    if viewer.is_operator:
        return query
    readable = scope_activities(Activity.select(SQL("1")).where(Activity.id == ActionItem.source_activity), viewer)
    return query.where(ActionItem.source_activity.is_null() | fn.EXISTS(readable))


def visible_users(viewer: Viewer):
    """The people whose work this viewer oversees (the Team pane's rows)."""
    query = User.select()
    if viewer.sees_everything:
        return query
    return query.where(User.id.in_(_people_under(viewer)))


#: The tables that hang off an account: visible with it (the standard policy in SQL).
ACCOUNT_TABLES = (
    Contact, ActionItem, Milestone, PlannedVisit, CustomerCase, MetricSample, Receivable, Alert, HealthSnapshot, Opportunity,
)


def scope_rows(model, query, viewer: Viewer):
    """Restrict a query on any account-data table (or `Account`, `Activity`) to what `viewer` sees."""
    if model is Account:
        return scope_accounts(query, viewer)
    if model is Activity:
        return scope_activities(query, viewer)
    if model is AuditLog:
        clause = audit_filter(viewer)
        return query if clause is None else query.where(clause)
    return query if viewer.sees_everything else query.where(model.account.in_(visible_account_ids(viewer)))


def audit_filter(viewer: Viewer) -> Expression | None:
    """A WHERE clause on `AuditLog`: what I did, and entries about records I may see."""
    if viewer.is_operator:
        return None
    about = {
        "account": AuditLog.row_id.in_(visible_account_ids(viewer)),
        "activity": AuditLog.row_id.in_(scope_activities(Activity.select(Activity.id), viewer)),
    }
    for model in ACCOUNT_TABLES:
        about[model._meta.table_name] = AuditLog.row_id.in_(scope_rows(model, model.select(model.id), viewer))
    clause = AuditLog.actor == viewer.login
    for table, visible in about.items():
        clause |= (AuditLog.table == table) & visible
    if viewer.sees_everything:  # people, imports: an admin's business
        clause |= AuditLog.table.not_in(list(about))
    return clause


def confidential_sources(activity_ids) -> dict[int, str]:
    """Of these activities, the confidential ones (and any the database would not show): id -> whose record.

    For what leaves acct-tui (a calendar feed, a handover brief): a promise
    made in a confidential record is named by whose record it is, whoever reads it.
    """
    ids = sorted({i for i in activity_ids if i is not None})
    if not ids:
        return {}
    rows = (Activity.select(Activity.id, Activity.confidential, User.login)
            .join(User, JOIN.LEFT_OUTER, on=(Activity.author == User.id)).where(Activity.id.in_(ids)).tuples())
    seen = {i: (confidential, login) for i, confidential, login in rows}
    return {i: (seen[i][1] if i in seen else None) or "someone" for i in ids if i not in seen or seen[i][0]}


def hidden_sources(viewer: Viewer, activity_ids) -> dict[int, str]:
    """Of these activities, those `viewer` may not read (confidential ones): id -> whose record it is.

    What was derived from such a record (a commitment made in it) is then
    named by whose record it is, never by its words. Under row-level security
    the author of a record one may not read is not visible either: "someone".
    """
    ids = sorted({i for i in activity_ids if i is not None})
    if not ids or viewer.is_operator:
        return {}
    readable: set[int] = set()
    for part in chunks(ids):
        readable.update(i for (i,) in scope_activities(Activity.select(Activity.id).where(ids_in(Activity.id, part)), viewer).tuples())
    hidden = [i for i in ids if i not in readable]
    if not hidden:
        return {}
    authors: dict[int, str] = {}
    for part in chunks(hidden):
        authors.update(Activity.select(Activity.id, User.login).join(User, on=(Activity.author == User.id))
                       .where(ids_in(Activity.id, part)).tuples())
    return {i: authors.get(i) or "someone" for i in hidden}


def who_may_see(account_id: int) -> list[str]:
    """Logins of the active people who see an account through the line (every admin does too).

    Its owner, the owner's manager when a lead or senior, and the leads of
    the owner's team: `account_filter` read the other way round.
    """
    owner = User.select().join(Account, on=(Account.owner == User.id)).where(Account.id == account_id).first()
    if owner is None:
        return []
    line = (User.id == owner.id) | ((User.id == owner.manager_id) & User.role.in_(("lead", "senior")))
    if owner.team_id is not None:
        line |= (User.team == owner.team_id) & (User.role == "lead")
    query = User.select(User.login).where(line & (User.active == True))  # noqa: E712
    return sorted(u.login for u in query)


def oversees(viewer: Viewer, user_id: int) -> bool:
    """Whether `user_id` is one of the people `viewer` oversees (everyone, for admins)."""
    if viewer.sees_everything:
        return True
    return visible_users(viewer).where(User.id == user_id).exists()


def may_reassign(viewer: Viewer) -> bool:
    """Leads, admins and the operator hand accounts over; account managers do not."""
    return viewer.is_operator or viewer.role in REASSIGNING_ROLES


#: Who answers for a record that can be corrected: its column naming a person (a milestone: nobody, so its account's owner).
_ANSWERED_BY = {Activity: "author", ActionItem: "owner", PlannedVisit: "owner", Milestone: None}


def changeable(viewer: Viewer, model, row_id: int, what: str):
    """The row `row_id` of `model` if `viewer` may edit or delete it, else `NotFound` / `Forbidden`.

    They must be able to read it (a confidential record, or a commitment made
    in one, stays `NotFound` to whoever may not), and it must be theirs to
    answer for: they wrote or own it (a milestone, or a record with nobody
    behind it: the account's owner), or they oversee that person (`oversees`:
    a lead their team, an admin everyone). The operator may change anything.
    """
    query = model.select().where(model.id == row_id)
    query = scope_commitment_words(query, viewer) if model is ActionItem else scope_rows(model, query, viewer)
    row = query.first()
    if row is None:
        raise NotFound(f"no {what} {row_id} that {viewer.login} may see")
    if viewer.is_operator:
        return row
    column = _ANSWERED_BY[model]
    person = getattr(row, f"{column}_id") if column else None
    if person is None:
        person = Account.select(Account.owner).where(Account.id == row.account_id).scalar()
    if person is not None and (person == viewer.user_id or oversees(viewer, person)):
        return row
    login = User.select(User.login).where(User.id == person).scalar() if person is not None else None
    whose = f"{login}'s" if login else "nobody's"
    raise Forbidden(f"{what} {row_id} is {whose}: only they, the people who lead them, or an admin may change it")
