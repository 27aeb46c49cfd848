"""Record the SQL a piece of code sends, and replay it as plain DB-API calls: the benchmarks' baselines.

`recorded(database)` hands peewee a cursor that writes down every
`execute` and `executemany` (statement and parameters, transaction control
included, since peewee's BEGIN and COMMIT go through a cursor too) with the
time it was sent and the thread that sent it. `replay(database, statements)`
sends the same statements with the same parameters on raw DB-API cursors,
fetching every row a statement returns, and nothing else: the same database
work with no ORM, no objects and no logic around it. Statements another
thread sent (the scan reads its facts two at a time on their own
connections) are replayed the same way: as many threads, each on its own
connection, while the calling thread's statements sent meanwhile run beside
them; its later statements wait for them, as the code did.
"""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass


@dataclass
class Statement:
    sql: str
    params: object
    many: bool
    sent: float  # perf_counter when it was sent
    thread: int = 0  # threading.get_ident() of the sender


class _Cursor:
    """A DB-API cursor that writes down what is sent through it."""

    def __init__(self, cursor, log: list[Statement]):
        self._cursor = cursor
        self._log = log

    def execute(self, sql, params=()):
        self._log.append(Statement(sql, params, False, time.perf_counter(), threading.get_ident()))
        self._cursor.execute(sql, params)
        return self

    def executemany(self, sql, seq):
        seq = list(seq)
        self._log.append(Statement(sql, seq, True, time.perf_counter(), threading.get_ident()))
        self._cursor.executemany(sql, seq)
        return self

    def __iter__(self):
        return iter(self._cursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@contextlib.contextmanager
def recorded(database):
    """Within the block, every statement `database` (a peewee Database) sends is appended to the list yielded."""
    log: list[Statement] = []
    original = database.cursor

    def cursor(*args, **kwargs):
        return _Cursor(original(*args, **kwargs), log)

    database.cursor = cursor
    try:
        yield log
    finally:
        del database.cursor  # back to the class's method


def _send(cursor, statements: list[Statement]) -> int:
    fetched = 0
    for s in statements:
        if s.many:
            cursor.executemany(s.sql, s.params)
        else:
            cursor.execute(s.sql, s.params)
            if cursor.description is not None:
                fetched += len(cursor.fetchall())
    return fetched


def _on_own_connection(database, statement: Statement) -> int:
    with database.connection_context():
        cursor = database.connection().cursor()
        try:
            return _send(cursor, [statement])
        finally:
            cursor.close()


def replay(database, statements: list[Statement]) -> int:
    """Send `statements` on raw cursors of `database` (a connected peewee Database), with the threads
    they were sent from (see the module's docstring); return the rows fetched."""
    if not statements:
        return 0
    first = statements[-1].thread  # the calling thread: the pool's threads are done before it ends
    others = [s for s in statements if s.thread != first]
    own = [s for s in statements if s.thread == first]
    meanwhile = [s for s in own if others and s.sent <= others[-1].sent]
    after = own[len(meanwhile):]
    with database.connection_context():
        cursor = database.connection().cursor()
        fetched = 0
        if others:
            with ThreadPoolExecutor(len({s.thread for s in others})) as pool:
                futures = [pool.submit(_on_own_connection, database, s) for s in others]
                fetched += _send(cursor, meanwhile)
                fetched += sum(f.result() for f in futures)
        fetched += _send(cursor, after)
        cursor.close()
    return fetched


def longest_transaction(statements: list[Statement], ended: float) -> float:
    """Seconds of the longest BEGIN..COMMIT/ROLLBACK span in `statements` (`ended` closes an open one)."""
    longest, began = 0.0, None
    for s in statements:
        word = s.sql.lstrip().split(None, 1)[0].upper() if s.sql.strip() else ""
        if word == "BEGIN" and began is None:
            began = s.sent
        elif word in ("COMMIT", "ROLLBACK", "END") and began is not None:
            longest, began = max(longest, s.sent - began), None
    if began is not None:
        longest = max(longest, ended - began)
    return longest
