"""A long timeline opens in two parts: the newest first, painted, then the older events below them."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.services import access, timeline
from acct_tui.ui.screens.timeline import TimelineScreen, TodayRule
from tests import factories
from tests.ui.conftest import settle

TODAY = dt.date(2026, 11, 20)


def titles(app) -> list[str]:
    table = app.screen.table
    return ["TODAY" if isinstance(r, TodayRule) else r.title for r in (table.row_at(i) for i in range(table.row_count))]


def summary(app) -> str:
    return str(app.screen.query_one("#timeline-summary").content)


@pytest.fixture
def long_story(org, monkeypatch):
    """Acme with 30 touches a day apart, two things still to come; the first part holds 5 touches."""
    monkeypatch.setattr(timeline, "HEAD_TOUCHES", 5)
    a1 = org["a1"]
    for n in range(30):
        factories.activity(org["a1"], "call", dt.datetime(2026, 11, 19, 9) - dt.timedelta(days=n), subject=f"touch {n}")
    factories.milestone(a1, "Go-live", due_on=TODAY + dt.timedelta(days=10))
    factories.action_item(a1, "Send deck", due_on=TODAY + dt.timedelta(days=3), created_at=dt.datetime(2026, 9, 1, 9))
    return a1


@pytest.fixture
def held(monkeypatch):
    """The older events' loads, held until the test lets them go (`held.pop()()`)."""
    starts: list = []
    real = TimelineScreen._start_older
    monkeypatch.setattr(TimelineScreen, "_start_older", lambda self, *args: starts.append(lambda: real(self, *args)))
    return starts


def whole_titles(org, account_id) -> list[str]:
    events = timeline.build_timeline(access.from_user(org["am1"]), account_id).events
    upcoming = [e.title for e in events if e.upcoming]
    return [*upcoming, "TODAY", *(e.title for e in events if not e.upcoming)]


async def test_the_newest_part_shows_first_then_the_older_events_come_below_it(org, long_story, held, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        app.open_account(long_story.id)
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen) and len(held) == 1
        # Everything upcoming, the rule and the newest touches down to the 5th newest one's day.
        assert titles(app) == ["deliverable: Go-live", "commitment due: Send deck", "TODAY"] + [f"call: touch {n}" for n in range(5)]
        assert "events before 15 Nov 26 loading…" in summary(app)
        assert app.screen.table.current_row.title == "call: touch 0"
        await pilot.press("j", "j")
        top = app.screen.table.scroll_offset.y
        held.pop()()
        await settle(app, pilot)
        assert titles(app) == whole_titles(org, long_story.id)
        assert len(titles(app)) == 3 + 30 + 1  # and the commitment made in September
        assert app.screen.table.current_row.title == "call: touch 2"  # the cursor kept its line
        assert app.screen.table.scroll_offset.y == top
        assert "33 events · 2 upcoming" in summary(app) and "loading" not in summary(app)


async def test_a_record_among_the_older_events_is_found_once_they_come(org, long_story, held, make_app):
    old = factories.activity(long_story, "visit", dt.datetime(2026, 6, 1, 9), subject="Old visit")
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        app.open_record(long_story.id, "activity", old.id)
        await settle(app, pilot)
        assert "visit: Old visit" not in titles(app) and app.pending_record is not None
        held.pop()()
        await settle(app, pilot)
        assert app.screen.table.current_row.title == "visit: Old visit"
        assert app.pending_record is None


async def test_another_account_chosen_before_the_older_events_come_drops_them(org, long_story, held, make_app):
    app = make_app("minh.pham")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        app.open_account(long_story.id)
        await settle(app, pilot)
        app.open_account(org["a2"].id)
        await settle(app, pilot)
        held.pop(0)()  # the first account's older events: not asked for any more
        await settle(app, pilot)
        assert app.screen.card.id == org["a2"].id
        assert not any(t.startswith("call: touch") for t in titles(app))


async def test_no_full_collection_falls_between_choosing_an_account_and_its_first_frame(org, long_story, held, make_app,
                                                                                     monkeypatch):
    import gc

    from acct_tui.ui import memory

    app = make_app("minh.pham")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(app, pilot)
        app.open_account(org["a2"].id)
        await settle(app, pilot)
        asked: list[bool] = []  # whether the collector was on when the open's build began
        real = TimelineScreen._load
        monkeypatch.setattr(TimelineScreen, "_load", lambda self, account_id: (asked.append(gc.isenabled()), real(self, account_id))[1])
        app.open_account(long_story.id)
        await settle(app, pilot)
        assert asked == [False] and app.screen.card.id == long_story.id
        assert gc.isenabled(), "on again once the card and the first part are painted"
        # Held again and never painted (a failed load): on again after HOLD_AT_MOST at most.
        monkeypatch.setattr(memory, "HOLD_AT_MOST", 0.05)
        release = memory.hold_collection(app)
        assert not gc.isenabled()
        await pilot.pause(0.2)
        assert gc.isenabled()
        gc.disable()  # someone else's hold (`core.collector.paused`) after the timer ran out
        release()
        assert not gc.isenabled(), "a released hold does not turn the collector on twice"
        gc.enable()
