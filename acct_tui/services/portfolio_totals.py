"""The Portfolio's summary line figures over the rows shown, in a few ms at 100,000 accounts.

Each keystroke of a filter shows another set of rows, and the summary line's
figures must be theirs in the same frame. Gathering five columns by position
for 77,000 matches took about 30 ms; here the shown rows become one byte per
position (a mask) and:

- the counts (health bands, the customers coverage judges, those touched in
  cadence) are bits: each is a column of 0/1 bytes read as one big integer,
  so a count over the shown rows is an AND and a `bit_count`, microseconds;
- the sums (value, pipeline, alerts) add the shown entries with C-level
  `compress`, in position order: the same total whatever the sort.

The figures mean what `Summary` says; the whole book (every position shown)
adds the columns as they are.
"""

from __future__ import annotations

from collections import deque
from itertools import compress, repeat
from typing import TYPE_CHECKING, Sequence

from acct_tui.core.currency import merge_unrated
from acct_tui.services.portfolio_rows import Filters, Summary

if TYPE_CHECKING:
    from acct_tui.services.portfolio import Portfolio


def _bits(flags) -> int:
    """A column of booleans as an integer with bit 8*i set where flag i is true (one byte each)."""
    return int.from_bytes(bytes(map(bool, flags)), "little")


class Totals:
    """The columns the summary reads, laid out once per `Portfolio` (built in its loading thread)."""

    def __init__(self, portfolio: Portfolio):
        self.portfolio = portfolio
        self.size = len(portfolio.ids)
        #: Values and pipelines with 0.0 for "none", so C-level `sum` adds them.
        self.values = tuple(0.0 if v is None else v for v in portfolio.values)
        self.pipelines = tuple(0.0 if v is None else v for v in portfolio.pipelines)
        # Coverage judges the customers of today (`kpi_facts.coverage`), by their touch status.
        judged = [s if c else None for s, c in zip(portfolio.touch_status, portfolio.customers)]
        self.judged = _bits(s is not None for s in judged)
        self.green = _bits(s == "green" for s in judged)
        self.red = _bits(b == "red" for b in portfolio.bands)
        self.yellow = _bits(b == "yellow" for b in portfolio.bands)

    def summary(self, positions: Sequence[int], filters: Filters = Filters()) -> Summary:
        """Totals over `positions` (distinct positions: what is shown)."""
        if len(positions) == self.size:
            return self.of_mask(None, filters)
        mask = bytearray(self.size)
        deque(map(mask.__setitem__, positions, repeat(1)), maxlen=0)
        return self.of_mask(mask, filters)

    def of_mask(self, mask: Sequence[bool | int] | None, filters: Filters = Filters()) -> Summary:
        """Totals over the positions `mask` marks (true or 1, one entry per position; None: all)."""
        p = self.portfolio
        if mask is None:
            count, shown = self.size, -1  # every bit set
            values, pipelines, alerts = self.values, self.pipelines, p.alerts
            unrated = p.unrated
        else:
            shown = int.from_bytes(bytes(mask), "little")
            count = shown.bit_count()
            values, pipelines, alerts = (compress(column, mask) for column in (self.values, self.pipelines, p.alerts))
            unrated = [i for i in p.unrated if mask[i]]
        judged = (shown & self.judged).bit_count()
        return Summary(
            accounts=count,
            total_value=float(sum(values)),
            unrated=merge_unrated((p.currencies[i], 1) for i in unrated),
            pipeline=float(sum(pipelines)),
            coverage=(shown & self.green).bit_count() / judged if judged else None,
            red=(shown & self.red).bit_count(),
            yellow=(shown & self.yellow).bit_count(),
            alerts=sum(alerts),
            filters=filters.describe(),
        )
