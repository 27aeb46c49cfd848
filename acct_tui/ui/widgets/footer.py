"""`AppFooter`: Textual's footer, rebuilt once for a burst of binding changes.

Textual's `Footer` rebuilds every key it shows (about 45 widgets, each styled) on each change of
the screen's bindings, one rebuild per change even when several arrive before the first one
runs. A screen's start brings three (mounting, focusing its table, the app's own refresh): at
100k accounts that was three rebuilds on the event loop before the first rows, beside their
load. A rebuild reads the bindings as they are when it runs, so one that is still waiting
covers every change that arrives meanwhile: the footer ends the same.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class AppFooter(Footer):
    """`Footer`, with at most one rebuild waiting at a time."""

    _rebuild_waiting = False

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's `Footer.bindings_changed`, but a rebuild already waiting is not asked for again.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False  # a change from here on is not seen by this rebuild: it asks again
        await self.recompose()
