"""How a monthly series (usage, revenue) slips: the four tests behind the drop rules.

`months` is newest first (index 0: the last complete month), None where a
month is missing; a test with a month missing in its window says nothing.
Pure arithmetic: `core.rules.usage_drop` and `revenue_drop` turn the verdict
into a `Signal`.
"""

from __future__ import annotations

from acct_tui.core.health import percent_change
from acct_tui.core.settings import Thresholds


def _mean(months: tuple, start: int, n: int) -> float | None:
    """The mean of `n` months from `start` back (0: last month); None when one is missing."""
    window = months[start : start + n]
    if len(window) < n or None in window:
        return None
    return sum(window) / n


def _year_on_year(months: tuple, n: int) -> float | None:
    """Percent change of the last `n` months against the same months a year earlier, over
    the months that have both (13 months of history give one pair); None without any."""
    pairs = [(months[i], months[i + 12]) for i in range(n) if i + 12 < len(months)
             and months[i] is not None and months[i + 12] is not None]
    if not pairs:
        return None
    return percent_change(sum(a for a, _ in pairs), sum(b for _, b in pairs))


_SEVERITY_RANK = {None: 0, "yellow": 1, "red": 2}


#: (i, j, j - i) for every two of n months, by n: the pairs a Theil-Sen slope runs over.
_PAIRS: dict[int, list[tuple[int, int, int]]] = {}


def _slopes(ys: tuple, n: int) -> list[float]:
    """(ys[j] - ys[i]) / (j - i) for every two of the n months `ys` (oldest first), i < j, in that order."""
    pairs = _PAIRS.get(n) or _PAIRS.setdefault(n, [(i, j, j - i) for i in range(n) for j in range(i + 1, n)])
    return [(ys[j] - ys[i]) / apart for i, j, apart in pairs]


def _slopes_of_six(ys: tuple, n: int = 6) -> list[float]:
    """`_slopes` of six months (the default `trend_months`), written out: the scan fits two series
    for each of 100,000 accounts, and this is half of a fit's time in a loop (the same divisions)."""
    a, b, c, d, e, f = ys
    return [(b - a) / 1, (c - a) / 2, (d - a) / 3, (e - a) / 4, (f - a) / 5,
            (c - b) / 1, (d - b) / 2, (e - b) / 3, (f - b) / 4,
            (d - c) / 1, (e - c) / 2, (f - c) / 3,
            (e - d) / 1, (f - d) / 2,
            (f - e) / 1]


def _fitted_change(months: tuple, n: int, yellow_at: float | None = None) -> float | None:
    """Percent change along the trend line through the last `n` months (oldest to newest), relative
    to where the line starts: a slide that noise month to month does not hide. The line is
    Theil-Sen's (the median of the slopes between every two months), so one odd month (a
    holiday, a late meter reading) does not make a slide.

    With `yellow_at`, a line that does not fall (no change can then reach yellow) is None at once."""
    window = months[:n]
    if n < 3 or len(window) < n or None in window:
        return None
    ys = window[::-1]
    slope = _median(_slopes_of_six(ys) if n == 6 else _slopes(ys, n))
    if yellow_at is not None and slope >= 0 and not _may_fire(0.0, yellow_at):
        return None  # the change is 0 or more (or None): short of yellow
    start = _median([y - slope * x for x, y in enumerate(ys)])
    if start <= 0:
        return None
    return slope * (n - 1) / start * 100


def _median(values: list[float]) -> float:
    """`statistics.median`, the same arithmetic without its generality (the scan calls it 700,000 times at 100k)."""
    values.sort()
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


def _three_against_three(months: tuple) -> float | None:
    return percent_change(_mean(months, 0, 3), _mean(months, 3, 3))


def _run_of_declines(months: tuple, n: int) -> float | None:
    """The total change over `n` monthly declines in a row ending last month; None if not a run."""
    window = months[: n + 1]
    if len(window) < n + 1 or None in window or window[-1] <= 0:
        return None
    for i in range(n):
        if not window[i] < window[i + 1]:
            return None
    return percent_change(window[0], window[-1])


def _last_against_six(months: tuple) -> float | None:
    if not months or months[0] is None:
        return None
    return percent_change(months[0], _mean(months, 1, 6))


