"""Memory for a long-lived app: freed memory given back to the system, and what lives long kept
out of the collector's full passes (`freeze_startup_objects`, `settle`).

A big load (the Portfolio at 100,000 accounts) frees its intermediates, but
the C allocator keeps the pages, so the process stays as big as its peak and
the next load's peak lands on top of it. `give_back()` asks glibc to return
its free pages (`malloc_trim`); elsewhere it does nothing. Measured at 100k
accounts, before the Portfolio's load and before a reload's second step:
the app's peak 194 -> 180 MB loaded, 217 -> 203 MB over a reload.
"""

from __future__ import annotations

import gc
from functools import lru_cache
from typing import Callable


def give_back() -> bool:
    """Return the allocator's free pages to the system; False where there is no glibc to ask."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc (macOS, musl, Windows)
        return None


def freeze_startup_objects() -> None:
    """Leave what exists once the first screen is painted (Textual, our modules, the app and that
    screen: about 97,000 objects) out of the collector's full passes from now on.

    They live as long as the app, yet each full pass walked them all again: 55-70 ms of CPU
    on the event loop, every few opens of a long timeline (its events are named tuples, which
    the collector keeps tracking) and every few keys at 100k accounts (150-400 ms). After the
    freeze a full pass walks only what came later. `gc.freeze` moves a list, nothing more, so
    it costs the first paint nothing; reference counting still frees these objects as usual.
    Once a process: a second app in it (tests) would freeze the first one's cyclic garbage.
    """
    global _startup_frozen
    if not _startup_frozen:
        _startup_frozen = True
        gc.freeze()


_startup_frozen = False

#: A whole load of at least this many objects the collector tracks is left out of its later
#: full passes once it lands (`AcctApp.settle_load`); smaller ones cost a pass little.
SETTLE_AT = 20_000


def settle(size: int) -> None:
    """Collect everything, then freeze what is alive. Unfrozen first: what an earlier freeze
    kept alive and has died since (a closed screen, a finished worker, a dialog; cyclic, so
    reference counting never frees it) is collected now, not leaked at each reload."""
    if size >= SETTLE_AT:
        gc.unfreeze()
        gc.collect()  # before the freeze: what is frozen is never collected, so no garbage may be among it
        gc.freeze()


#: The longest the collector stays off for one open (`hold_collection`), whatever happens to it.
HOLD_AT_MOST = 1.0


def hold_collection(app) -> Callable[[], None]:
    """The cyclic collector off from now until the returned function is called (once the screen
    shows what was asked for), or `HOLD_AT_MOST` seconds at most (`app`'s timer: it runs whichever
    screen is shown, so a screen left before its paint does not keep the collector off).

    An open on the Timeline builds its events and paints them in a few tens of milliseconds; a full
    pass that fell in between (the last open's thousands of events are still tracked) added 8-16 ms
    to that frame, every few opens (measured). Held, the pass comes after the frame instead. Does
    nothing when the collector is already off (a build holds it, `core.collector.paused`)."""
    if not gc.isenabled():
        return lambda: None
    gc.disable()
    held = True

    def release() -> None:
        nonlocal held
        if held:  # once: a later call must not turn on a collector someone else has turned off
            held = False
            timer.stop()
            gc.enable()

    timer = app.set_timer(HOLD_AT_MOST, release)
    return release
