"""Opportunities: renewals, expansion and cross-sell on the accounts a viewer may see.

Read like every account record (through `services.access`), written with a
check of every field and an audit entry in the same transaction: `create`,
then `update` with each changed field as `[old, new]`, which is where the
timeline finds an opportunity's stage changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from acct_tui import clock
from acct_tui.core.currency import RateBook
from acct_tui.db import database
from acct_tui.errors import NotFound
from acct_tui.models import Account, Opportunity, User
from acct_tui.services import audit
from acct_tui.services.access import Viewer, account_visible, visible_account_ids
from acct_tui.services.visits import DraftInvalid



@dataclass(frozen=True)
class OpportunityDraft:
    """An opportunity as typed and checked (`services.opportunity_form`); `owner` is a login
    (None: the account's owner)."""

    name: str
    kind: str
    amount: Decimal
    currency: str
    stage: str
    probability: int
    close_date: dt.date
    status: str
    owner: str | None = None


@dataclass(frozen=True)
class OpportunityRow:
    """One opportunity, with its account, its owner's login and its amount in the base currency."""

    id: int
    external_id: str | None
    account_id: int
    account: str
    account_external_id: str | None
    kind: str
    name: str
    amount: Decimal
    currency: str
    stage: str
    probability: int
    close_date: dt.date
    status: str
    owner: str | None
    created_on: dt.date
    closed_on: dt.date | None
    #: `amount` in `base_currency` on the day it concerns (the close for a closed one,
    #: today for an open one); None without a rate.
    base_amount: Decimal | None
    base_currency: str

    @property
    def weighted(self) -> Decimal | None:
        """What an open opportunity adds to the pipeline, in the base currency."""
        if self.status != "open" or self.base_amount is None:
            return None
        return (self.base_amount * self.probability / 100).quantize(Decimal("0.01"))


def list_opportunities(viewer: Viewer, book: RateBook, account_id: int | None = None) -> list[OpportunityRow]:
    """Opportunities on the accounts `viewer` may see (one account's when given), by close date."""
    query = (
        Opportunity.select(
            Opportunity, Account.name.alias("account_name"), Account.external_id.alias("account_external_id"),
            User.login.alias("owner_login"),
        )
        .join(Account, on=(Opportunity.account == Account.id))
        .switch(Opportunity)
        .join(User, JOIN.LEFT_OUTER, on=(Opportunity.owner == User.id))
        .where(Opportunity.account.in_(visible_account_ids(viewer)))
        .order_by(Opportunity.close_date, Opportunity.id)
    )
    if account_id is not None:
        query = query.where(Opportunity.account == account_id)
    today = clock.today()
    rows = []
    for r in query.dicts():
        day = r["closed_on"] if r["status"] != "open" and r["closed_on"] else today
        rows.append(OpportunityRow(
            id=r["id"], external_id=r["external_id"], account_id=r["account"], account=r["account_name"],
            account_external_id=r["account_external_id"], kind=r["kind"], name=r["name"],
            amount=Decimal(str(r["amount"])), currency=r["currency"], stage=r["stage"], probability=r["probability"],
            close_date=r["close_date"], status=r["status"], owner=r["owner_login"], created_on=r["created_on"],
            closed_on=r["closed_on"], base_amount=book.convert(r["amount"], r["currency"], day), base_currency=book.base,
        ))
    return rows


def get_opportunity(viewer: Viewer, opportunity_id: int, book: RateBook) -> OpportunityRow:
    """One opportunity the viewer may see; `NotFound` otherwise."""
    opp = Opportunity.get_or_none(Opportunity.id == opportunity_id)
    if opp is None or not account_visible(viewer, opp.account_id):
        raise NotFound(f"no opportunity {opportunity_id}")
    return next(r for r in list_opportunities(viewer, book, opp.account_id) if r.id == opportunity_id)


def _owner_id(draft: OpportunityDraft, default: int | None) -> int | None:
    if not draft.owner:
        return default
    user = User.get_or_none((User.login == draft.owner) & (User.active == True))  # noqa: E712
    if user is None:
        raise DraftInvalid({"owner": f"no active user {draft.owner!r}"})
    return user.id


def _fields(draft: OpportunityDraft, owner_id: int | None) -> dict:
    """The row's fields. A won or lost opportunity closed on its close date, or today if that is
    still to come: then its close date is that day too, as a CRM keeps it."""
    close_date, closed_on = draft.close_date, None
    if draft.status != "open":
        close_date = closed_on = min(draft.close_date, clock.today())
    return dict(
        name=draft.name, kind=draft.kind, amount=draft.amount, currency=draft.currency, stage=draft.stage,
        probability=draft.probability, close_date=close_date, status=draft.status, owner=owner_id,
        closed_on=closed_on,
    )


def add_opportunity(viewer: Viewer, account_id: int, draft: OpportunityDraft) -> int:
    """A new opportunity on a visible account; returns its id."""
    with database.atomic():
        if not account_visible(viewer, account_id):
            raise NotFound(f"no account with id {account_id} that {viewer.login} may see")
        account = Account.get_by_id(account_id)
        owner = _owner_id(draft, account.owner_id or viewer.user_id)
        opp = Opportunity.create(account=account_id, created_on=clock.today(), **_fields(draft, owner))
        audit.record(viewer.actor, "create", "opportunity", opp.id, {
            "account_id": account_id, "name": draft.name, "kind": draft.kind, "stage": draft.stage, "status": draft.status,
        })
    return opp.id


def update_opportunity(viewer: Viewer, opportunity_id: int, draft: OpportunityDraft) -> dict:
    """Change an opportunity; returns (and audits) the changed fields as {field: [old, new]}.

    Closing it (won or lost) stamps its close (see `_fields`); reopening clears that.
    """
    with database.atomic():
        opp = Opportunity.get_or_none(Opportunity.id == opportunity_id)
        if opp is None or not account_visible(viewer, opp.account_id):
            raise NotFound(f"no opportunity {opportunity_id}")
        wanted = _fields(draft, _owner_id(draft, opp.owner_id))
        old = {name: getattr(opp, name + "_id" if name == "owner" else name) for name in wanted}
        changes = {k: [_plain(old[k]), _plain(v)] for k, v in wanted.items() if _plain(old[k]) != _plain(v)}
        if "owner" in changes:  # people read the trail: logins, not ids
            logins = dict(User.select(User.id, User.login).where(User.id.in_([i for i in changes["owner"] if i])).tuples())
            changes["owner"] = [logins.get(i) for i in changes["owner"]]
        if changes:
            Opportunity.update(wanted).where(Opportunity.id == opportunity_id).execute()
            audit.record(viewer.actor, "update", "opportunity", opportunity_id, changes)
    return changes


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
