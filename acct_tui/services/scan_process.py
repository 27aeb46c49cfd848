"""The app's scan of a big book runs in a process of its own, not beside the screens.

At 100,000 accounts a scan is tens of seconds of Python and hundreds of MB:
in a thread of the app's interpreter it held the GIL for long stretches
(the event loop woke up to 2 s late) and its memory stayed with the app. A
book of `CHILD_FROM` accounts or more is scanned by a spawned child process
that connects to the same database and sends back only the `ScanSummary`;
a smaller one is scanned here, where a process start would cost more than
the scan. The child is a daemon: quitting the app ends it, and since the
scan writes in short transactions, a scan cut short leaves no half-written
chunk (the next one finishes the work).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
from types import MappingProxyType

from acct_tui.core.settings import RiskSettings, loaded
from acct_tui.db import database
from acct_tui.models import Account
from acct_tui.services.scan import ScanSummary, scan_all

#: Books of at least this many accounts are scanned in a child process.
CHILD_FROM = 20_000


def scan(now: dt.datetime, settings: RiskSettings | None = None) -> ScanSummary:
    """`scan_all(now, settings)`, in a child process when the book is big (see the module's docstring)."""
    with database.connection_context():
        big = Account.select().count() >= CHILD_FROM
    return scan_in_child(now, settings) if big else scan_all(now=now, settings=settings)


def scan_in_child(now: dt.datetime, settings: RiskSettings | None = None) -> ScanSummary:
    """Run `scan_all` in a spawned process on the same database; its summary, or RuntimeError saying why not."""
    url = getattr(database.obj, "acct_url", None)
    if url is None:
        raise RuntimeError("the scan's process needs a database opened by URL (db.connect)")
    context = multiprocessing.get_context("spawn")  # never fork a process running threads
    receive, send = context.Pipe(duplex=False)
    # The settings in force here (the child's own would be the defaults), with the weights
    # as a plain dict: a read-only mapping does not pickle.
    settings = settings or loaded()
    portable = dataclasses.replace(settings, weights=dict(settings.weights))
    child = context.Process(target=_child, args=(url, now, portable, send), daemon=True, name="acct-tui scan")
    child.start()
    send.close()
    try:
        answer = receive.recv()
    except EOFError:
        answer = RuntimeError(f"the scan's process ended without an answer (exit code {child.exitcode})")
    finally:
        receive.close()
        child.join()
    if isinstance(answer, BaseException):
        raise answer
    return answer


def _child(url: str, now: dt.datetime, settings: RiskSettings, send) -> None:
    from acct_tui import db

    try:
        db.connect(url)
        settings = dataclasses.replace(settings, weights=MappingProxyType(settings.weights))
        answer: object = scan_all(now=now, settings=settings)
    except Exception as exc:  # sent as text: not every database error pickles
        answer = RuntimeError(f"{type(exc).__name__}: {exc}")
    send.send(answer)
    send.close()
