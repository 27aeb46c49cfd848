"""The `/` filter line: appears at the bottom, filters the current list as you type."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import Input

from acct_tui.ui.keys import bindings


class FilterBar(Input):
    """A one-line text filter, hidden until `/`; enter keeps the filter, escape clears it.

    Posts `FilterBar.Changed`-like `FilterBar.Applied(text)` on every change, so the
    screen can filter live; the screen decides what the text matches.
    """

    DEFAULT_CSS = """
    FilterBar {
        display: none;
        border: none;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    FilterBar:focus { border: none; background: $boost; }
    FilterBar.-active { display: block; }
    """
    BINDINGS = bindings("filter")

    @dataclass
    class Applied(Message):
        """The filter text is now `text` ("" means no text filter)."""

        bar: "FilterBar"
        text: str

        @property
        def control(self) -> "FilterBar":
            return self.bar

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="filter: type to narrow the list, enter keeps, escape clears", **kwargs)
        # Hidden, it must not take focus (it would swallow the screen's keys).
        self.can_focus = False

    def open(self) -> None:
        self.can_focus = True
        self.add_class("-active")
        self.focus()

    def close(self) -> None:
        """Hide the line (the filter text stays in force unless cleared)."""
        self.remove_class("-active")
        self.can_focus = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Applied(self, event.value.strip()))

    def action_keep(self) -> None:
        if not self.value.strip():
            self.close()
        self.can_focus = False
        self.screen.focus_main()

    def action_clear(self) -> None:
        self.value = ""
        self.close()
        self.screen.focus_main()
