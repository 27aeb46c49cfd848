"""What the CRM export readers (Salesforce, HubSpot) share.

Each reader subclasses `CrmImport`, sets `PREFIX` (the external-id prefix
its records carry) and reads its files into `self.batch`; this base keeps
the batch, the links earlier imports stored, the placeholder owners, and
the common ending (`finish`).
"""

from __future__ import annotations

from typing import Any

from acct_tui.io.common import ReportBuilder, Row
from acct_tui.io.plan import Batch, Ref, Staged
from acct_tui.models import Account


class CrmImport:
    """One export folder being read into a batch."""

    #: The prefix of this CRM's external ids ("sf:", "hs:").
    PREFIX = ""

    def __init__(self, builder: ReportBuilder, owner_map: dict[str, str]):
        self.builder = builder
        self.owner_map = owner_map
        self.batch = Batch()
        #: Owners that got an inactive placeholder user, as the export names them.
        self.placeholders: list[str] = []
        #: External ids of this CRM's accounts: stored by earlier imports, then those read now.
        self.accounts = {
            e for (e,) in Account.select(Account.external_id).where(Account.external_id.startswith(self.PREFIX)).tuples()
        }
        self.account_rows: dict[str, Staged] = {}

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
