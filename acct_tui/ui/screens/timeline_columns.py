"""The Timeline's columns: how an event (or the TODAY rule) is drawn, and what a line is across reloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text

from acct_tui.services.timeline import TimelineEvent
from acct_tui.ui.widgets.virtual_table import Column

KIND_LABELS = {"activity": "touch", "case": "case", "milestone": "milestone", "commitment": "commit", "visit_plan": "plan", "opportunity": "deal", "alert": "alert", "health": "health", "courtesy": "courtesy"}
STATE_STYLE = {"late": "bold red", "red": "red", "yellow": "yellow", "green": "green", "done": "green", "warn": "magenta"}


@dataclass(frozen=True)
class TodayRule:
    """The line between what is still to come and what has happened."""

    day: dt.date


def row_key(row: "TimelineEvent | TodayRule") -> tuple:
    """What a timeline line is, across reloads: its record and title (the rule is the rule)."""
    if isinstance(row, TodayRule):
        return ("today",)
    return (row.source, row.source_id, row.title)


# The TODAY row is one reversed bar: each cell's base style covers its padding too.
RULE_STYLE = "bold reverse"


def _when(row) -> Text:
    if isinstance(row, TodayRule):
        return Text(f"{row.day:%d %b %y}", style=RULE_STYLE)
    style = "cyan" if row.upcoming else ""
    return Text(f"{row.when:%d %b %y}", style=style)


def _kind(row) -> Text:
    if isinstance(row, TodayRule):
        return Text("TODAY", style=RULE_STYLE)
    return Text(KIND_LABELS.get(row.kind, row.kind), style="dim")


def _title(row) -> Text:
    if isinstance(row, TodayRule):
        return Text(f"▲ upcoming · {row.day:%A %d %B %Y} · past ▼", style=RULE_STYLE)
    style = STATE_STYLE.get(row.state, "cyan" if row.upcoming else "")
    return Text(row.title, style=style)


def _detail(row) -> Text:
    if isinstance(row, TodayRule):
        return Text("", style=RULE_STYLE)
    return Text(row.detail, style="dim")


COLUMNS = [
    Column("when", "When", 9, render=_when),
    Column("kind", "Kind", 9, render=_kind),
    # A wide terminal gives the detail (reasons, who, how long) the width past 72 cells of event.
    Column("title", "Event", 0, render=_title, min_width=24, max_width=72),
    Column("detail", "Detail", 0, render=_detail, min_width=16),
]
