"""Currencies: the ISO 4217 codes, exchange rates by date, and money as text. Pure: no I/O.

Money in two currencies is never added. Every figure that adds, shares,
ranks or sorts amounts converts them first with a `RateBook`: the newest
rate on or before the day the figure concerns. An amount whose currency has
no such rate is left out and counted (`Converted.unrated`), never added in
at face value.

A rate says what one unit of `currency` is worth in `quote` on `as_of`
(`EUR, USD, 2026-11-01, 1.08`: one euro buys 1.08 dollars). The book
converts to its `base` directly, by the inverse of a rate quoted the other
way, or across a common quote currency (rates to USD serve a EUR base).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Iterable

from acct_tui.core.text import plural

#: The ISO 4217 codes: every current one, and the few withdrawn since 2023 that
#: older exports still carry (ANG, CUC, HRK, SLL, ZWL). XTS (testing) and XXX
#: (no currency) are codes but never money, so they are refused.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE
    SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED
    VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL
    """.split()
)
DEFAULT_BASE = "USD"
CENT = Decimal("0.01")
ONE = Decimal(1)


def currency_code(text: str) -> str:
    """An ISO 4217 code from `text` (any case, spaces trimmed); ValueError naming the problem."""
    code = text.strip().upper()
    if code not in ISO_4217:
        raise ValueError(f"{text.strip()!r} is not a currency code (ISO 4217, like USD, EUR, VND)")
    return code




@dataclass(frozen=True)
class Converted:
    """A sum in the base currency, and what was left out of it for want of a rate."""

    amount: Decimal
    base: str
    #: (currency, how many items) left out, by currency code.
    unrated: tuple[tuple[str, int], ...] = ()

    def note(self, noun: str = "account") -> str:
        """`2 accounts without a rate for XAF, 1 for NGN`; empty when nothing was left out."""
        return unrated_note(self.unrated, noun)


def unrated_note(unrated: Iterable[tuple[str, int]], noun: str = "account") -> str:
    parts = [(code, count) for code, count in unrated if count]
    if not parts:
        return ""
    (code, count), rest = parts[0], parts[1:]
    text = f"{plural(count, noun)} without a rate for {code}"
    return text + "".join(f", {n:,} for {c}" for c, n in rest)


def merge_unrated(*groups: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for group in groups:
        for code, count in group:
            counts[code] = counts.get(code, 0) + count
    return tuple(sorted((c, n) for c, n in counts.items() if n))


@dataclass(frozen=True)
class RateRow:
    """One unit of `currency` is worth `rate` units of `quote` from `as_of` on."""

    currency: str
    quote: str
    as_of: dt.date
    rate: Decimal


@dataclass(frozen=True)
class RateBook:
    """Every known rate, to convert any amount into `base` as of any day."""

    base: str
    #: (currency, quote) -> (dates ascending, rates in the same order)
    series: dict[tuple[str, str], tuple[tuple[dt.date, ...], tuple[Decimal, ...]]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, base: str, rows: Iterable[RateRow]) -> "RateBook":
        grouped: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = {}
        for row in rows:
            if row.rate > 0 and row.currency != row.quote:
                grouped.setdefault((row.currency, row.quote), []).append((row.as_of, Decimal(row.rate)))
        series = {}
        for key, points in grouped.items():
            points.sort()
            series[key] = (tuple(d for d, _ in points), tuple(r for _, r in points))
        return cls(base=base, series=series)

    def _latest(self, currency: str, quote: str, day: dt.date) -> Decimal | None:
        found = self.series.get((currency, quote))
        if found is None:
            return None
        days, rates = found
        i = bisect.bisect_right(days, day)
        return rates[i - 1] if i else None

    def _in(self, currency: str, quote: str, day: dt.date) -> Decimal | None:
        """One `currency` in `quote`: a rate quoted either way round."""
        if currency == quote:
            return ONE
        direct = self._latest(currency, quote, day)
        if direct is not None:
            return direct
        inverse = self._latest(quote, currency, day)
        return ONE / inverse if inverse is not None else None

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        """What one unit of `currency` is worth in the base on `day`; None without a rate."""
        key = (currency, day)
        if key in self._memo:
            return self._memo[key]
        found = self._in(currency, self.base, day)
        if found is None:
            # Across a third currency both are quoted in (rates to USD, a EUR base).
            quotes = {q for c, q in self.series if c == currency} | {c for c, q in self.series if q == currency}
            for quote in sorted(quotes):
                mine, theirs = self._in(currency, quote, day), self._in(self.base, quote, day)
                if mine is not None and theirs is not None:
                    found = mine / theirs
                    break
        self._memo[key] = found
        return found

    def rates_on(self, day: dt.date, currencies: Iterable[str]) -> dict[str, Decimal]:
        """The rate of each of `currencies` that has one on `day` (the base is always 1)."""
        found = {}
        for code in set(currencies):
            rate = self.rate(code, day)
            if rate is not None:
                found[code] = rate
        return found

    def convert(self, amount, currency: str, day: dt.date) -> Decimal | None:
        """`amount` of `currency` in the base on `day`, to the cent; None without a rate."""
        rate = self.rate(currency, day)
        if rate is None:
            return None
        return (Decimal(str(amount)) * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)

    def total(self, parts: Iterable[tuple[str, int, object]], day: dt.date) -> Converted:
        """Sum `(currency, items, amount)` parts in the base on `day`, leaving out currencies without a rate.

        Summing per currency first and converting each sum once is exact: every
        item of one currency converts at the same rate on the same day.
        """
        amount = Decimal(0)
        unrated: dict[str, int] = {}
        for currency, items, value in parts:
            converted = self.convert(value or 0, currency, day)
            if converted is None:
                unrated[currency] = unrated.get(currency, 0) + int(items)
            else:
                amount += converted
        return Converted(amount, self.base, tuple(sorted(unrated.items())))


def short_amount(value) -> str:
    """`1.23M`, `12,345`, `-5,000`: whole units, millions and billions shortened."""
    number = float(value)
    size = abs(number)
    if size >= 1_000_000_000:
        return f"{number / 1_000_000_000:,.2f}B"
    if size >= 1_000_000:
        return f"{number / 1_000_000:,.2f}M"
    return f"{number:,.0f}"


def money(value, currency: str) -> str:
    """`12,345 EUR`, `1.23M VND`: an amount with its currency, for any place that shows one."""
    return f"{short_amount(value)} {currency}"


def value_text(in_base, own, currency: str, base: str) -> str:
    """An amount in the base currency with its own beside it where they differ.

    `13,200 USD (12,000 EUR)`; `50,000 USD`; `5.00M XAF (no rate)` when there is
    no rate to convert it with (`in_base` None).
    """
    if in_base is None:
        return f"{money(own, currency)} (no rate)"
    if currency == base:
        return money(in_base, base)
    return f"{money(in_base, base)} ({money(own, currency)})"
