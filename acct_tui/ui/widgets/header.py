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

    The tabs and the counts always show whole; at 80 columns the tabs drop the
    app's name, the who/where text shrinks to the name (cut with an ellipsis)
    and the counts drop the words "red"/"yellow" and the snoozed count (the
    coloured dots still say which is which). A resize redraws both.

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
    AppHeader > #header-modes { width: auto; }
    AppHeader > #header-who {
        width: 1fr; padding: 0 1; color: $text-muted; text-align: right;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    AppHeader > #header-alerts { width: auto; padding: 0 1; }
    """
    #: Below this width the tabs drop the app's name and the who/where line its database.
    NARROW = 110

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
        self._who_full = who.copy()
        self._who_full.append(getattr(app, "db_label", ""))
        self._who_short = Text(viewer.name, style="bold")
        if viewer.acting_admin:
            self._who_short.append(f" · seen by {viewer.acting_admin}", style="bold magenta")
        self.watch(app, "alert_counts", self._show_counts)
        self._show_modes()

    def on_resize(self) -> None:
        if hasattr(self, "_who_full"):
            self._show_modes()
            self._show_counts(self.app.alert_counts)

    @property
    def narrow(self) -> bool:
        return 0 < self.size.width < self.NARROW

    def _show_modes(self) -> None:
        current = getattr(self.screen, "MODE", None)
        narrow = self.narrow
        text = Text("" if narrow else " acct-tui ", style="bold")
        for mode, label in MODE_LABELS:
            if mode == "team" and not self.app.viewer.leads_people:
                label = "6 My KPIs"
            style = "reverse bold" if mode == current else ""
            # Narrow: one space between tabs instead of two, the current one still padded.
            text.append(f" {label} " if not narrow or mode == current else f"{label}", style=style)
            if narrow and mode != current:
                text.append(" ")
        self.query_one("#header-modes", Static).update(text)
        self.query_one("#header-who", Static).update(self._who_short if narrow else self._who_full)

    def _show_counts(self, counts: dict[str, int] | None) -> None:
        narrow = self.narrow
        if counts is None:
            text = Text.assemble(("● ", "red"), "– ", ("● ", "yellow"), "–" if narrow else "– alerts")
        else:
            red, yellow = f"{counts.get('red', 0):,}", f"{counts.get('yellow', 0):,}"
            if narrow:
                text = Text.assemble(("● ", "bold red"), f"{red} ", ("● ", "bold yellow"), yellow)
            else:
                text = Text.assemble(("● ", "bold red"), f"{red} red  ", ("● ", "bold yellow"), f"{yellow} yellow")
                if counts.get("snoozed"):
                    text.append(f"  +{counts['snoozed']:,} snoozed", style="dim")
        shown = self.query_one("#header-alerts", Static)
        shown.update(text)
        shown.tooltip = None if counts is None else (
            f"Open alerts: {counts.get('red', 0):,} red, {counts.get('yellow', 0):,} yellow; {counts.get('snoozed', 0):,} snoozed"
        )
