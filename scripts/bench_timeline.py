"""How fast an account with thousands of events opens on the Timeline.

Builds (in a temporary SQLite file, or `--db URL`) one account with about
5,000 timeline events spread over activities, cases, milestones,
commitments, planned visits, alerts and health snapshots, then measures:

- baseline: one plain `SELECT` of that account's activities (rows only),
- `build_timeline`: the whole merged, sorted event list,
- `account_card`: the header card (health recomputed by `services.health.explain`),
- the Timeline screen, headless: the first switch to it, then selecting the
  big account until its windowed list is painted (card, events, table: the
  first part of a long timeline, `services.timeline.head_start`), then until
  the whole list is in the table (the older events appended), and a kind
  filter, each against a plain key press measured in the same run,

and prints each as milliseconds and as a ratio against the baseline measured
in the same run. Nothing is asserted: read the ratios.

    python scripts/bench_timeline.py [--events 5000] [--db URL] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acct_tui import clock, db as dbmod  # noqa: E402
from acct_tui.models import ActionItem, Activity, Alert, CustomerCase, HealthSnapshot, Milestone, PlannedVisit  # noqa: E402
from acct_tui.services.access import from_user  # noqa: E402
from acct_tui.services.account_card import account_card  # noqa: E402
from acct_tui.services.timeline import build_timeline  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 10, 0)


def build(events: int, seed: int = 1):
    """One user, one account, about `events` timeline events; returns (viewer, account id)."""
    from acct_tui.models import Account, User

    rng = random.Random(seed)
    user = User.create(login="bench.am", name="Bench AM", role="am")
    account = Account.create(name="Big History Co", tier="strategic", owner=user, annual_value=1_000_000)
    today = NOW.date()
    share = events // 9  # the sources below yield about 9 events per share
    acts = [
        dict(account=account.id, author=user.id, kind=rng.choice(("visit", "call", "email", "meeting", "update", "note")),
             occurred_at=NOW - dt.timedelta(hours=rng.randint(1, 24 * 1500)), subject=f"touch {i}", sentiment=rng.choice((None, -1, 0, 1, 2)))
        for i in range(share * 4)
    ]
    cases = [dict(account=account.id, subject=f"case {i}", opened_at=NOW - dt.timedelta(days=rng.randint(10, 1500)),
                  closed_at=NOW - dt.timedelta(days=rng.randint(0, 9))) for i in range(share // 2)]
    items = [dict(account=account.id, title=f"promise {i}", owner=user.id, due_on=today + dt.timedelta(days=rng.randint(-700, 60)),
                  status=rng.choice(("open", "done")), created_at=NOW - dt.timedelta(days=rng.randint(1, 900))) for i in range(share)]
    milestones = [dict(account=account.id, title=f"milestone {i}", due_on=today + dt.timedelta(days=rng.randint(-700, 200)),
                       status=rng.choice(("planned", "done"))) for i in range(share // 2)]
    plans = [dict(account=account.id, owner=user.id, scheduled_for=today + dt.timedelta(days=rng.randint(-700, 90)),
                  status=rng.choice(("planned", "done", "missed"))) for i in range(share // 2)]
    alerts = [dict(account=account.id, rule="overdue_update", severity="yellow", reason="quiet", first_seen=NOW - dt.timedelta(days=i + 1),
                   last_seen=NOW, status="resolved", resolved_at=NOW - dt.timedelta(days=i), resolved_by="system") for i in range(share // 4)]
    snaps = [dict(account=account.id, taken_on=today - dt.timedelta(days=i), score=s, band="green" if s >= 70 else "yellow" if s >= 40 else "red",
                  components={}) for i, s in enumerate(rng.randint(20, 95) for _ in range(share))]
    with dbmod.database.atomic():
        for model, rows in ((Activity, acts), (CustomerCase, cases), (ActionItem, items), (Milestone, milestones), (PlannedVisit, plans), (Alert, alerts), (HealthSnapshot, snaps)):
            for start in range(0, len(rows), 500):
                model.insert_many(rows[start : start + 500]).execute()
    return from_user(user), account.id


def timed(fn, repeat: int) -> tuple[float, object]:
    result, runs = None, []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000, result


class Frames:
    """The frames the headless app composes (its `_display` calls): when, and what the Timeline held."""

    def __init__(self, app):
        self.seen: list[tuple[float, int, int | None]] = []  # (time, table rows, the card's account)
        shown = app._display

        def display(screen, renderable):
            if renderable is not None and hasattr(screen, "table") and hasattr(screen, "card"):
                self.seen.append((time.perf_counter(), screen.table.row_count, screen.card.id if screen.card else None))
            return shown(screen, renderable)

        app._display = display

    async def first(self, start: float, done, timeout: float = 60.0) -> float:
        """ms from `start` to the first frame after it for which `done(rows, account)` holds."""
        while True:
            for at, rows, account in self.seen:
                if at >= start and done(rows, account):
                    return (at - start) * 1000
            if time.perf_counter() - start > timeout:
                raise TimeoutError("no such frame")
            await asyncio.sleep(0.001)


async def _screen_ms(viewer, account_id: int, events: int, opens: int = 5) -> dict:
    """Headless timings in ms: a key bound to nothing (the harness's own wait for the process to
    settle), the first switch to the Timeline (screen creation), a cursor move (j) to its frame,
    then `opens` times (another account selected in between), from selecting the big account:
    to the first frame showing its card and events ("open"), to the first frame with every one
    of its `events` in the table ("whole"), and until the process is idle, the harness's way
    ("open, until idle": the older events' load included); and a kind filter.

    A frame is the app composing the screen (`Frames`). The harness's wait (`pilot.pause`) waits
    for the whole process's CPU to go quiet, so it cannot see a frame painted while a worker
    thread still loads the older events: "open" is timed by the frames."""
    from pathlib import Path as _Path

    from acct_tui.config import Config
    from acct_tui.models import Account
    from acct_tui.ui.app import AcctApp

    other = Account.create(name="Small Co", tier="standard", owner=Account.get_by_id(account_id).owner, annual_value=1000).id
    app = AcctApp(viewer, config=Config(path=_Path("/nonexistent/config.toml")), scan=False, mode="portfolio")
    found: dict = {"open": [], "whole": [], "open, until idle": []}
    async with app.run_test(size=(160, 45)) as pilot:
        frames = Frames(app)
        await app.workers.wait_for_complete()
        await pilot.pause()

        async def measure(act) -> float:
            start = time.perf_counter()
            await act()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return (time.perf_counter() - start) * 1000

        found["key press"] = statistics.median([await measure(lambda: pilot.press("f12")) for _ in range(5)])
        found["switch to Timeline"] = await measure(lambda: pilot.press("3"))

        def select(target):
            async def act():
                app.selected_account_id = target
            return act

        moves = []
        for _ in range(opens):
            await measure(select(other))
            start = time.perf_counter()
            await select(account_id)()
            found["open"].append(await frames.first(start, lambda rows, shown: shown == account_id and rows > 1))
            found["whole"].append(await frames.first(start, lambda rows, shown: shown == account_id and rows == events + 1))
            await app.workers.wait_for_complete()
            await pilot.pause()
            found["open, until idle"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            await pilot.press("j")
            moves.append(await frames.first(start, lambda rows, shown: True))
            await pilot.pause()
        found["cursor move (j)"] = statistics.median(moves)
        found["filter by kind (f)"] = await measure(lambda: pilot.press("f"))
    return found


def opens_ms(events: int = 10_000, opens: int = 5) -> dict:
    """Open a timeline of about `events` events `opens` times, in a temporary SQLite file.

    {"open": [ms...], "whole": [ms...], "open, until idle": [ms...], "cursor move (j)": ms, "key press": ms,
    "events": n}: open and whole are timed to frames; "until idle" includes the harness's wait (the key press)."""
    clock.pin(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        dbmod.open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with dbmod.database.connection_context():
            viewer, account_id = build(events)
            total = len(build_timeline(viewer, account_id).events)
        found = asyncio.run(_screen_ms(viewer, account_id, total, opens))
        dbmod.database.close()
    return found | {"events": total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--db", help="an EMPTY database URL to use (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock.pin(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        dbmod.open_database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        with dbmod.database.connection_context():
            viewer, account_id = build(args.events)
            base_ms, _ = timed(lambda: list(Activity.select().where(Activity.account == account_id).tuples()), args.repeat)
            tl_ms, timeline = timed(lambda: build_timeline(viewer, account_id), args.repeat)
            card_ms, _ = timed(lambda: account_card(viewer, account_id), args.repeat)
        screen = asyncio.run(_screen_ms(viewer, account_id, len(timeline.events)))
    print(f"account with {len(timeline.events)} timeline events ({timeline.upcoming_count} upcoming)")
    print(f"{'measure':<28}{'ms':>9}{'x baseline':>12}")
    for name, ms in (("baseline: SELECT activities", base_ms), ("build_timeline", tl_ms), ("account_card", card_ms)):
        print(f"{name:<28}{ms:>9.1f}{ms / base_ms:>12.1f}")
    print(f"{'headless screen':<28}{'ms':>9}{'x key press':>12}")
    press = screen["key press"]
    for name, ms in screen.items():
        for one in ms if isinstance(ms, list) else [ms]:
            print(f"{name:<28}{one:>9.1f}{one / press:>12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
