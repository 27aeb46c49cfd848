"""What the rules know about an account: plain values, gathered in bulk by
`services/facts.py` and judged by `core/rules.py` and `core/health.py`.

`as_of` is the day the facts describe (today for a scan, a past day for the
backtest). Every "days since" is counted in whole calendar days from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """One account's facts as of a day. None means "nothing on record"."""

    account_id: int
    as_of: dt.date
    tier: str = "standard"
    status: str = "active"
    #: The account's own cadence override, in days.
    contact_days: int | None = None
    visit_days: int | None = None
    #: When the relationship started (created or contract start, the earlier).
    since: dt.date | None = None
    renewal_date: dt.date | None = None

    # Touches (a note is not a touch) and visits.
    last_touch: dt.datetime | None = None
    last_visit: dt.datetime | None = None
    #: The newest touch that recorded the client's intent to leave.
    last_intent: dt.datetime | None = None
    #: Touches in the year before `as_of`, and the first of them: the account's own rhythm.
    touches_year: int = 0
    first_touch_year: dt.datetime | None = None
    #: Sentiments of the newest touches that have one, newest first.
    recent_sentiments: tuple[int, ...] = ()
    #: The same from records everyone may read (not confidential): what the health
    #: score uses, so that everyone sees the same score and it tells nothing of a
    #: confidential record (the rules still see every sentiment, their alerts redacted).
    shared_sentiments: tuple[int, ...] = ()
    #: Records whose details stay with their readers: the author's login for the newest
    #: intent to leave, and for each of `recent_sentiments`, when that record is confidential.
    intent_confidential_by: str | None = None
    sentiment_confidential_by: tuple[str | None, ...] = ()
    #: The oldest planned visit whose date passed without being done.
    missed_visit_on: dt.date | None = None

    # Commitments (action items).
    overdue_commitments: int = 0
    oldest_overdue_commitment: dt.date | None = None
    #: Commitments that fell due in the last 180 days, and those done by their date.
    commitments_due: int = 0
    commitments_kept: int = 0

    # Milestones past due and still planned: kind -> the oldest due date.
    overdue_milestones: tuple[tuple[str, dt.date], ...] = ()

    # Monthly metrics: the mean of the last 3 complete months and of the 3
    # before; None unless all 3 months of the window are on record.
    usage_recent: float | None = None
    usage_prior: float | None = None
    revenue_recent: float | None = None
    revenue_prior: float | None = None
    #: Each complete month's value, the newest (last month) first, up to 24; None for a month
    #: not on record. The seasonal and slide checks read these.
    usage_months: tuple[float | None, ...] = ()
    revenue_months: tuple[float | None, ...] = ()

    # Cases (complaints).
    open_cases: int = 0
    oldest_open_case: dt.datetime | None = None
    oldest_open_severe_case: dt.datetime | None = None
    open_escalated_cases: int = 0
    cases_recent: int = 0

    # Champions and sponsors (a contact with no `added_on` is taken as there all along).
    #: The newest departure of a champion or sponsor, and the newest arrival.
    champion_left_on: dt.date | None = None
    champion_added_on: dt.date | None = None
    #: Champions and sponsors on the account's side as of `as_of` (arrived, not left).
    active_champions: int = 0
    #: Whether any champion or sponsor is on record (arrived by `as_of`, left or not).
    champions_on_record: int = 0

    # Receivables.
    oldest_unpaid_due: dt.date | None = None
    unpaid_overdue: int = 0
    #: Receivables due in the last 365 days (any state): is there payment data at all?
    receivables_recent: int = 0

    def days_since(self, moment: dt.date | dt.datetime | None) -> int | None:
        """Whole days from `moment` to `as_of`; None when there is no moment."""
        if moment is None:
            return None
        if isinstance(moment, dt.datetime):
            moment = moment.date()
        return (self.as_of - moment).days

    @property
    def watched(self) -> bool:
        """Churned and prospect accounts raise nothing."""
        return self.status == "active"


#: The same fields, defaults and slots, not frozen: what `services.facts` fills in as it folds a query's
#: rows, attribute by attribute, and then `finish`es. A frozen dataclass's `__init__` sets each of its
#: 44 fields through `object.__setattr__`, and building the facts from keyword dicts cost 0.6 s of
#: a 100,000-account scan (measured); a draft's fields are stored directly and it becomes the facts
#: as it is.
Draft = dataclasses.make_dataclass(
    "Draft",
    [(f.name, f.type) if f.default is dataclasses.MISSING else (f.name, f.type, dataclasses.field(default=f.default))
     for f in dataclasses.fields(AccountFacts)],
    slots=True, eq=False, repr=False,
)


def finish(draft) -> AccountFacts:
    """The `Draft` as the `AccountFacts` it describes: the same object (same slots, in the same order),
    as frozen as any other from then on. The draft must not be changed after this."""
    draft.__class__ = AccountFacts
    return draft

