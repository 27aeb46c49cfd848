"""The checks every `*_from_config` reader makes of a config table's values.

Each raises `UsageError` naming the table, the key and what is wrong with it,
so a typo in `[urgency]` reads the same as one in `[thresholds]`.
"""

from __future__ import annotations

from typing import Any, Sequence

from acct_tui.errors import UsageError


def check_known(table: str, key: str, known: Sequence[str]) -> None:
    """`key` is one of the table's `known` keys (listed in that order when it is not)."""
    if key not in known:
        raise UsageError(f"config: [{table}] has unknown key {key!r} (known: {', '.join(known)})")


def non_negative(table: str, key: str, value: Any) -> float:
    """A number, 0 or more (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise UsageError(f"config: {table}.{key} must be a number, 0 or more, not {value!r}")
    return float(value)
