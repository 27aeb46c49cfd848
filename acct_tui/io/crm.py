"""What the CRM export readers (Salesforce, HubSpot) share.

Each reader subclasses `CrmImport`, sets `PREFIX` (the external-id prefix
its records carry) and reads its files into `self.batch`; this base keeps
the batch, the links earlier imports stored, the placeholder owners, and
the common ending (`finish`).
"""

from __future__ import annotations

from typing import Any

from acct_tui.core.currency import DEFAULT_BASE
from acct_tui.io import common
from acct_tui.io.common import ReportBuilder, Row
from acct_tui.io.plan import Batch, Ref, Staged
from acct_tui.models import Account


#: Words that name an opportunity's kind: in its Type first, then in its Name.
TYPE_KINDS = (("renewal", ("renew",)), ("cross_sell", ("cross", "add-on", "addon")), ("expansion", ("upgrade", "expan", "upsell")))
NAME_KINDS = TYPE_KINDS[:2]


def external_key(prefix: str, record_id: str) -> str:
    """A CRM record's external id: `prefix` and its id.

    Salesforce and HubSpot ids are letters and digits; an id holding `-` or
    `:` was written by acct-tui's own CRM export (`acct-12`, `hs:77`) and is
    kept as it is, so a round trip finds the same records again.
    """
    record_id = record_id.strip()
    return record_id if ("-" in record_id or ":" in record_id) else prefix + record_id


def opportunity_kind(type_text: str | None, name: str | None) -> str:
    """renewal, cross_sell or expansion: what the Type says, else what the Name says, else expansion
    (new business with an account we already serve is growth)."""
    for text, table in ((type_text, TYPE_KINDS), (name, NAME_KINDS)):
        word = (text or "").lower()
        for kind, words in table:
            if any(w in word for w in words):
                return kind
    return "expansion"


def probability(text: str, *, fractions: bool = False) -> int:
    """A whole percentage from `75`, `75.0` or `75%`; with `fractions`, `0.75` too (HubSpot's way)."""
    value = common.decimal(text.rstrip("%"))
    if fractions and not text.strip().endswith("%") and value <= 1:
        value *= 100
    if not 0 <= value <= 100:
        bounds = "0 to 1, or 0% to 100%" if fractions else "from 0 to 100"
        raise ValueError(f"{text!r} is not a {'probability' if fractions else 'percentage'} ({bounds})")
    return int(value.to_integral_value())


class CrmImport:
    """One export folder being read into a batch."""

    #: The prefix of this CRM's external ids ("sf:", "hs:").
    PREFIX = ""

    def __init__(self, builder: ReportBuilder, owner_map: dict[str, str], base_currency: str = DEFAULT_BASE):
        self.builder = builder
        self.owner_map = owner_map
        #: The currency of an amount that names none and whose account has none either.
        self.base_currency = base_currency
        self.batch = Batch()
        #: Owners that got an inactive placeholder user, as the export names them.
        self.placeholders: list[str] = []
        #: External id -> currency of every stored account that has one: this CRM's (`sf:...`)
        #: and those acct-tui's own CRM export names as they are (`acct-12`, `ACC-7`).
        self.currencies = dict(
            Account.select(Account.external_id, Account.currency).where(Account.external_id.is_null(False)).tuples()
        )
        #: External ids of the accounts rows may link to: stored ones, then those read now.
        self.accounts = set(self.currencies)
        self.account_rows: dict[str, Staged] = {}

    def currency_of(self, account: str) -> str:
        """The currency of an account read now or stored (for an amount that names none)."""
        staged = self.account_rows.get(account)
        if staged is not None and staged.values.get("currency"):
            return staged.values["currency"]
        return self.currencies.get(account) or self.base_currency

    def stored_links(self, model) -> dict[str, str]:
        """External id -> account external id, for the `model` rows earlier imports stored."""
        query = (
            model.select(model.external_id, Account.external_id.alias("account_ext"))
            .join(Account, on=(model.account == Account.id))
            .where(model.external_id.startswith(self.PREFIX))
            .tuples()
        )
        return {ext: acct for ext, acct in query if acct}

    def stage(self, label: str, row: Row, model, values: dict[str, Any], refs: dict[str, Ref]) -> Staged | None:
        """Add a read row to the batch, or reject it (under `label`) when it has problems."""
        if row.problems:
            self.builder.reject(label, row.problems)
            return None
        record = Staged(row.file, row.line, values, refs)
        self.batch.add(model, record)
        return record

    def finish(self, unknown: str, names: list[str]) -> Batch:
        """The batch, after a note naming the owners that got a placeholder (`unknown` says why)."""
        if names:
            self.builder.note(
                f"{len(names)} {unknown} got an inactive placeholder user "
                f"(hand their accounts over with `acct-tui reassign`): {', '.join(names)}"
            )
        return self.batch
