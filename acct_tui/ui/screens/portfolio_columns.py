"""The Portfolio's columns: how each cell of a `PortfolioRow` is drawn, and which hide first."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from acct_tui.core.currency import money, short_amount
from acct_tui.services.portfolio import PortfolioRow
from acct_tui.ui.widgets.virtual_table import Column

BAND_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green"}
TOUCH_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}
TIER_BADGE = {"strategic": ("STR", "bold magenta"), "key": ("KEY", "bold cyan"), "standard": ("std", "dim")}


def _value(row: PortfolioRow) -> Text:
    if row.annual_value is None:
        return Text("no rate", style="dim italic")
    return Text(short_amount(row.annual_value))


def _own(base: str):
    def render(row: PortfolioRow) -> Text:
        if row.currency == base:
            return Text("")
        return Text(money(row.own_value, row.currency), style="dim" if row.annual_value is not None else "yellow")

    return render


def _pipeline(row: PortfolioRow) -> Text:
    if row.pipeline is None:
        return Text("·", style="dim")
    return Text(short_amount(row.pipeline))


def _tier(row: PortfolioRow) -> Text:
    label, style = TIER_BADGE.get(row.tier, (row.tier[:3], ""))
    return Text(label, style=style)


def _share(row: PortfolioRow) -> Text:
    if row.share is None:
        return Text("–", style="dim")
    text = Text(f"{row.share * 100:5.1f}%" if row.share >= 0.001 or not row.share else " <0.1%")
    text.append(" ★" if row.top else "  ", style="bold yellow")
    return text


def _health(row: PortfolioRow) -> Text:
    if row.health is None:
        return Text("–", style="dim")
    text = Text(f"{row.health:>3}", style=BAND_STYLE.get(row.band or "", ""))
    if row.trend is not None:
        if row.trend > 0:
            text.append(f" ↑{row.trend}", style="green")
        elif row.trend < 0:
            text.append(f" ↓{-row.trend}", style="red")
        else:
            text.append(" →", style="dim")
    return text


def _touch(row: PortfolioRow) -> Text:
    style = TOUCH_STYLE.get(row.touch_status, "")
    if row.days_since_touch is None:
        return Text("never", style=style)
    return Text(f"{row.days_since_touch}d", style=style)


def _next_visit(today):
    def render(row: PortfolioRow) -> Text:
        if row.next_visit is None:
            return Text("–", style="dim")
        late = row.next_visit < today
        return Text(row.next_visit.strftime("%d %b %y"), style="bold red" if late else "")

    return render


def _renewal(row: PortfolioRow) -> Text:
    days = row.days_to_renewal
    if days is None:
        return Text("–", style="dim")
    style = "bold red" if days < 0 else "yellow" if days <= 90 else ""
    return Text(f"{days}d", style=style)


def _alerts(row: PortfolioRow) -> Text:
    if not row.open_alerts:
        return Text("·", style="dim")
    return Text(str(row.open_alerts), style="bold red")


def _days_ago(today):
    def render(row: PortfolioRow) -> Text:
        if row.days_since_touch is None:
            return Text("–", style="dim")
        return Text(dt.date.fromordinal(today.toordinal() - row.days_since_touch).strftime("%d %b %y"), style="dim")

    return render


def _renews_on(today):
    def render(row: PortfolioRow) -> Text:
        if row.days_to_renewal is None:
            return Text("–", style="dim")
        return Text(dt.date.fromordinal(today.toordinal() + row.days_to_renewal).strftime("%d %b %y"), style="dim")

    return render


def columns(today, with_owner: bool, base: str) -> list[Column]:
    """The Portfolio's columns. At 80 columns the name keeps 20 cells and the highest `priority`
    columns are hidden (the header says which); a wide terminal shows every one, dates too."""
    cols = [
        Column("tier", "Tier", 4, render=_tier),
        Column("name", "Account", 0, min_width=20, max_width=44),
        Column("owner", "Owner", 14, priority=2),
        Column("annual_value", f"Value {base}", 10, "right", render=_value),
        Column("own_value", "Own", 12, "right", render=_own(base), priority=6),
        Column("share", "Share", 9, "right", render=_share, priority=4),
        Column("pipeline", "Pipeline", 8, "right", render=_pipeline, priority=5),
        Column("health", "Health", 8, render=_health),
        Column("days_since_touch", "Touch", 6, "right", render=_touch),
        Column("last_touch_on", "Touched on", 10, render=_days_ago(today), priority=8),
        Column("next_visit", "Next visit", 10, render=_next_visit(today), priority=3),
        Column("days_to_renewal", "Renewal", 8, "right", render=_renewal, priority=1),
        Column("renews_on", "Renews on", 10, render=_renews_on(today), priority=7),
        Column("open_alerts", "Alerts", 6, "right", render=_alerts),
    ]
    return cols if with_owner else [c for c in cols if c.key != "owner"]
