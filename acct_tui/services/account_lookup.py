"""Finding an account from what someone typed: the one lookup every screen and command uses.

`resolve_account` (exact name or external id, unique prefix, unique part of
the name, then a typo) serves the forms, quick capture and `acct-tui log`;
`find_account` adds ids and turns "several" into an error for commands;
`search_accounts` ranks names for the palette; `suggest_account_name` is
the forms' type-ahead. Only accounts the viewer may see are ever
candidates (`access.scope_accounts`), so a hidden account is "not found".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Account, User
from acct_tui.services.access import Viewer, scope_accounts
from acct_tui.services.query import name_like


@dataclass(frozen=True)
class AccountHit:
    """An account found by what someone typed: enough to label it in a picker."""

    id: int
    name: str
    tier: str
    owner: str | None


def _labelled(viewer: Viewer):
    """Visible accounts with what a picker shows (id, name, tier, owner login)."""
    query = Account.select(Account.id, Account.name, Account.tier, User.login).join(
        User, JOIN.LEFT_OUTER, on=(Account.owner == User.id)
    )
    return scope_accounts(query, viewer)


def _hits(query) -> list[AccountHit]:
    return [AccountHit(id=r[0], name=r[1], tier=r[2], owner=r[3]) for r in query.tuples()]


def resolve_account(viewer: Viewer, text: str) -> AccountHit | list[AccountHit]:
    """The visible account `text` names, or the candidates to ask about (empty: none).

    Tried in order: exact name or external id, unique name prefix, unique
    part of the name, then a fuzzy match on names (typos). Only accounts the
    viewer may see are ever candidates.
    """
    text = " ".join(text.split())
    if not text:
        return []
    base = _labelled(viewer)
    exact = _hits(base.where((fn.LOWER(Account.name) == text.lower()) | (Account.external_id == text)).limit(6))
    if len(exact) == 1:
        return exact[0]
    for matcher in (Account.name.startswith, Account.name.contains):
        found = _hits(base.where(matcher(text)).order_by(Account.name, Account.id).limit(21))
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
    found = _hits(base.where(Account.id.in_(ids)))
    order = {name: rank for rank, name in enumerate(lowered[c] for c in close)}
    found.sort(key=lambda c: (order.get(c.name, 99), c.id))
    return found[0] if len(found) == 1 else found


def suggest_account_name(viewer: Viewer, prefix: str) -> str | None:
    """The first visible account name (alphabetically) starting with `prefix`, for type-ahead."""
    if not prefix.strip():
        return None
    query = scope_accounts(Account.select(Account.name).where(Account.name.startswith(prefix)), viewer)
    return query.order_by(Account.name).limit(1).scalar()


def find_account(viewer: Viewer, ref: str) -> AccountHit:
    """An account by id, or as `resolve_account` finds it, for commands.

    Raises `NotFound` (nothing visible matches) or `UsageError` (several do).
    """
    ref = ref.strip()
    if not ref:
        raise UsageError("no account given")
    if ref.isdigit() and (hit := account_hit(viewer, int(ref))) is not None:
        return hit
    found = resolve_account(viewer, ref)
    if isinstance(found, AccountHit):
        return found
    if not found:
        raise NotFound(f"no account matches {ref!r}")
    names = ", ".join(a.name for a in found[:5])
    raise UsageError(f"{ref!r} matches several accounts ({names}); give the id or external id")


def search_accounts(viewer: Viewer, text: str, limit: int = 20) -> list[AccountHit]:
    """Accounts `viewer` may see whose name contains `text`; names starting with it first."""
    query = _labelled(viewer)
    text = text.strip()
    if text:
        starts = name_like(Account.name, text, prefix=True)
        query = query.where(name_like(Account.name, text)).order_by(Case(None, [(starts, 0)], 1), Account.name, Account.id)
    else:
        query = query.order_by(Account.name, Account.id)
    return _hits(query.limit(limit))


def account_hit(viewer: Viewer, account_id: int) -> AccountHit | None:
    """One account's label if `viewer` may see it, else None."""
    found = _hits(_labelled(viewer).where(Account.id == account_id))
    return found[0] if found else None
