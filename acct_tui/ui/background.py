"""Service calls off the event loop.

Screens and widgets call services only from thread workers
(`@work(thread=True, exit_on_error=False)`), each on the worker's own
connection, and report back with `post_message`; the event loop only draws
(tests/ui/test_event_loop.py holds it). `call` runs one service call on its
own connection, `attempt` turns an expected failure into a message, and
async hooks Textual awaits (the palette's search, a suggester) await
`in_worker`, which runs the call in a thread worker of the app.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, TypeVar

from acct_tui.db import database
from acct_tui.errors import AcctError

T = TypeVar("T")


def call(service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call on its own connection. Only ever from a worker thread."""
    with database.connection_context():
        return service(*args, **kwargs)


async def in_worker(app, group: str, service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Await a service call run in a thread worker (the newest call of a `group` replaces an older one)."""
    worker = app.run_worker(partial(call, service, *args, **kwargs), group=group, thread=True, exclusive=True, exit_on_error=False)
    return await worker.wait()


def attempt(service: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T | None, str | None]:
    """`call`, with an expected failure (`AcctError`) returned as its message: (result, None) or (None, error)."""
    try:
        return call(service, *args, **kwargs), None
    except AcctError as exc:
        return None, str(exc)
