"""The demo's random numbers: `random.Random`, with its two busiest draws in one frame each.

A 100,000-account build draws tens of millions of `randint`s and `choice`s;
CPython spends four Python frames on each (`randint`, `randrange`,
`_randbelow`, and the call). `pick` and `hour_quarter` fold the commonest
weighted choice and the time of a touch into one frame each. `DemoRandom` draws the very same bits from the
very same generator (`getrandbits(n.bit_length())` until one is below `n`,
as `Random._randbelow_with_getrandbits` does), so a seed still gives the
same demo byte for byte (`tests/test_demo.py` checks the draws agree).
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate


class Weighted:
    """A population and its weights, accumulated once (`random.choices` accumulates them on every call)."""

    __slots__ = ("population", "cum_weights", "total", "hi")

    def __init__(self, population, weights) -> None:
        self.population = tuple(population)
        self.cum_weights = list(accumulate(weights))
        self.total = self.cum_weights[-1] + 0.0  # as `choices` computes it
        self.hi = len(self.population) - 1


class DemoRandom(random.Random):
    def randint(self, a: int, b: int) -> int:
        if type(a) is not int or type(b) is not int or b < a:
            return super().randint(a, b)  # its checks and its errors
        n = b - a + 1
        k = n.bit_length()
        getrandbits = self.getrandbits
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return a + r

    def choice(self, seq):
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        k = n.bit_length()
        getrandbits = self.getrandbits
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]

    def pick(self, weighted: Weighted):
        """What `choices(population, weights)[0]` draws (one `random()`, bisected), in one frame."""
        return weighted.population[bisect(weighted.cum_weights, self.random() * weighted.total, 0, weighted.hi)]

    def hour_quarter(self) -> tuple[int, int]:
        """`(randint(8, 17), choice((0, 15, 30, 45)))`: a working hour and a quarter, the same draws in one frame."""
        getrandbits = self.getrandbits
        hour = getrandbits(4)
        while hour >= 10:
            hour = getrandbits(4)
        quarter = getrandbits(3)
        while quarter >= 4:
            quarter = getrandbits(3)
        return 8 + hour, quarter * 15