def _may_fire(change: float, yellow_at: float) -> bool:
    """Whether a change is at or past yellow. A hair of tolerance so that exactly -20% (a float)
    counts as -20%. The season only ever takes off (judged = change - a fall), so a change short
    of yellow now stays short."""
    return not change > -yellow_at + 1e-9


def judge_drop(label: str, recent: float | None, prior: float | None, t: Thresholds,
               months: tuple = ()) -> tuple[str, str, dict] | None:
    """Four ways a metric slips, the worst one said: (severity, reason, evidence), or None.

    With a year of history each is also judged against the same months a year
    earlier, so a dip every year has (Tet, August) is the season, not churn:
    when last year's same window is on record, its own change (if a fall) is
    taken off this year's; with 13+ months but not the whole window, the months
    must also be under the same months a year earlier.
    """
    # (change now, change a year earlier, yellow at, months looked at, reason, evidence): the last
    # three as functions, made only for a change that may fire (`_may_fire`): most accounts hold
    # steady, and the scan judges two series for each of 100,000 accounts.
    tests = []
    head = months[:6]
    if len(head) == 6 and None not in head:
        recent, prior = sum(head[:3]) / 3, sum(head[3:]) / 3  # `_mean`'s arithmetic
    change = percent_change(recent, prior)
    if change is not None and _may_fire(change, t.drop_yellow_pct):
        tests.append((change, lambda: _three_against_three(months[12:]), t.drop_yellow_pct, 3,
                      lambda: f"{label} down {{pct}}%: the last 3 complete months averaged {recent:,.0f} against {prior:,.0f} in the 3 before",
                      lambda: {"recent_mean": round(recent, 2), "prior_mean": round(prior, 2)}))
    if t.slide_pct and (slid := _run_of_declines(months, t.slide_months)) is not None and _may_fire(slid, t.slide_pct):
        tests.append((slid, lambda: None, t.slide_pct, t.slide_months,
                      lambda: f"{label} has fallen {t.slide_months} months running, {{pct}}% in all",
                      lambda: {"months": [round(v, 2) for v in reversed(months[: t.slide_months + 1])]}))
    if t.last_month_pct and (last := _last_against_six(months)) is not None and _may_fire(last, t.last_month_pct):
        tests.append((last, lambda: _last_against_six(months[12:]), t.last_month_pct, 1,
                      lambda: f"{label} last month was {{pct}}% under the mean of the 6 before "
                      f"({months[0]:,.0f} against {_mean(months, 1, 6):,.0f})",
                      lambda: {"last_month": round(months[0], 2), "six_before_mean": round(_mean(months, 1, 6), 2)}))
    if t.trend_yellow_pct and (fitted := _fitted_change(months, t.trend_months, t.trend_yellow_pct)) is not None \
            and _may_fire(fitted, t.trend_yellow_pct):
        tests.append((fitted, lambda: _fitted_change(months[12:], t.trend_months), t.trend_yellow_pct, t.trend_months,
                      lambda: f"{label} is sliding: the trend over the last {t.trend_months} complete months is down {{pct}}%",
                      lambda: {"months": [round(v, 2) for v in reversed(months[: t.trend_months])]}))
    best = None
    for now, year_earlier, yellow_at, span, said, shown in tests:
        last_year = year_earlier()
        reason, evidence = said(), dict(shown(), change_pct=round(now, 1))
        judged = now
        if last_year is not None:
            if last_year < 0:  # the same months fell a year earlier too: that much is the season
                judged = now - last_year
                reason += f"; the same months a year earlier fell {abs(last_year):.0f}%"
                evidence["year_earlier_pct"] = round(last_year, 1)
        elif (yearly := _year_on_year(months, span)) is not None:
            if yearly > -t.seasonal_yoy_pct + 1e-9:
                continue  # as low as the same months a year earlier: the season
            reason += f"; {abs(yearly):.0f}% under the same months a year earlier"
            evidence["year_on_year_pct"] = round(yearly, 1)
        if judged > -yellow_at + 1e-9:
            continue
        severity = "red" if judged <= -t.drop_red_pct + 1e-9 else "yellow"
        if best is None or _SEVERITY_RANK[severity] > _SEVERITY_RANK[best[0]]:
            best = (severity, reason.format(pct=f"{abs(now):.0f}"), evidence)
    return best
