"""The demo's random numbers: `random.Random`, with its two busiest draws in one frame each.

A 100,000-account build draws tens of millions of `randint`s and `choice`s;
CPython spends four Python frames on each (`randint`, `randrange`,
`_randbelow`, and the call). `DemoRandom` draws the very same bits from the
very same generator (`getrandbits(n.bit_length())` until one is below `n`,
as `Random._randbelow_with_getrandbits` does), so a seed still gives the
same demo byte for byte (`tests/test_demo.py` checks the draws agree).
"""

from __future__ import annotations

import random


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
