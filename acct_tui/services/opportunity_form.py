"""The opportunity form: what it asks, and reading what was typed into an `OpportunityDraft`.

The timeline's add and edit forms (`opportunity_form`, an `EntryForm`) hold
strings only; `read_opportunity` understands them (or names every bad
field), so the rules are the same wherever an opportunity is typed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation

from acct_tui import clock
from acct_tui.core.currency import currency_code
from acct_tui.core.dates import parse_human_date
from acct_tui.enums import OPPORTUNITY_KINDS, OPPORTUNITY_STATUSES
from acct_tui.services import opportunities
from acct_tui.services.access import Viewer
from acct_tui.services.entry_forms import EntryField, EntryForm
from acct_tui.services.opportunities import OpportunityDraft, OpportunityRow
from acct_tui.services.visits import DraftInvalid

#: Longest texts the table holds.
LIMITS = {"name": 300, "stage": 80}
#: The stage a closed opportunity shows when none is typed.
CLOSED_STAGES = {"won": "Closed Won", "lost": "Closed Lost"}
#: The form's fields, in order: key -> label.
FIELDS = {
    "name": "Name",
    "kind": "Kind",
    "amount": "Amount",
    "currency": "Currency",
    "stage": "Stage",
    "probability": "Probability %",
    "close_date": "Close date",
    "status": "Status",
    "owner": "Owner",
}


#: Examples in the empty fields.
HINTS = {"amount": "12000", "currency": "USD, EUR, VND…", "stage": "Proposal, Negotiation…",
         "probability": "0-100 (won 100, lost 0)", "close_date": "31/12, in 6w", "owner": "login"}
CHOICES = {"kind": OPPORTUNITY_KINDS, "status": OPPORTUNITY_STATUSES}


def opportunity_form(viewer: Viewer, account_id: int, title: str, values: dict[str, str],
                     opportunity_id: int | None = None) -> EntryForm:
    """The add form (no `opportunity_id`) or the edit form, filled in with `values`."""

    def save(typed: dict[str, str]):
        draft = read_opportunity(typed, clock.today())
        if opportunity_id is None:
            return opportunities.add_opportunity(viewer, account_id, draft)
        return opportunities.update_opportunity(viewer, opportunity_id, draft)

    fields = tuple(
        EntryField(key, label, "select", value=values.get(key, ""), options=tuple((c.replace("_", "-"), c) for c in CHOICES[key]))
        if key in CHOICES
        else EntryField(key, label, "future_date" if key == "close_date" else "text", value=values.get(key, ""),
                        placeholder=HINTS.get(key, ""))
        for key, label in FIELDS.items()
    )
    return EntryForm(title, fields, save, "Opportunity saved." if opportunity_id else "Opportunity added.")


def new_values(currency: str, owner: str | None) -> dict[str, str]:
    """A new opportunity's fields: an open expansion in the account's currency, for its owner."""
    return {"kind": "expansion", "currency": currency, "status": "open", "owner": owner or ""}


def values_of(row: OpportunityRow) -> dict[str, str]:
    """An opportunity's fields as the edit form shows them."""
    return {
        "name": row.name, "kind": row.kind, "amount": f"{row.amount:f}", "currency": row.currency, "stage": row.stage,
        "probability": str(row.probability), "close_date": row.close_date.isoformat(), "status": row.status,
        "owner": row.owner or "",
    }


def clean(text: str) -> str:
    """One line of typed text: control characters out, spaces trimmed."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc").strip()


def read_opportunity(values: dict[str, str], today: dt.date) -> OpportunityDraft:
    """The draft the form's `values` describe; `DraftInvalid` naming every bad field."""
    text = {key: clean(values.get(key, "")) for key in FIELDS}
    problems: dict[str, str] = {}

    def check(key, parse):
        try:
            return parse(text[key])
        except ValueError as exc:
            problems[key] = str(exc)
            return None

    name = text["name"]
    if not name:
        problems["name"] = "an opportunity needs a name"
    status = check("status", lambda t: _one_of(t or "open", OPPORTUNITY_STATUSES))
    draft = dict(
        name=name,
        kind=check("kind", lambda t: _one_of(t, OPPORTUNITY_KINDS)),
        amount=check("amount", _amount),
        currency=check("currency", currency_code),
        probability=check("probability", lambda t: _probability(t, status)),
        close_date=check("close_date", lambda t: _close_date(t, today)),
        status=status,
        stage=text["stage"] or CLOSED_STAGES.get(status or "", ""),
        owner=text["owner"] or None,
    )
    for key, limit in LIMITS.items():
        if len(draft[key]) > limit:
            problems[key] = f"too long: {len(draft[key])} characters, at most {limit}"
    if problems:
        raise DraftInvalid(problems)
    return OpportunityDraft(**draft)


def _one_of(text: str, choices: tuple[str, ...]) -> str:
    word = text.lower().replace("-", "_").replace(" ", "_")
    if word not in choices:
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}")
    return word


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount (like 12000 or 12,000.50)") from None
    if not value.is_finite() or value < 0:
        raise ValueError("an amount is a number of 0 or more")
    if value >= Decimal("1e14"):
        raise ValueError("too large for an amount")
    return value.quantize(Decimal("0.01"))


def _probability(text: str, status: str | None) -> int:
    if not text:
        return {"won": 100, "lost": 0}.get(status or "", 0)
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a percentage (0 to 100)") from None
    if not value.is_finite() or value != value.to_integral_value() or not 0 <= value <= 100:
        raise ValueError("a probability is a whole percentage from 0 to 100")
    return int(value)


def _close_date(text: str, today: dt.date) -> dt.date:
    if not text:
        raise ValueError("give the date it is expected to close (or closed)")
    return parse_human_date(text, today, "future")
