"""Handover: move accounts from one person to another without losing anything.

`preview` says exactly what would change owner and gives a brief per
account; `apply` does it in ONE transaction and audits every moved row.
History keeps its authors: activities, done commitments and past visits are
never touched. What moves, per account:

- the account itself;
- its open commitments owned by the previous owner, by nobody, or by a
  deactivated person (a colleague's own promise stays theirs);
- its planned (status `planned`) visits under the same rule;
- open alerts follow the account (they have no owner of their own); an open
  alert escalated to the previous owner is re-pointed to the new one.

`from_login=None` means the unowned pool: accounts the viewer sees whose
owner is deactivated (or, for admins, missing). Only leads, admins and the
operator may reassign; a lead only within their team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acct_tui.clock import now
from acct_tui.db import database
from acct_tui.errors import Forbidden, NotFound, UsageError
from acct_tui.models import Account, ActionItem, Alert, PlannedVisit, User
from acct_tui.core.currency import plural
from acct_tui.services import audit, kpi_facts
from acct_tui.services.access import Viewer, may_reassign, oversees, scope_accounts, visible_users
from acct_tui.services.briefs import AccountBrief, build_briefs
from acct_tui.services.query import chunks

UNOWNED = "unowned"


@dataclass(frozen=True)
class Change:
    """One row that changes owner (or, for an alert, follows its account)."""

    kind: str  # account | commitment | planned_visit | alert | escalation
    id: int
    account_id: int
    account_name: str
    description: str
    from_owner: str | None
    to_owner: str


@dataclass(frozen=True)
class HandoverPlan:
    from_login: str | None  # None: the unowned pool
    to_login: str
    account_ids: tuple[int, ...]
    briefs: tuple[AccountBrief, ...]
    changes: tuple[Change, ...]
    made_at: dt.datetime

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def figures(self) -> dict[str, int]:
        """What moves, counted by the figures every screen uses (`kpi_facts`): accounts in the
        book (churned ones apart: their record moves too), and escalations waiting on them
        (the Team pane's Escal.) beside the rows that change owner."""
        book = [b for b in self.briefs if kpi_facts.is_in_book(b.status)]
        return {
            "accounts": len(book),
            "churned": len(self.briefs) - len(book),
            "commitments": self.count("commitment"),
            "planned_visits": self.count("planned_visit"),
            "alerts": self.count("alert"),
            "escalations_waiting": sum(
                kpi_facts.is_escalation_waiting(a.escalated_to, a.status) for b in book for a in b.open_alerts
            ),
            "escalations_repointed": self.count("escalation"),
        }

    def figures_text(self) -> str:
        """`79 accounts, 12 open commitments, 4 planned visits, 6 open alerts, 3 escalations waiting`."""
        f = self.figures()
        parts = [plural(f["accounts"], "account")]
        if f["churned"]:
            parts.append(plural(f["churned"], "churned account"))
        parts += [plural(f["commitments"], "open commitment"), plural(f["planned_visits"], "planned visit"),
                  plural(f["alerts"], "open alert"), plural(f["escalations_waiting"], "escalation") + " waiting"]
        if f["escalations_repointed"]:
            parts.append(f"{plural(f['escalations_repointed'], 'escalation')} to {self.from_label} re-pointed to {self.to_login}")
        return ", ".join(parts)

    @property
    def from_label(self) -> str:
        return self.from_login or UNOWNED


@dataclass(frozen=True)
class HandoverResult:
    plan: HandoverPlan
    accounts: int
    commitments: int
    planned_visits: int
    escalations: int

    @property
    def briefs(self) -> tuple[AccountBrief, ...]:
        return self.plan.briefs


def _require_reassigner(viewer: Viewer) -> None:
    if not may_reassign(viewer):
        raise Forbidden(f"{viewer.login} is {_article(viewer.role)} {viewer.role}: only a lead or an admin may reassign accounts")


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _user(login: str, what: str) -> User:
    user = User.get_or_none(User.login == login)
    if user is None:
        raise NotFound(f"{what}: no user with login {login!r}")
    return user


def _pool(viewer: Viewer, source: User | None):
    """The accounts `viewer` may hand over from `source` (None: the unowned pool)."""
    query = Account.select(Account.id, Account.name, Account.owner)
    if source is not None:
        query = query.where(Account.owner == source.id)
    else:
        inactive = User.select(User.id).where(User.active == False)  # noqa: E712
        query = query.where(Account.owner.is_null() | Account.owner.in_(inactive))
    return scope_accounts(query, viewer)


def preview(viewer: Viewer, from_login: str | None, to_login: str, account_ids=None, *, book=None) -> HandoverPlan:
    """What `apply` would do, with a brief per account (values in `book.base`); changes nothing."""
    _require_reassigner(viewer)
    if not to_login:
        raise UsageError("say who takes the accounts over (--to LOGIN)")
    source = _user(from_login, "--from") if from_login else None
    target = _user(to_login, "--to")
    if source is not None and source.id == target.id:
        raise UsageError(f"--from and --to are both {to_login!r}")
    if not target.active:
        raise UsageError(f"{to_login!r} is deactivated and cannot take accounts over")
    if source is not None and not oversees(viewer, source.id):
        raise Forbidden(f"{from_login!r} is not in your team: you may not reassign their accounts")
    if not oversees(viewer, target.id):
        raise Forbidden(f"{to_login!r} is not in your team: hand accounts over within your team")

    pool = {row.id: row for row in _pool(viewer, source)}
    if account_ids:
        wanted = list(dict.fromkeys(int(i) for i in account_ids))
        missing = [i for i in wanted if i not in pool]
        if missing:
            owner = f"owned by {from_login}" if source else UNOWNED
            raise NotFound(f"account {', '.join(f'#{i}' for i in missing)} is not {owner} (or not visible to you)")
    else:
        wanted = sorted(pool)
    if not wanted:
        who = f"{from_login!r} owns" if source else "there are"
        raise UsageError(f"{who} no {'' if source else 'unowned '}accounts you can reassign")

    briefs = build_briefs(wanted, book=book)
    changes = _changes(wanted, {b.id: b for b in briefs}, source, target)
    return HandoverPlan(from_login, target.login, tuple(b.id for b in briefs), briefs, tuple(changes), now())


def _changes(ids: list[int], briefs: dict[int, AccountBrief], source: User | None, target: User) -> list[Change]:
    owners: dict[int, int | None] = {}
    for part in chunks(ids):
        for account_id, owner_id in Account.select(Account.id, Account.owner).where(Account.id.in_(part)).tuples():
            owners[account_id] = owner_id
    inactive = {u for (u,) in User.select(User.id).where(User.active == False).tuples()}  # noqa: E712

    def movable(account_id: int, owner_id: int | None) -> bool:
        # A colleague's own promise stays theirs; the previous owner's, nobody's
        # and a deactivated person's go to the new owner.
        return owner_id is None or owner_id == owners.get(account_id) or owner_id in inactive

    logins = {u.id: u.login for u in User.select(User.id, User.login)}
    changes: list[Change] = []
    for account_id in ids:
        brief = briefs[account_id]
        changes.append(
            Change("account", account_id, account_id, brief.name, f"account {brief.name}", brief.owner, target.login)
        )
    def owned(kind: str, rows, describe) -> None:
        """The `rows` (commitments or planned visits) that move with their account."""
        for row in rows:
            if movable(row.account_id, row.owner_id):
                changes.append(Change(kind, row.id, row.account_id, briefs[row.account_id].name, describe(row),
                                      logins.get(row.owner_id), target.login))

    for part in chunks(ids):
        owned(
            "commitment",
            ActionItem.select().where(ActionItem.account.in_(part) & (ActionItem.status == "open")).order_by(ActionItem.id),
            lambda item: f"commitment: {item.title}" + (f" (due {item.due_on.isoformat()})" if item.due_on else ""),
        )
        owned(
            "planned_visit",
            PlannedVisit.select()
            .where(PlannedVisit.account.in_(part) & (PlannedVisit.status == "planned"))
            .order_by(PlannedVisit.scheduled_for, PlannedVisit.id),
            lambda visit: f"planned visit {visit.scheduled_for.isoformat()}" + (f": {visit.purpose}" if visit.purpose else ""),
        )
        alerts = Alert.select().where(Alert.account.in_(part) & (Alert.status != "resolved")).order_by(Alert.id)
        for alert in alerts:
            name = briefs[alert.account_id].name
            changes.append(
                Change("alert", alert.id, alert.account_id, name,
                       f"{alert.severity} alert {alert.rule} (follows the account)", logins.get(owners[alert.account_id]), target.login)
            )
            if source is not None and alert.escalated_to_id == source.id:
                changes.append(
                    Change("escalation", alert.id, alert.account_id, name,
                           f"escalation of alert {alert.rule}", source.login, target.login)
                )
    return changes


def apply(viewer: Viewer, from_login, to_login: str | None = None, account_ids=None, *, book=None) -> HandoverResult:
    """Hand the accounts over in one transaction; returns the briefs for the new owner.

    Takes the same arguments as `preview`, or a `HandoverPlan` from it (its
    accounts are handed over; the plan is re-checked against the database).
    """
    if isinstance(from_login, HandoverPlan):
        plan_in = from_login
        from_login, to_login, account_ids = plan_in.from_login, plan_in.to_login, plan_in.account_ids
    with database.atomic():
        plan = preview(viewer, from_login, to_login, account_ids, book=book)
        target = User.get(User.login == plan.to_login)
        stamp = now()
        by_kind: dict[str, list[int]] = {}
        for change in plan.changes:
            by_kind.setdefault(change.kind, []).append(change.id)
        for part in chunks(by_kind.get("account", [])):
            Account.update(owner=target.id, updated_at=stamp).where(Account.id.in_(part)).execute()
        for part in chunks(by_kind.get("commitment", [])):
            ActionItem.update(owner=target.id).where(ActionItem.id.in_(part) & (ActionItem.status == "open")).execute()
        for part in chunks(by_kind.get("planned_visit", [])):
            PlannedVisit.update(owner=target.id).where(PlannedVisit.id.in_(part) & (PlannedVisit.status == "planned")).execute()
        for part in chunks(by_kind.get("escalation", [])):
            Alert.update(escalated_to=target.id).where(Alert.id.in_(part)).execute()
        audit.record_many(_audit_entries(viewer, plan))
    return HandoverResult(
        plan=plan,
        accounts=plan.count("account"),
        commitments=plan.count("commitment"),
        planned_visits=plan.count("planned_visit"),
        escalations=plan.count("escalation"),
    )


_AUDIT_TABLE = {"account": "account", "commitment": "action_item", "planned_visit": "planned_visit", "escalation": "alert"}


def _audit_entries(viewer: Viewer, plan: HandoverPlan) -> list[dict]:
    entries = []
    for change in plan.changes:
        table = _AUDIT_TABLE.get(change.kind)
        if table is None:  # alerts just follow their account
            continue
        field = "escalated_to" if change.kind == "escalation" else "owner"
        entries.append(
            dict(actor=viewer.actor, action="reassign", table=table, row_id=change.id,
                 changes={field: [change.from_owner, change.to_owner], "handover_from": plan.from_label})
        )
    return entries


def deactivate(viewer: Viewer, login: str) -> None:
    """Mark a person as gone: they can no longer sign in, their accounts show as unowned.

    Nothing they own moves; a lead picks the accounts up with a handover.
    """
    _require_reassigner(viewer)
    user = _user(login, "deactivate")
    if user.id == viewer.user_id:
        raise UsageError("you cannot deactivate yourself")
    if not oversees(viewer, user.id):
        raise Forbidden(f"{login!r} is not in your team")
    if not user.active:
        raise UsageError(f"{login!r} is already deactivated")
    with database.atomic():
        User.update(active=False).where(User.id == user.id).execute()
        audit.record(viewer.actor, "deactivate", "user", user.id, {"active": [True, False]})


def unowned_account_ids(viewer: Viewer) -> list[int]:
    """Visible accounts whose owner is deactivated or missing."""
    return [row.id for row in _pool(viewer, None).order_by(Account.name)]


def owner_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """(login, name) of the active people this viewer may hand accounts to."""
    query = visible_users(viewer).where(User.active == True).order_by(User.login)  # noqa: E712
    return [(u.login, u.name) for u in query]

