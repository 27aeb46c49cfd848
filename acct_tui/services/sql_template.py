"""Statements whose SQL peewee writes once per shape, with the moment and the ids bound per call.

A one-account facts query (`services.facts.gather`, which the timeline card's health
recomputes on every open) spends more time in peewee writing its ten statements' SQL
(about 6 ms) than SQLite spends running them (about 5 ms). The SQL of those statements
depends only on the day, the settings and how many ids there are; the moment `now`
and the ids are values bound to it. So the statements are built twice, with two
sentinel moments on the same day and two sentinel id lists, and every bound value is
classified by comparing the two builds:

- equal in both: a constant (the day's dates, the settings' numbers);
- a datetime off each sentinel moment by the same amount: `now` plus that amount;
- the sentinel ids at the same place: the caller's id there.

Anything else (a value derived from `now` some other way, SQL text that differs)
means the shape cannot be templated: the statements are then built by peewee on each
call, as before. Either way the caller gets the same (sql, params) peewee would write.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Hashable, Sequence

from acct_tui.db import database

#: Two moments far apart within the day (morning, evening; odd seconds and microseconds),
#: so a value that depends on the time of day shows as different in the two builds.
_SENTINEL_TIMES = (dt.time(3, 17, 11, 500001), dt.time(20, 42, 53, 250002))
#: Ids no table holds, different in the two builds, ascending (as the callers' ids are).
_SENTINEL_IDS = (-1_000_001, -2_000_001)
#: Shapes kept (a shape is one day's; a new day adds one): oldest dropped beyond this.
MAX_SHAPES = 32

_CONST, _NOW, _ID = 0, 1, 2
#: (key, database class, day, number of ids) -> ((sql, slots), ...) or None (not templatable).
_shapes: dict[tuple, tuple | None] = {}


def statements(key: Hashable, build: Callable[[dt.datetime, list[int]], Sequence], now: dt.datetime,
               ids: list[int]) -> list[tuple[str, list]]:
    """The (sql, params) of each query `build(now, ids)` returns, as `query.sql()` gives them.

    `key` names everything else the built SQL depends on (which statements, their settings);
    `ids` come sorted.
    """
    shape = (key, type(database.obj), now.date(), len(ids))
    if shape not in _shapes:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.pop(next(iter(_shapes)))
        _shapes[shape] = _template(build, now.date(), len(ids))
    templates = _shapes[shape]
    if templates is None:
        return [query.sql() for query in build(now, ids)]
    return [(sql, [_bind(slot, now, ids) for slot in slots]) for sql, slots in templates]


def _bind(slot: tuple, now: dt.datetime, ids: list[int]):
    kind, value = slot
    if kind == _CONST:
        return value
    if kind == _NOW:
        return now + value
    return ids[value]


def _template(build, day: dt.date, count: int) -> tuple | None:
    moments = [dt.datetime.combine(day, t) for t in _SENTINEL_TIMES]
    id_lists = [[base + i for i in range(count)] for base in _SENTINEL_IDS]
    first = [q.sql() for q in build(moments[0], id_lists[0])]
    second = [q.sql() for q in build(moments[1], id_lists[1])]
    if len(first) != len(second):
        return None
    templates = []
    for (sql, params), (sql2, params2) in zip(first, second):
        if sql != sql2 or len(params) != len(params2):
            return None
        slots = []
        for a, b in zip(params, params2):
            slot = _classify(a, b, moments, id_lists)
            if slot is None:
                return None
            slots.append(slot)
        templates.append((sql, tuple(slots)))
    return tuple(templates)


def _classify(a, b, moments, id_lists) -> tuple | None:
    if type(a) is int and a in id_lists[0]:
        index = id_lists[0].index(a)
        return (_ID, index) if b == id_lists[1][index] else None
    if type(a) is dt.datetime and type(b) is dt.datetime and a != b:
        offset = a - moments[0]
        return (_NOW, offset) if b - moments[1] == offset else None
    if type(a) is type(b) and a == b:
        return (_CONST, a)
    return None


def forget() -> None:
    """Drop every shape (tests; nothing else needs to: a shape's SQL never goes stale)."""
    _shapes.clear()
