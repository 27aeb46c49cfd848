"""The top bar of every screen: where I am, who I am, which database, open alerts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

#: Mode names in key order, for the tab strip in the header.
MODE_LABELS = (
    ("today", "1 Today"), ("portfolio", "2 Portfolio"), ("timeline", "3 Timeline"), ("visits", "4 Visits"), ("alerts", "5 Alerts"),
    ("team", "6 Team"),
)


class AppHeader(Horizontal):
    """Mode tabs on the left; name, role, database and red/yellow alert counts on the right.

    Reads `app.viewer`, `app.db_label`, `app.current_mode` and the reactive
    `app.alert_counts` (None shows "–": counts unknown).
    """

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $text;
    }
    AppHeader > #header-modes { width: 1fr; }
    AppHeader > #header-who { width: auto; padding: 0 1; color: $text-muted; }
    AppHeader > #header-alerts { width: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="header-modes")
        yield Static(id="header-who")
        yield Static(id="header-alerts")

    def on_mount(self) -> None:
        app = self.app
        viewer = app.viewer
        who = Text.assemble((viewer.name, "bold"), f" ({viewer.role}) · ")
        if viewer.acting_admin:  # an admin seeing as someone else: say so, always
            who.append(f"seen by {viewer.acting_admin} · ", style="bold magenta")
        who.append(getattr(app, "db_label", ""))
        self.query_one("#header-who", Static).update(who)
        self.watch(app, "alert_counts", self._show_counts)
        self._show_modes()

    def _show_modes(self) -> None:
        current = getattr(self.screen, "MODE", None)
        text = Text(" acct-tui ", style="bold")
        for mode, label in MODE_LABELS:
            if mode == "team" and not self.app.viewer.leads_people:
                label = "6 My KPIs"
            style = "reverse bold" if mode == current else ""
            text.append(f" {label} ", style=style)
        self.query_one("#header-modes", Static).update(text)

    def _show_counts(self, counts: dict[str, int] | None) -> None:
        if counts is None:
            text = Text.assemble(("● ", "red"), "– ", ("● ", "yellow"), "– alerts")
        else:
            text = Text.assemble(
                ("● ", "bold red"), f"{counts.get('red', 0):,} red  ", ("● ", "bold yellow"), f"{counts.get('yellow', 0):,} yellow"
            )
            if counts.get("snoozed"):
                text.append(f"  +{counts['snoozed']:,} snoozed", style="dim")
        self.query_one("#header-alerts", Static).update(text)
