"""Finding an account from what someone typed: exact, prefix, part of the name, or a typo.

Only accounts the viewer may see are ever candidates (`access.scope_accounts`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from peewee import JOIN, fn

from acct_tui.models import Account, User
from acct_tui.services.access import Viewer, scope_accounts


@dataclass(frozen=True)
class AccountChoice:
    """An account a typed name may mean."""

    id: int
    name: str
    owner: str | None
    tier: str


def resolve_account(viewer: Viewer, text: str) -> AccountChoice | list[AccountChoice]:
    """The visible account `text` names, or the candidates to ask about (empty: none).

    Tried in order: exact name or external id, unique name prefix, unique
    part of the name, then a fuzzy match on names (typos). Only accounts the
    viewer may see are ever candidates.
    """
    text = " ".join(text.split())
    if not text:
        return []
    base = scope_accounts(
        Account.select(Account.id, Account.name, Account.tier, User.login).join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id)),
        viewer,
    )
    exact = _choices(base.where((fn.LOWER(Account.name) == text.lower()) | (Account.external_id == text)).limit(6))
    if len(exact) == 1:
        return exact[0]
    for matcher in (Account.name.startswith, Account.name.contains):
        found = _choices(base.where(matcher(text)).order_by(Account.name, Account.id).limit(21))
        if len(found) == 1:
            return found[0]
        if found:
            return found[:20]
    # A typo: compare against the visible names (one narrow query), best first.
    names = list(base.select(Account.id, Account.name).tuples())
    lowered = {name.lower(): name for _, name in names}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=6, cutoff=0.6)
    wanted = {lowered[c] for c in close}
    ids = [i for i, name in names if name in wanted]
    if not ids:
        return []
    found = _choices(base.where(Account.id.in_(ids)))
    order = {name: rank for rank, name in enumerate(lowered[c] for c in close)}
    found.sort(key=lambda c: (order.get(c.name, 99), c.id))
    return found[0] if len(found) == 1 else found


def suggest_account_name(viewer: Viewer, prefix: str) -> str | None:
    """The first visible account name (alphabetically) starting with `prefix`, for type-ahead."""
    if not prefix.strip():
        return None
    query = scope_accounts(Account.select(Account.name).where(Account.name.startswith(prefix)), viewer)
    return query.order_by(Account.name).limit(1).scalar()


def _choices(query) -> list[AccountChoice]:
    return [AccountChoice(id=r[0], name=r[1], tier=r[2], owner=r[3]) for r in query.tuples()]
