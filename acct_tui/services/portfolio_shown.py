"""The rows a Portfolio view shows, found only as far as they are read.

A filter keystroke at 100,000 accounts shows a screenful of rows and the count of
all that match. Filtering the whole sort order by the mask and copying it into a
list (8-12 ms for 77,000 matches) paid for rows nobody looks at before the next
key. `Shown` knows its length at once (the mask's count of ones, microseconds)
and walks the sort order only as far as a read needs: a screenful for the first
frame, further as the cursor goes down, all of it for `G` or a full `list()`.
What it yields is exactly `compress(order, mask)`, in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, islice


class Shown(Sequence):
    """Positions of `order` whose byte in `mask` is 1 (None: every position), in `order`'s order."""

    __slots__ = ("_count", "_found", "_mask", "_rest")

    def __init__(self, order: Sequence[int], mask: bytes | None):
        self._mask = mask
        if mask is None:
            self._found, self._rest, self._count = order, None, len(order)
        else:
            self._found: list[int] = []
            self._rest = compress(order, map(mask.__getitem__, order))
            self._count = mask.count(1)

    def __len__(self) -> int:
        return self._count

    def _find(self, upto: int) -> None:
        """At least the first `upto` positions found (all of them when fewer)."""
        missing = upto - len(self._found)
        if missing > 0 and self._rest is not None:
            self._found.extend(islice(self._rest, missing))

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step == 1:
                self._find(stop)
                return list(self._found[start:stop])
            self._find(self._count)
            return list(self._found[index])
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("Shown index out of range")
        self._find(index + 1)
        return self._found[index]

    def __iter__(self):
        self._find(self._count)
        return iter(self._found)

    def index(self, value, start: int = 0, stop: int | None = None) -> int:
        """Where position `value` is shown (ValueError when it is not): found by walking
        only as far as it is, and not at all when the mask leaves it out."""
        if start or stop is not None:
            self._find(self._count)
            return list(self._found).index(value, start, self._count if stop is None else stop)
        if self._mask is not None and not (0 <= value < len(self._mask) and self._mask[value]):
            raise ValueError(f"{value!r} is not shown")
        searched = 0
        while True:
            try:
                return self._found.index(value, searched)
            except ValueError:
                searched = len(self._found)
                if searched >= self._count:
                    raise ValueError(f"{value!r} is not shown") from None
                self._find(max(2 * searched, searched + 1024))
