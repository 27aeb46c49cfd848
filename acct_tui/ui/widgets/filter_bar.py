"""The `/` filter line: appears at the bottom, filters the current list as you type."""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.widgets import Input

from acct_tui.ui.keys import bindings


class FilterBar(Input):
    """A one-line text filter, hidden until `/`; enter keeps the filter, escape clears it.

    Every change calls its screen's `filter_changed(text)` ("" means no text filter), so
    the screen filters live and decides what the text matches. A direct call, not a
    message: the bar and the narrowed list then repaint in one frame, where a message
    reaching the screen after the bar's repaint cost a second frame on every keystroke.
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

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="filter: type to narrow the list, enter keeps, escape clears", **kwargs)
        # Hidden, it must not take focus (it would swallow the screen's keys).
        self.can_focus = False

    def _watch_value(self, value: str) -> None:
        # Input sizes its scrollable area to the text on each keystroke, and setting that asks
        # for a layout: a whole extra frame. This bar is one line as wide as the screen whatever
        # the text (scrolling reads the size, not the layout), so set it quietly: a repaint does.
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
        self.screen.filter_changed(value.strip())

    def open(self) -> None:
        self.can_focus = True
        self.add_class("-active")
        self.focus()

    def close(self) -> None:
        """Hide the line (the filter text stays in force unless cleared)."""
        self.remove_class("-active")
        self.can_focus = False

    async def _on_key(self, event: events.Key) -> None:
        # Keys typed in one burst (a fast typist, a paste) are queued here before a binding
        # reached by bubbling would run, so the bar's own keys act at once, in order, and
        # keys that arrive once enter or escape has handed the keys back to the list are
        # sent round again to whatever has focus now.
        if self.can_focus and (own := self._own_bindings().get(event.key)):
            event.stop()
            event.prevent_default()
            await self.run_action(own[0].action)
        elif self.can_focus:
            await super()._on_key(event)
        else:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))

    def _own_bindings(self) -> dict:
        """This bar's keys as they are mapped now (the config's `[keys]` applied)."""
        for node, bindings_map in self.screen._binding_chain:
            if node is self:
                return bindings_map.key_to_bindings
        return {}

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the screen heard of it already (`_watch_value`)

    def action_keep(self) -> None:
        if not self.value.strip():
            self.close()
        self.can_focus = False
        self.screen.focus_main()

    def action_clear(self) -> None:
        self.value = ""
        self.close()
        self.screen.focus_main()
